import LeadEngine
import PostgresNIO

/// Every repository reads and writes through here, so an unreachable or failing server is one
/// typed error (`StorageUnavailable`, answered 503) and one health signal, whatever the statement,
/// as `LeadDatabase+Access` does for SQLite.
extension PostgresStore {
    /// One write transaction (READ COMMITTED) on one pooled connection: one business operation.
    /// Counters and balances move inside it with `UPDATE … RETURNING`, never read then written.
    func write<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await self.guarded(writing: true) {
            try await self.client.withConnection { connection in
                try await connection.inTransaction(logger: self.logger, body)
            }
        }
    }

    /// Reads from one snapshot (a read-only REPEATABLE READ transaction), as GRDB's reads do, so
    /// a page and its total agree.
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await self.guarded(writing: false) {
            try await self.client.withConnection { connection in
                try await connection.inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger, body)
            }
        }
    }

    /// Runs `body`, turning a storage failure into `StorageUnavailable` and telling `health` what a
    /// write's outcome says about the server; a constraint failure no repository translated
    /// becomes `PostgresConstraintViolation`.
    func guarded<T>(writing: Bool, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            if writing { self.health.writeSucceeded() }
            return value
        } catch {
            if let reason = PostgresFailure.storageFailure(error) {
                self.health.writeFailed(reason)
                throw StorageUnavailable(reason)
            }
            if let violation = PostgresFailure.constraintViolation(error) { throw violation }
            throw error
        }
    }
}
