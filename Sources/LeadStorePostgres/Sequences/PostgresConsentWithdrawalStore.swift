import LeadEngine
import PostgresNIO

/// Withdrawals of consent in PostgreSQL; behaves as `SQLiteConsentWithdrawalStore` does. Two
/// withdrawals of one phone racing (a STOP reply handled on two nodes) report each change once: the
/// second waits on the first's rows and finds them listed, revoked and ended.
public struct PostgresConsentWithdrawalStore: ConsentWithdrawalStore {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func tenantsThatTexted(phone: String) async throws -> [String] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT DISTINCT tenant_id FROM outreach_attempts
                WHERE recipient = \(phone) AND channel = 'sms' AND outcome IN ('claimed', 'sent', 'unknown') ORDER BY tenant_id
                """,
                logger: self.store.logger
            )
            var tenants: [String] = []
            for try await tenant in rows.decode(String.self) { tenants.append(tenant) }
            return tenants
        }
    }

    public func withdraw(phone: String, tenantID: String, source: String, nowMilliseconds: Int64) async throws -> WithdrawalReport {
        try await self.store.write { connection in
            let listed = try await connection.query(
                """
                INSERT INTO internal_dnc (tenant_id, phone, source, created_at) VALUES (\(tenantID), \(phone), \(source), \(nowMilliseconds))
                ON CONFLICT (tenant_id, phone) DO NOTHING
                RETURNING 1
                """,
                logger: self.store.logger
            ).collect().count == 1
            let revokedRows = try await connection.query(
                """
                UPDATE consent_certificates SET revoked_at = \(nowMilliseconds)
                WHERE tenant_id = \(tenantID) AND revoked_at IS NULL AND (
                    lead_id IN (SELECT id FROM leads WHERE tenant_id = \(tenantID) AND phone = \(phone))
                    OR id IN (SELECT consent_certificate_id FROM leads WHERE tenant_id = \(tenantID) AND phone = \(phone) AND consent_certificate_id IS NOT NULL))
                RETURNING id
                """,
                logger: self.store.logger
            )
            var revoked: [String] = []
            for try await id in revokedRows.decode(String.self) { revoked.append(id) }
            let endedRows = try await connection.query(
                """
                WITH ended AS (
                    UPDATE enrollments SET status = 'ended', end_reason = \(EnrollmentEndReason.optedOut.rawValue), ended_at = \(nowMilliseconds),
                        next_step_at = NULL
                    WHERE tenant_id = \(tenantID) AND status = 'active' AND lead_id IN (SELECT id FROM leads WHERE tenant_id = \(tenantID) AND phone = \(phone))
                    RETURNING 1
                )
                SELECT count(*) FROM ended
                """,
                logger: self.store.logger
            )
            var ended = 0
            for try await count in endedRows.decode(Int.self) { ended = count }
            return WithdrawalReport(tenantID: tenantID, listed: listed, certificatesRevoked: revoked.sorted(), enrollmentsEnded: ended)
        }
    }
}
