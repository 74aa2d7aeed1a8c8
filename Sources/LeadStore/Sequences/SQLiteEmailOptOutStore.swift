import GRDB
import LeadEngine

public struct SQLiteEmailOptOutStore: EmailOptOutStore {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func isOptedOut(email: String, tenantID: String) async throws -> Bool {
        try await self.database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM email_opt_outs WHERE tenant_id = ? AND email = ?)", arguments: [tenantID, email])
                ?? false
        }
    }

    public func optOut(
        email: String, tenantID: String, leadID: String, source: String, nowMilliseconds: Int64
    ) async throws -> (recorded: Bool, enrollmentsEnded: Int) {
        try await self.database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO email_opt_outs (tenant_id, email, lead_id, source, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tenantID, email, leadID, source, nowMilliseconds]
            )
            let recorded = db.changesCount == 1
            try db.execute(
                sql: """
                    UPDATE enrollments SET status = 'ended', end_reason = ?, ended_at = ?, next_step_at = NULL
                    WHERE tenant_id = ? AND lead_id = ? AND status = 'active'
                    """,
                arguments: [EnrollmentEndReason.optedOut.rawValue, nowMilliseconds, tenantID, leadID]
            )
            return (recorded, db.changesCount)
        }
    }
}
