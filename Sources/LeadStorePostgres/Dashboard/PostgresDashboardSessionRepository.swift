import LeadEngine
import PostgresNIO

/// Dashboard sessions in PostgreSQL; behaves as `SQLiteDashboardSessionRepository` does. Any
/// node serves any signed-in operator.
public struct PostgresDashboardSessionRepository: DashboardSessionRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func insert(_ session: DashboardSession) async throws {
        try await self.store.write { connection in
            try await connection.query(
                """
                INSERT INTO dashboard_sessions (token_hash, tenant_id, key_id, form_token, created_at, last_seen_at, expires_at)
                VALUES (\(session.tokenHash), \(session.tenantID), \(session.keyID), \(session.formToken), \(session.createdAtMilliseconds),
                    \(session.lastSeenAtMilliseconds), \(session.expiresAtMilliseconds))
                """,
                logger: self.store.logger
            )
        }
    }

    public func session(tokenHash: String) async throws -> DashboardSession? {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT token_hash, tenant_id, key_id, form_token, created_at, last_seen_at, expires_at
                FROM dashboard_sessions WHERE token_hash = \(tokenHash)
                """,
                logger: self.store.logger
            )
            for try await (hash, tenantID, keyID, formToken, createdAt, lastSeenAt, expiresAt) in rows.decode(
                (String, String, String, String, Int64, Int64, Int64).self
            ) {
                return DashboardSession(
                    tokenHash: hash, tenantID: tenantID, keyID: keyID, formToken: formToken, createdAtMilliseconds: createdAt,
                    lastSeenAtMilliseconds: lastSeenAt, expiresAtMilliseconds: expiresAt
                )
            }
            return nil
        }
    }

    public func touch(tokenHash: String, lastSeenAtMilliseconds: Int64, expiresAtMilliseconds: Int64) async throws -> Bool {
        try await self.store.write { connection in
            try await connection.query(
                """
                UPDATE dashboard_sessions SET last_seen_at = \(lastSeenAtMilliseconds), expires_at = \(expiresAtMilliseconds)
                WHERE token_hash = \(tokenHash) RETURNING 1
                """,
                logger: self.store.logger
            ).collect().count == 1
        }
    }

    public func delete(tokenHash: String) async throws {
        try await self.store.write { connection in
            try await connection.query("DELETE FROM dashboard_sessions WHERE token_hash = \(tokenHash)", logger: self.store.logger)
        }
    }

    public func deleteExpired(before milliseconds: Int64) async throws -> Int {
        try await self.store.write { connection in
            try await connection.query("DELETE FROM dashboard_sessions WHERE expires_at < \(milliseconds) RETURNING 1", logger: self.store.logger)
                .collect().count
        }
    }
}
