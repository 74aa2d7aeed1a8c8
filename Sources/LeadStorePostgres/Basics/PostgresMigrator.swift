import Logging
import PostgresNIO

/// Brings a database's schema forward: the migrations it lacks, in order, each in its own
/// transaction together with its row in `schema_migrations`.
///
/// Several nodes may start at once: each first takes a session advisory lock
/// (`AdvisoryLock.migrations`), so one migrates while the others wait and then find nothing left
/// to do. The lock belongs to the connection, so a node that dies mid-way releases it, and the
/// migration it was applying rolls back whole. Migrations the database has and this release does
/// not know (a newer node got there first) are left alone, as GRDB's migrator does for SQLite.
struct PostgresMigrator {
    let migrations: [PostgresMigration]
    let logger: Logger

    init(migrations: [PostgresMigration], logger: Logger) {
        precondition(Set(migrations.map(\.name)).count == migrations.count, "two migrations share a name")
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is missing over `connection`, one of its own (outside any pool: the lock is the
    /// session's); returns the names applied now, oldest first.
    func migrate(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT pg_advisory_lock(\(AdvisoryLock.migrations.rawValue))", logger: self.logger)
        do {
            let applied = try await self.migrateLocked(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations.rawValue))", logger: self.logger)
            return applied
        } catch {
            // Best effort: the caller closes the connection anyway, which releases the lock too.
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(AdvisoryLock.migrations.rawValue))", logger: self.logger)
            throw error
        }
    }

    /// The names of the migrations applied, oldest first.
    static func applied(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var exists = false
        for try await found in try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger).decode(Bool.self) {
            exists = found
        }
        guard exists else { return [] }
        var names: [String] = []
        for try await name in try await connection.query("SELECT name FROM schema_migrations ORDER BY applied_at, name", logger: logger)
            .decode(String.self)
        {
            names.append(name)
        }
        return names
    }

    private func migrateLocked(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """,
            logger: self.logger
        )
        let done = Set(try await Self.applied(on: connection, logger: self.logger))
        var appliedNow: [String] = []
        for migration in self.migrations where !done.contains(migration.name) {
            try await connection.inTransaction(logger: self.logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), clock_timestamp())", logger: self.logger
                )
            }
            self.logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }
}
