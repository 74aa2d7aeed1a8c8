import Foundation
import LeadEngine
import PostgresNIO

/// Consent certificates in PostgreSQL; behaves as `SQLiteConsentRepository` does. A second insert
/// of one id fails with `PostgresConstraintViolation` (SQLite lets its own constraint error through).
public struct PostgresConsentRepository: ConsentRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func insert(_ certificate: ConsentCertificate) async throws {
        try await self.store.write { connection in
            try await PostgresLeadRows.insertCertificate(certificate, on: connection, logger: self.store.logger)
        }
    }

    public func certificate(id: String, tenantID: String) async throws -> ConsentCertificate? {
        try await self.store.read { connection in
            try await Self.certificates(
                from: connection.query(
                    "SELECT \(unescaped: PostgresLeadRows.certificateColumns) FROM consent_certificates WHERE id = \(id) AND tenant_id = \(tenantID)",
                    logger: self.store.logger
                )
            ).first
        }
    }

    /// One statement: the row is locked while it is revoked, so of two revocations racing, the
    /// second finds `revoked_at` set and keeps it.
    public func revoke(id: String, tenantID: String, at date: Date) async throws -> ConsentCertificate? {
        try await self.store.write { connection in
            try await Self.certificates(
                from: connection.query(
                    """
                    UPDATE consent_certificates SET revoked_at = coalesce(revoked_at, \(date.epochMilliseconds))
                    WHERE id = \(id) AND tenant_id = \(tenantID)
                    RETURNING \(unescaped: PostgresLeadRows.certificateColumns)
                    """,
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func leadExists(id: String, tenantID: String) async throws -> Bool {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM leads WHERE id = \(id) AND tenant_id = \(tenantID))", logger: self.store.logger
            )
            var exists = false
            for try await value in rows.decode(Bool.self) { exists = value }
            return exists
        }
    }

    static func certificates(from rows: PostgresRowSequence) async throws -> [ConsentCertificate] {
        var certificates: [ConsentCertificate] = []
        for try await row in rows { certificates.append(try PostgresLeadRows.certificate(from: row.makeRandomAccess())) }
        return certificates
    }
}
