import ArgumentParser
import Foundation
import Hummingbird
import LeadAPI
import LeadEngine
import LeadStore
import Logging

@main
struct EZLeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ezleeds",
        abstract: "EZLeeds: a real-time ping-post lead marketplace engine.",
        subcommands: [Serve.self, TenantCommand.self, KeyCommand.self, LedgerCommand.self, DoNotCallCommand.self]
    )
}

struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Path of the SQLite database file.")
    var databasePath: String = "./ezleeds.sqlite"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server.")

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @OptionGroup var store: StoreOptions
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Flag(inversion: .prefixedNo, help: "Answer pings on the event loops (the fast lane); --no-fast-lane sends them through the router, to compare.")
    var fastLane = true
    @Option(help: "Live (unexpired) pings one tenant may hold; past it a ping answers 503. About 750 bytes each.")
    var maxLivePingsPerTenant = PingBook.defaultMaxLivePingsPerTenant
    @Option(help: "Days during which an inbound lead with the phone or email of an earlier one is a duplicate.")
    var dedupWindowDays = 30

    func run() async throws {
        guard let level = Logger.Level(rawValue: self.logLevel) else {
            throw ArgumentParser.ValidationError("unknown log level \(self.logLevel)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let configuration = ServerConfiguration(
            host: self.host, port: self.port, databasePath: self.store.databasePath, logLevel: level,
            maxLivePingsPerTenant: self.maxLivePingsPerTenant, fastLane: self.fastLane, dedupWindowDays: self.dedupWindowDays
        )
        guard (0...3650).contains(self.dedupWindowDays) else { throw ArgumentParser.ValidationError("--dedup-window-days must be 0 to 3650") }
        guard self.maxLivePingsPerTenant >= 1 else { throw ArgumentParser.ValidationError("--max-live-pings-per-tenant must be at least 1") }
        let dependencies = try await AppDependencies.open(configuration)
        if let provisioned = try await dependencies.tenants.provisionDefaultTenantIfEmpty() {
            try await dependencies.keyRingRefresher.refresh()
            CommandOutput.emit(
                """
                Created tenant "\(provisioned.tenant.name)" (\(provisioned.tenant.id)). Its keys are shown only now; keep them:
                  X-API-Key (standard):              \(provisioned.apiKey)
                  X-API-Key (admin):                 \(provisioned.adminKey)
                  X-Compliance-API-Key (compliance): \(provisioned.complianceKey)
                \(try CommandOutput.json(TenantCreated(provisioned)))
                """
            )
        }
        let app = buildApplication(configuration, dependencies: dependencies)
        try await app.runService()
    }
}

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tenant", abstract: "Manage tenants.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant with a standard, an admin and a compliance key.")

        @Argument(help: "The tenant's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let provisioned = try await CommandOutput.reportingErrors {
                try await Tenancy(path: self.store.databasePath).provisioning.createTenant(name: self.name)
            }
            CommandOutput.emit(try CommandOutput.json(TenantCreated(provisioned)))
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once.")

        @Option(help: "The tenant id.") var tenant: String
        @Option(help: "standard, admin or compliance.") var role: String
        @Option(help: "Requests a minute (and burst), 1 to 100,000,000; default 100.") var rateLimitPerMinute: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = KeyRole(rawValue: self.role) else {
                throw ArgumentParser.ValidationError("--role must be standard, admin or compliance")
            }
            let issued = try await CommandOutput.reportingErrors {
                try await Tenancy(path: self.store.databasePath).provisioning.createKey(
                    tenantID: self.tenant, role: role, rateLimitPerMinute: self.rateLimitPerMinute
                )
            }
            CommandOutput.emit(try CommandOutput.json(KeyCreated(issued)))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; a running server refuses it within a second.")

        @Argument(help: "The key id (key_…), as `key list` shows it.") var keyID: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let key = try await CommandOutput.reportingErrors {
                try await Tenancy(path: self.store.databasePath).provisioning.revokeKey(id: self.keyID)
            }
            CommandOutput.emit(try CommandOutput.json(KeyListing(key)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's keys, without secrets.")

        @Option(help: "The tenant id.") var tenant: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let keys = try await CommandOutput.reportingErrors {
                try await Tenancy(path: self.store.databasePath).provisioning.keys(tenantID: self.tenant)
            }
            CommandOutput.emit(try CommandOutput.json(["items": keys.map(KeyListing.init)]))
        }
    }
}

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Check the billing ledger.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every account's balance equals the sum of its ledger entries; exits 1 if any does not."
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let verification = try await CommandOutput.reportingErrors {
                try await SQLiteLedgerRepository(database: try await LeadDatabase.open(path: self.store.databasePath)).verify()
            }
            CommandOutput.emit(
                try CommandOutput.json(
                    LedgerReport(
                        ok: verification.mismatches.isEmpty, accountsChecked: verification.accountsChecked,
                        entriesChecked: verification.entriesChecked, mismatches: verification.mismatches.map(\.description)
                    )
                )
            )
            if !verification.mismatches.isEmpty { throw ExitCode(1) }
        }
    }

    struct LedgerReport: Encodable {
        var ok: Bool
        var accountsChecked: Int
        var entriesChecked: Int
        var mismatches: [String]

        enum CodingKeys: String, CodingKey {
            case ok
            case accountsChecked = "accounts_checked"
            case entriesChecked = "entries_checked"
            case mismatches
        }
    }
}

struct DoNotCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dnc", abstract: "Manage do-not-call lists.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an FTC do-not-call file: a full list replaces the list, --changes adds and deletes.",
            discussion: """
                Lines are 10-digit numbers (7025551234) or area code and number (702,5551234); blank lines are skipped \
                and invalid ones counted. A change list (--changes) flags each line A (add) or D (delete): A,7025551234 \
                or 702,5551234,A. Importing the same file again leaves the same list. A running server picks the list \
                up within 5 seconds; look-ups never wait for an import.
                """
        )

        @Option(help: "federal, state:XX (a state's own list) or internal (a tenant's, with --tenant).") var list: String
        @Option(help: "The tenant, for --list internal.") var tenant: String?
        @Flag(help: "The file is a change list (A/D per line), not a full list.") var changes = false
        @Argument(help: "The file to import.") var file: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let target = DoNotCallListTarget.parse(self.list, tenantID: self.tenant) else {
                throw ArgumentParser.ValidationError("--list must be federal, state:XX (a state code) or internal with --tenant")
            }
            guard let handle = FileHandle(forReadingAtPath: self.file) else {
                throw ArgumentParser.ValidationError("cannot read \(self.file)")
            }
            let started = ContinuousClock.now
            var parser = DoNotCallFileParser(mode: self.changes ? .changes : .additions)
            // A full federal or state list is built as it streams, 4 bytes a number at most.
            let buildsAsItStreams = !self.changes && target.storedName != nil
            var builder = DoNotCallList.Builder()
            var nextProgress = 1_000_000
            // Streams a megabyte at a time; progress goes to stderr so stdout stays one JSON object.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { parser.consume($0) }
                if buildsAsItStreams { builder.insert(contentsOf: parser.takeNumbers().additions) }
                if parser.report.lines >= nextProgress {
                    FileHandle.standardError.write(Data("  \(parser.report.lines) lines read\n".utf8))
                    nextProgress += 1_000_000
                }
            }
            try handle.close()
            parser.finish()
            if buildsAsItStreams { builder.insert(contentsOf: parser.takeNumbers().additions) }
            let list = buildsAsItStreams ? builder.build() : nil
            let report = try await CommandOutput.reportingErrors {
                let database = try await LeadDatabase.open(path: self.store.databasePath)
                let importer = DoNotCallImport(store: SQLiteDoNotCallStore(database: database), clock: SystemClock())
                if let list { return try await importer.replace(target, with: list, parse: parser.report) }
                return try await importer.apply(&parser, to: target, changes: self.changes)
            }
            let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
            CommandOutput.emit(try CommandOutput.json(ImportOutput(report, milliseconds: milliseconds)))
        }
    }

    struct ImportOutput: Encodable {
        var list: String
        var changes: Bool
        var lines: Int
        var accepted: Int
        var invalid: Int
        var firstInvalidLines: [Int]
        var added: Int?
        var removed: Int?
        var countBefore: Int?
        var countAfter: Int?
        var durationMs: Int

        init(_ report: DoNotCallImportReport, milliseconds: Int) {
            self.list = report.list
            self.changes = report.changes
            self.lines = report.parse.lines
            self.accepted = report.parse.accepted
            self.invalid = report.parse.invalid
            self.firstInvalidLines = report.parse.firstInvalidLines
            self.added = report.added
            self.removed = report.removed
            self.countBefore = report.countBefore
            self.countAfter = report.countAfter
            self.durationMs = milliseconds
        }

        enum CodingKeys: String, CodingKey {
            case list, changes, lines, accepted, invalid
            case firstInvalidLines = "first_invalid_lines"
            case added, removed
            case countBefore = "count_before"
            case countAfter = "count_after"
            case durationMs = "duration_ms"
        }
    }
}

/// The store and tenant use cases, for commands that run beside (or without) a server.
struct Tenancy {
    let provisioning: TenantProvisioning

    init(path: String) throws {
        let database = try LeadDatabase(path: path)
        self.provisioning = TenantProvisioning(repository: SQLiteTenantRepository(database: database), clock: SystemClock())
    }
}
