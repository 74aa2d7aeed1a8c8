import Foundation
import GRDB
import LeadEngine

/// The SQLite store: one WAL `DatabasePool` for the process, its schema migrated on open.
///
/// Writes run in `BEGIN IMMEDIATE` transactions (GRDB's default for writes), so a writer takes
/// the lock up front instead of failing half-way; `busy_timeout` absorbs contention with other
/// processes such as the CLI; `synchronous=FULL` makes every commit durable across power loss.
public struct LeadDatabase: Sendable {
    let writer: DatabasePool
    public let path: String
    /// What the latest writes said about the disk; shared with whoever answers for it.
    public let health: StorageHealth

    /// Opens (and migrates) the database at `path`. With `createIfMissing` false a missing file
    /// is `DatabaseMissing`, and nothing is created. A failed open removes the files it created.
    public init(path: String, busyTimeout: TimeInterval = 5, createIfMissing: Bool = true, health: StorageHealth = StorageHealth()) throws {
        let files = DatabaseFiles(path: path)
        guard createIfMissing || files.databaseExists else { throw DatabaseMissing(path: Self.absolutePath(path)) }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "ezleeds"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Each grouped sale runs in a savepoint, and SQLite copies every page a savepoint
            // changes to a sub-journal first. On disk that journal was ten 4 KiB writes for every
            // WAL frame of a post, and it is only truncated between transactions; in memory it
            // is a copy, dropped as each savepoint is released.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        self.path = path
        self.health = health
        let writer: DatabasePool
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
        } catch {
            files.removeCreated()
            throw error
        }
        do {
            try LeadSchema.migrator.migrate(writer)
        } catch {
            // Closed first: the files must not be removed under an open connection.
            try? writer.close()
            files.removeCreated()
            throw error
        }
        self.writer = writer
    }

    /// Opens and migrates the store on a dispatch thread: opening is blocking file I/O with an
    /// fsync per migration, which must not hold one of the few cooperative threads that every
    /// request and auction deadline shares.
    public static func open(
        path: String, busyTimeout: TimeInterval = 5, createIfMissing: Bool = true, health: StorageHealth = StorageHealth()
    ) async throws -> LeadDatabase {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try LeadDatabase(path: path, busyTimeout: busyTimeout, createIfMissing: createIfMissing, health: health) }
                )
            }
        }
    }

    /// Checkpoints the WAL into the database file and closes every connection; later calls fail.
    /// Called once, after the server has drained.
    public func close() throws {
        // GRDB closes the writer before the readers, so SQLite's own checkpoint-on-last-close never
        // runs (GRDB issue 739); truncating here leaves the file complete and the WAL empty.
        try self.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        try self.writer.close()
    }

    /// The names of the migrations applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await self.writer.read { db in try LeadSchema.migrator.appliedMigrations(db) }
    }

    public func journalMode() async throws -> String {
        try await self.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
