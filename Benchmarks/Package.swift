// swift-tools-version:6.1
// Micro-benchmarks of the LeadEngine hot path (ordo-one/benchmark), kept in their own package so
// that `swift test` at the repository root never builds them or their dependencies.
//
// From the repository root:  swift package --package-path Benchmarks benchmark
// (Benchmarks/README.md has the other commands.)
import PackageDescription

let package = Package(
    name: "EZLeedsBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ezleeds", path: ".."),
        // The malloc interposer backs the malloc metrics on Swift 6.3 and later.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // Read directly by the ping book's memory benchmark: bytes the engine asked malloc for.
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
        // The export benchmark writes its million leads straight into the store's schema.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // Deterministic test data and the common configuration shared by the suites.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LeadEngine", package: "ezleeds"),
            ],
            path: "Support"
        ),
        suite("BuyerMatching"),
        suite("AuctionRanking"),
        suite(
            "PingBook",
            extraDependencies: [.product(name: "MallocInterposerSwift", package: "malloc-interposer")]
        ),
        suite("RateLimiting"),
        suite("JSONCoding"),
        suite("WebhookSigning"),
        suite("DoNotCall"),
        suite("MarketActivity"),
        suite("OutreachScheduler", extraDependencies: [.product(name: "LeadStore", package: "ezleeds")]),
        suite("SaleLogReplay", extraDependencies: [.product(name: "LeadStore", package: "ezleeds")]),
        suite(
            "DashboardOverview",
            extraDependencies: [.product(name: "LeadStore", package: "ezleeds"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
        suite(
            "ReportExport",
            extraDependencies: [.product(name: "LeadStore", package: "ezleeds"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// One executable target per suite, its sources in `Benchmarks/<name>/`, wired to the
/// boilerplate-generating `BenchmarkPlugin` as ordo-one/benchmark expects.
func suite(_ name: String, extraDependencies: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "BenchmarkFixtures",
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "LeadEngine", package: "ezleeds"),
        ] + extraDependencies,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
