import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT`, rolling back when it throws, and rethrows `body`'s
    /// own error. (PostgresNIO's `withTransaction` wraps every error in `PostgresTransactionError`,
    /// which would hide the engine's errors, such as `StoreRefusal`, from their callers.)
    ///
    /// PostgreSQL aborts a transaction at its first failed statement: a repository that wants to
    /// go on after a refused statement needs `ON CONFLICT` or a savepoint, not a catch.
    func inTransaction<T: Sendable>(
        _ begin: PostgresQuery = "BEGIN", logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await self.query(begin, logger: logger)
        let value: T
        do {
            value = try await body(self)
        } catch {
            // A connection that failed mid-way is closed, and its transaction with it; then the
            // rollback fails too, and `body`'s error is the one that tells what happened.
            _ = try? await self.query("ROLLBACK", logger: logger)
            throw error
        }
        try await self.query("COMMIT", logger: logger)
        return value
    }
}
