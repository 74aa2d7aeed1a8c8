import GRDB
import LeadEngine

/// Dashboard sessions in SQLite.
public struct SQLiteDashboardSessionRepository: DashboardSessionRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ session: DashboardSession) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO dashboard_sessions (token_hash, tenant_id, key_id, form_token, created_at, last_seen_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.tokenHash, session.tenantID, session.keyID, session.formToken, session.createdAtMilliseconds,
                    session.lastSeenAtMilliseconds, session.expiresAtMilliseconds,
                ]
            )
        }
    }

    public func session(tokenHash: String) async throws -> DashboardSession? {
        try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dashboard_sessions WHERE token_hash = ?", arguments: [tokenHash]).map {
                DashboardSession(
                    tokenHash: $0["token_hash"], tenantID: $0["tenant_id"], keyID: $0["key_id"], formToken: $0["form_token"],
                    createdAtMilliseconds: $0["created_at"], lastSeenAtMilliseconds: $0["last_seen_at"], expiresAtMilliseconds: $0["expires_at"]
                )
            }
        }
    }

    public func touch(tokenHash: String, lastSeenAtMilliseconds: Int64, expiresAtMilliseconds: Int64) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE dashboard_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
                arguments: [lastSeenAtMilliseconds, expiresAtMilliseconds, tokenHash]
            )
            return db.changesCount == 1
        }
    }

    public func delete(tokenHash: String) async throws {
        try await self.database.write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func deleteExpired(before milliseconds: Int64) async throws -> Int {
        try await self.database.write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE expires_at < ?", arguments: [milliseconds])
            return db.changesCount
        }
    }
}
