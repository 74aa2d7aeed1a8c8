import LeadEngine
import PostgresNIO

/// Email opt-outs in PostgreSQL; behaves as `SQLiteEmailOptOutStore` does. Of two opt-outs of one
/// address racing, the second waits for the first and reports nothing new.
public struct PostgresEmailOptOutStore: EmailOptOutStore {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func isOptedOut(email: String, tenantID: String) async throws -> Bool {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM email_opt_outs WHERE tenant_id = \(tenantID) AND email = \(email))", logger: self.store.logger
            )
            var optedOut = false
            for try await value in rows.decode(Bool.self) { optedOut = value }
            return optedOut
        }
    }

    public func optOut(
        email: String, tenantID: String, leadID: String, source: String, nowMilliseconds: Int64
    ) async throws -> (recorded: Bool, enrollmentsEnded: Int) {
        try await self.store.write { connection in
            let recorded = try await connection.query(
                """
                INSERT INTO email_opt_outs (tenant_id, email, lead_id, source, created_at)
                VALUES (\(tenantID), \(email), \(leadID), \(source), \(nowMilliseconds))
                ON CONFLICT (tenant_id, email) DO NOTHING
                RETURNING 1
                """,
                logger: self.store.logger
            ).collect().count == 1
            let rows = try await connection.query(
                """
                WITH ended AS (
                    UPDATE enrollments SET status = 'ended', end_reason = \(EnrollmentEndReason.optedOut.rawValue), ended_at = \(nowMilliseconds),
                        next_step_at = NULL
                    WHERE tenant_id = \(tenantID) AND lead_id = \(leadID) AND status = 'active'
                    RETURNING 1
                )
                SELECT count(*) FROM ended
                """,
                logger: self.store.logger
            )
            var ended = 0
            for try await count in rows.decode(Int.self) { ended = count }
            return (recorded, ended)
        }
    }
}
