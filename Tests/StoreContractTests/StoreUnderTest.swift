import Foundation
import LeadEngine
import LeadStore
import LeadStorePostgres
import Logging
import PostgresNIO
import Testing

/// One store the contract suite runs against: SQLite always, PostgreSQL when
/// `EZLEEDS_TEST_POSTGRES_URL` names a throw-away database.
///
/// Every test opens a fresh, empty store of its own (`run`), so tests run in parallel and never
/// see each other's rows.
struct StoreUnderTest: Sendable, CustomTestStringConvertible {
    /// A freshly opened, empty store, and how to remove everything it left behind.
    typealias Opened = (store: EngineStore, cleanup: @Sendable () async -> Void)

    let name: String
    /// Opens a new, empty store (migrated) at a location of its own.
    let open: @Sendable () async throws -> Opened
    /// Opens another store on the location of one already open (`connection.location`): what a
    /// restart, or a second node, does. It must migrate nothing twice and see the same data.
    let reopen: @Sendable (_ location: String) async throws -> EngineStore

    var testDescription: String { self.name }

    /// The stores this test run has.
    static var all: [StoreUnderTest] {
        var stores = [StoreUnderTest.sqlite]
        if let url = ProcessInfo.processInfo.environment["EZLEEDS_TEST_POSTGRES_URL"], !url.isEmpty {
            stores.append(.postgres(url: url))
        }
        return stores
    }

    /// Opens a fresh store, runs `body` while the store's `run()` runs beside it, then closes the
    /// store and removes it, whatever `body` did.
    func run(_ body: @Sendable (EngineStore) async throws -> Void) async throws {
        let (store, cleanup) = try await self.open()
        do {
            try await Self.running(store, body)
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }

    /// Runs `body` with `store.connection.run()` in a child task (a pool needs it), then closes the
    /// store and cancels that task. `body` runs in this task, not in the group, so a `run()` that
    /// returns at once (SQLite's) ends nothing early. A `run()` that fails is reported.
    @discardableResult
    static func running<T: Sendable>(_ store: EngineStore, _ body: @Sendable (EngineStore) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask {
                do {
                    try await store.connection.run()
                } catch is CancellationError {
                    // Cancelled once the store is closed: the normal end.
                }
            }
            let result: T
            do {
                result = try await body(store)
            } catch {
                try? await store.connection.close()
                group.cancelAll()
                throw error
            }
            try await store.connection.close()
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }
}

// MARK: - SQLite

extension StoreUnderTest {
    /// A new database file under the temporary directory, removed (with its WAL, shared-memory and
    /// lock files) afterwards.
    static let sqlite = StoreUnderTest(
        name: "SQLite",
        open: {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-contract-\(UUID().uuidString).sqlite").path
            let store = try await SQLiteStore.open(path: path)
            return (store, { Self.removeSQLiteFiles(at: path) })
        },
        reopen: { location in try await SQLiteStore.open(path: location, createIfMissing: false) }
    )

    static func removeSQLiteFiles(at path: String) {
        for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

// MARK: - PostgreSQL

extension StoreUnderTest {
    /// A database of the test's own on the server `url` names (created here, dropped after), so
    /// tests run in parallel without sharing rows; `reopen` connects to the same database again
    /// with `url`'s credentials (the location carries no password).
    static func postgres(url: String) -> StoreUnderTest {
        StoreUnderTest(
            name: "PostgreSQL",
            open: {
                let server = try PostgresURL(url)
                // A small pool per test: tests run in parallel against one server.
                var location = server.with(database: "ezleeds_contract_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
                location.poolSize = 4
                // A hundred tests share one server and two cores: a statement may wait longer for
                // a connection than the production default allows without anything being wrong.
                location.connectTimeoutSeconds = 60
                let database = location.database
                // A copy of a database migrated once: migrating each test's own would load the
                // machine the timing tests share.
                try await PostgresDatabaseAdmin.create(database: database, template: try await MigratedTemplate.shared.name(on: server), on: server)
                let store = try await PostgresStore.open(url: location)
                return (Self.repositories(on: store), { try? await PostgresDatabaseAdmin.drop(database: database, on: server) })
            },
            reopen: { location in
                var reopened = try PostgresURL(location)
                reopened.password = try PostgresURL(url).password
                return Self.repositories(on: try await PostgresStore.open(url: reopened))
            }
        )
    }

    static func repositories(on store: PostgresStore) -> EngineStore {
        store.repositories
    }
}

/// One database per test run migrated to the current schema, copied for every test.
actor MigratedTemplate {
    static let shared = MigratedTemplate()
    /// The one making of it, which every test awaits (the actor lets others in while it runs).
    private var making: Task<String, any Error>?

    func name(on server: PostgresURL) async throws -> String {
        if let making { return try await making.value }
        let making = Task {
            let prefix = "ezleeds_contract_template_"
            let name = prefix + "\(ProcessInfo.processInfo.processIdentifier)"
            // Templates of earlier runs whose process has gone (an interrupted run leaves one).
            let earlier = try await PostgresStore.withConnection(to: server) { connection in
                var names: [String] = []
                let rows = try await connection.query("SELECT datname FROM pg_database WHERE starts_with(datname, \(prefix))", logger: Logger(label: "test"))
                for try await found in rows.decode(String.self) { names.append(found) }
                return names
            }
            for stale in earlier where stale == name || Int32(stale.dropFirst(prefix.count)).map({ kill($0, 0) != 0 && errno == ESRCH }) == true {
                try await PostgresDatabaseAdmin.drop(database: stale, on: server)
            }
            try await PostgresDatabaseAdmin.create(database: name, on: server)
            _ = try await PostgresStore.migrate(url: server.with(database: name))
            return name
        }
        self.making = making
        return try await making.value
    }
}
