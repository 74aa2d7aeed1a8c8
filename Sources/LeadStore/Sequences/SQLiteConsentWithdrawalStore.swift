import GRDB
import LeadEngine

public struct SQLiteConsentWithdrawalStore: ConsentWithdrawalStore {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func tenantsThatTexted(phone: String) async throws -> [String] {
        try await self.database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT tenant_id FROM outreach_attempts
                    WHERE recipient = ? AND channel = 'sms' AND outcome IN ('claimed', 'sent', 'unknown') ORDER BY tenant_id
                    """,
                arguments: [phone]
            )
        }
    }

    public func withdraw(phone: String, tenantID: String, source: String, nowMilliseconds: Int64) async throws -> WithdrawalReport {
        try await self.database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO internal_dnc (tenant_id, phone, source, created_at) VALUES (?, ?, ?, ?)",
                arguments: [tenantID, phone, source, nowMilliseconds]
            )
            let listed = db.changesCount == 1
            let revoked = try String.fetchAll(
                db,
                sql: """
                    UPDATE consent_certificates SET revoked_at = ?
                    WHERE tenant_id = ? AND revoked_at IS NULL AND (
                        lead_id IN (SELECT id FROM leads WHERE tenant_id = ? AND phone = ?)
                        OR id IN (SELECT consent_certificate_id FROM leads WHERE tenant_id = ? AND phone = ? AND consent_certificate_id IS NOT NULL))
                    RETURNING id
                    """,
                arguments: [nowMilliseconds, tenantID, tenantID, phone, tenantID, phone]
            )
            try db.execute(
                sql: """
                    UPDATE enrollments SET status = 'ended', end_reason = ?, ended_at = ?, next_step_at = NULL
                    WHERE tenant_id = ? AND status = 'active' AND lead_id IN (SELECT id FROM leads WHERE tenant_id = ? AND phone = ?)
                    """,
                arguments: [EnrollmentEndReason.optedOut.rawValue, nowMilliseconds, tenantID, tenantID, phone]
            )
            return WithdrawalReport(tenantID: tenantID, listed: listed, certificatesRevoked: revoked.sorted(), enrollmentsEnded: db.changesCount)
        }
    }
}
