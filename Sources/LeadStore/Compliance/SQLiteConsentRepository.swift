import Foundation
import GRDB
import LeadEngine

public struct SQLiteConsentRepository: ConsentRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ certificate: ConsentCertificate) async throws {
        try await self.database.write { db in try SQLiteSaleRepository.insert(certificate, db) }
    }

    public func certificate(id: String, tenantID: String) async throws -> ConsentCertificate? {
        try await self.database.read { db in try Self.fetch(id: id, tenantID: tenantID, db) }
    }

    public func revoke(id: String, tenantID: String, at date: Date) async throws -> ConsentCertificate? {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE consent_certificates SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND tenant_id = ?",
                arguments: [date.epochMilliseconds, id, tenantID]
            )
            return try Self.fetch(id: id, tenantID: tenantID, db)
        }
    }

    public func leadExists(id: String, tenantID: String) async throws -> Bool {
        try await self.database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM leads WHERE id = ? AND tenant_id = ?)", arguments: [id, tenantID]) ?? false
        }
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> ConsentCertificate? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM consent_certificates WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]) else {
            return nil
        }
        return try Self.certificate(from: row)
    }

    static func certificate(from row: Row) throws -> ConsentCertificate {
        let consent = Consent(
            consentType: try row.required(ConsentType.self, "consent_type", table: "consent_certificates"), consentText: row["consent_text"],
            ipAddress: row["ip_address"], pageURL: row["page_url"], userAgent: row["user_agent"], channel: row["channel"],
            mechanism: row["mechanism"]
        )
        return ConsentCertificate(
            id: row["id"], tenantID: row["tenant_id"], leadID: row["lead_id"], consent: consent,
            createdAt: ColumnCoding.date(row["created_at"]), hash: row["hash"], signature: row["signature"], keyID: row["key_id"],
            revokedAt: (row["revoked_at"] as Int64?).map(ColumnCoding.date)
        )
    }
}
