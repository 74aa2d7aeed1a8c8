// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ezleeds",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LeadEngine", targets: ["LeadEngine"]),
        .library(name: "LeadStore", targets: ["LeadStore"]),
        .library(name: "LeadStorePostgres", targets: ["LeadStorePostgres"]),
        .library(name: "LeadOutbound", targets: ["LeadOutbound"]),
        .library(name: "LeadAPI", targets: ["LeadAPI"]),
        .executable(name: "ezleeds", targets: ["ezleeds"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Domain core: no HTTP, NIO or database imports.
        .target(
            name: "LeadEngine",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA for DKIM: the keys of sending domains and the signatures of their mail.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                // Outreach templates: a pure text renderer, no I/O.
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The state telemarketing rules, loaded once (`StateRuleBook.shipped`).
            resources: [.copy("Compliance/Resources/state-rules.json")],
            swiftSettings: swiftSettings
        ),
        // Compact binary records both stores write whole and read back whole (ping outcomes, logged sales).
        .target(
            name: "LeadStoreRecords",
            dependencies: ["LeadEngine"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LeadStore",
            dependencies: [
                "LeadEngine",
                "LeadStoreRecords",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The shared store of several nodes: the same store protocols as LeadStore, on PostgreSQL.
        .target(
            name: "LeadStorePostgres",
            dependencies: [
                "LeadEngine",
                "LeadStoreRecords",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Calls out to URLs tenants gave (bids, deliveries) through the outbound target policy, on its own keep-alive pool.
        .target(
            name: "LeadOutbound",
            dependencies: [
                "LeadEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LeadAPI",
            dependencies: [
                "LeadEngine",
                "LeadOutbound",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // The dashboard's pages.
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ezleeds",
            dependencies: [
                "LeadAPI",
                "LeadStore",
                "LeadStorePostgres",
                "LeadEngine",
                "LeadOutbound",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // For the tests only: child processes (the binary, peers, tools) spawned clean, and the
        // real peers several suites talk to (dnsmasq, an SMTP sink).
        .target(
            name: "TestSupport",
            dependencies: [
                "LeadOutbound", "LeadEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LeadEngineTests",
            dependencies: ["LeadEngine", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LeadStoreTests",
            dependencies: ["LeadStore", "LeadStoreRecords", "LeadEngine"],
            swiftSettings: swiftSettings
        ),
        // One suite over the store protocols, run against SQLite always and against PostgreSQL when
        // EZLEEDS_TEST_POSTGRES_URL names a throw-away database.
        .testTarget(
            name: "StoreContractTests",
            dependencies: [
                "LeadStore", "LeadStorePostgres", "LeadEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LeadOutboundTests",
            dependencies: [
                "LeadOutbound", "LeadEngine", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LeadAPITests",
            dependencies: [
                "LeadAPI", "LeadStore", "LeadEngine", "LeadOutbound",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // Drives the built `ezleeds` binary: CLI, first start, HTTP over TCP, SIGTERM.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ezleeds", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
