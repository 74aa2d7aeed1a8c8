import GRDB
import LeadEngine

/// Every repository reads and writes through here, so a failing disk is one typed error
/// (`StorageUnavailable`, answered 503) and one health signal, whatever the statement.
extension LeadDatabase {
    /// One write transaction.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await self.guarded(writing: true) { try await self.writer.write(updates) }
    }

    /// One write transaction committed without an fsync (`synchronous=NORMAL` for it alone), for
    /// writes that acknowledge nothing by themselves: the ping journal's rows (written behind the
    /// answers, which a crash of the process loses anyway while they wait in memory) and the sale
    /// log's folds (whose records leave the log in the same transaction). WAL frames are durable in
    /// order, so the next `FULL` commit or checkpoint makes this one durable too; a power loss
    /// before that loses this transaction whole, never half of it.
    func writeWithoutSync<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await self.guarded(writing: true) {
            try await self.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try updates(db)
                    return .commit
                }
                // inTransaction returned without throwing, so updates ran and returned.
                return value!
            }
        }
    }

    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        try await self.guarded(writing: false) { try await self.writer.read(value) }
    }

    /// Runs `body`, turning a storage failure into `StorageUnavailable` and telling `health` what a
    /// write's outcome says about the disk.
    func guarded<T>(writing: Bool, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            if writing { self.health.writeSucceeded() }
            return value
        } catch {
            guard let reason = Self.storageFailure(error) else { throw error }
            self.health.writeFailed(reason)
            throw StorageUnavailable(reason)
        }
    }

    /// Writes a 64 KiB row and reads nothing: while writes fail, the probe that finds out when
    /// they work again (pings are refused meanwhile, so no other write may come to tell).
    public func probeWrite() async throws {
        try await self.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO storage_probe (id, filler) VALUES (1, zeroblob(65536))")
        }
    }

    /// The failures a retry after the operator or time fixes the disk can clear; nil for the
    /// rest (constraints, bugs), which keep their own meaning.
    static func storageFailure(_ error: any Error) -> StorageUnavailable.Reason? {
        if let failure = error as? StorageUnavailable { return failure.reason }
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .full
        case .SQLITE_IOERR: return .inputOutput
        case .SQLITE_READONLY: return .readOnly
        case .SQLITE_CANTOPEN: return .cannotOpen
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy
        default: return nil
        }
    }
}
