import LeadEngine
import Logging
import PostgresNIO
import Synchronization

/// The shared store's connection to PostgreSQL: a pool of `url.poolSize` connections, its schema
/// migrated when opened.
///
/// The pool works only while `run()` runs: the server runs it as one of its services, beside
/// everything that uses the store, until `close()` or cancellation ends it; a command-line tool or
/// a test wraps its work in `withRunning`. Queries made before `run()` starts wait for it.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    /// What the latest writes said about the server; shared with whoever answers for it.
    public let health: StorageHealth
    let client: PostgresClient
    let logger: Logger
    /// Pooled connections running a statement now: tells a full pool from an unreachable server.
    let leasedConnections = Atomic<Int>(0)
    /// Finished by `close()`, which ends `run()`.
    private let closing: AsyncStream<Void>
    private let closingContinuation: AsyncStream<Void>.Continuation

    private init(url: PostgresURL, health: StorageHealth, logger: Logger) {
        self.url = url
        self.health = health
        self.logger = logger
        self.client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: Self.poolLogger(logger))
        (self.closing, self.closingContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// The pool's own logger: its info and warnings (a connection attempt cut short at shutdown, a
    /// query queued before `run()` got going) are noise next to `health`, which reports the failures
    /// that matter; they show when the store's logger is at debug or finer.
    private static func poolLogger(_ logger: Logger) -> Logger {
        var pool = logger
        if logger.logLevel > .debug { pool.logLevel = .error }
        return pool
    }

    /// Opens the store `url` names (`postgres://user[:password]@host[:port]/database[?pool=N]`),
    /// bringing its schema forward first. Throws `PostgresURLError` for a URL it does not
    /// understand, `PostgresOpenError` when the server cannot be reached or migrated.
    public static func open(
        url: String, health: StorageHealth = StorageHealth(), logger: Logger = Logger(label: "ezleeds.postgres")
    ) async throws -> PostgresStore {
        try await self.open(url: try PostgresURL(url), health: health, logger: logger)
    }

    public static func open(
        url: PostgresURL, migrations: [PostgresMigration] = PostgresSchema.migrations, health: StorageHealth = StorageHealth(),
        logger: Logger = Logger(label: "ezleeds.postgres")
    ) async throws -> PostgresStore {
        _ = try await self.migrate(url: url, migrations: migrations, logger: logger)
        return PostgresStore(url: url, health: health, logger: logger)
    }

    /// Applies the migrations the database lacks, over one connection of its own (the pool needs
    /// `run()`, which the owner starts only once the store is open); returns their names.
    public static func migrate(
        url: PostgresURL, migrations: [PostgresMigration] = PostgresSchema.migrations, logger: Logger = Logger(label: "ezleeds.postgres")
    ) async throws -> [String] {
        try await self.withConnection(to: url, logger: logger) { connection in
            do {
                return try await PostgresMigrator(migrations: migrations, logger: logger).migrate(on: connection)
            } catch {
                throw PostgresOpenError(url: url, stage: "migrating the schema", error: error)
            }
        }
    }

    /// Runs `body` on one connection to `url` outside any pool (migrations, administration such as
    /// creating a database), closing it afterwards. Connecting fails with `PostgresOpenError`.
    public static func withConnection<T: Sendable>(
        to url: PostgresURL, logger: Logger = Logger(label: "ezleeds.postgres"), _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresOpenError(url: url, stage: "connecting", error: error)
        }
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs the pool until `close()` is called or this task is cancelled; then closes every
    /// connection and returns. Call it once.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            // Ends when close() finishes the stream, or when this task is cancelled.
            for await _ in self.closing {}
            group.cancelAll()
        }
    }

    /// Runs `body` while the pool runs beside it, then stops the pool: for command-line tools
    /// and tests, which own the store for one piece of work.
    public func withRunning<T>(_ body: (PostgresStore) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    /// Stops the pool (ending `run()`); later queries fail.
    public func close() async throws {
        self.closingContinuation.finish()
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await self.read { connection in try await PostgresMigrator.applied(on: connection, logger: self.logger) }
    }
}

extension PostgresStore: StoreConnection {
    /// The URL without its password.
    public var location: String { self.url.description }

    /// Any number of nodes may run on one PostgreSQL database.
    public var isShared: Bool { true }

    /// Rewrites one 64 KiB row: while writes fail, the probe that finds out when they work again.
    public func probeWrite() async throws {
        let filler = ByteBuffer(repeating: 0, count: 65_536)
        try await self.write { connection in
            _ = try await connection.query(
                """
                INSERT INTO storage_probe (id, filler) VALUES (1, \(filler))
                ON CONFLICT (id) DO UPDATE SET filler = excluded.filler
                """,
                logger: self.logger
            )
        }
    }
}

/// The store could not be opened: the server is unreachable, refused the credentials, lacks the
/// database, or a migration failed. Says which, never the password.
public struct PostgresOpenError: Error, Sendable, CustomStringConvertible {
    public var location: String
    public var stage: String
    public var reason: String

    init(url: PostgresURL, stage: String, error: any Error) {
        self.location = url.description
        self.stage = stage
        self.reason = PostgresFailure.describe(error)
    }

    public var description: String { "cannot open the PostgreSQL store \(self.location): \(self.stage) failed: \(self.reason)" }
}
