import Foundation
import GRDB
import LeadEngine

public struct SQLiteSendingDomainRepository: SendingDomainRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ domain: SendingDomain, privateKeyPEM: String) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sending_domains (tenant_id, id, domain, status, dkim_public_key, dkim_private_key, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [
                    domain.tenantID, domain.id, domain.name.ascii, domain.status.rawValue, domain.dkimPublicKey, privateKeyPEM,
                    ColumnCoding.milliseconds(domain.createdAt),
                ]
            )
            return db.changesCount == 1
        }
    }

    public func domain(id: String, tenantID: String) async throws -> SendingDomain? {
        try await self.database.read { db in try Self.fetch(id: id, tenantID: tenantID, db) }
    }

    public func domains(tenantID: String, page: PageRequest) async throws -> Page<SendingDomain> {
        try await self.database.read { db in
            let result = try PagedQuery(table: "sending_domains", tenantID: tenantID).fetch(db, page: page)
            return Page(items: try result.rows.map(Self.domain(from:)), total: result.total, request: page)
        }
    }

    public func isRegistered(_ name: DomainName, tenantID: String) async throws -> Bool {
        try await self.database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM sending_domains WHERE tenant_id = ? AND domain = ?)", arguments: [tenantID, name.ascii]
            ) ?? false
        }
    }

    public func isVerified(_ name: DomainName, byTenantOtherThan tenantID: String) async throws -> Bool {
        try await self.database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM sending_domains WHERE domain = ? AND status = 'verified' AND tenant_id <> ?)",
                arguments: [name.ascii, tenantID]
            ) ?? false
        }
    }

    public func recordCheck(_ domain: SendingDomain) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    UPDATE sending_domains SET status = ?, spf_valid = ?, dkim_valid = ?, dmarc_valid = ?, checks = ?, checked_at = ?,
                        verified_at = ?, failing_since = ?
                    WHERE tenant_id = ? AND id = ?
                    """,
                arguments: [
                    domain.status.rawValue, domain.spfValid, domain.dkimValid, domain.dmarcValid, try Self.json(domain.checks),
                    domain.checkedAt.map(ColumnCoding.milliseconds), domain.verifiedAt.map(ColumnCoding.milliseconds),
                    domain.failingSince.map(ColumnCoding.milliseconds), domain.tenantID, domain.id,
                ]
            )
            return db.changesCount == 1
        }
    }

    public func delete(id: String, tenantID: String) async throws -> SendingDomain? {
        try await self.database.write { db in
            guard let domain = try Self.fetch(id: id, tenantID: tenantID, db) else { return nil }
            try db.execute(sql: "DELETE FROM sending_domains WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            return domain
        }
    }

    public func verifiedDomain(named name: DomainName, tenantID: String) async throws -> SendingDomain? {
        try await self.database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM sending_domains WHERE tenant_id = ? AND domain = ? AND status = 'verified'", arguments: [tenantID, name.ascii]
            ).map(Self.domain(from:))
        }
    }

    public func latestVerifiedDomain(tenantID: String) async throws -> SendingDomain? {
        try await self.database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM sending_domains WHERE tenant_id = ? AND status = 'verified' ORDER BY verified_at DESC, id DESC LIMIT 1",
                arguments: [tenantID]
            ).map(Self.domain(from:))
        }
    }

    public func dkimPrivateKey(domainID: String, tenantID: String) async throws -> String? {
        try await self.database.read { db in
            try String.fetchOne(db, sql: "SELECT dkim_private_key FROM sending_domains WHERE tenant_id = ? AND id = ?", arguments: [tenantID, domainID])
        }
    }

    public func verifiedDomains(checkedBefore cutoff: Date, limit: Int) async throws -> [SendingDomain] {
        try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM sending_domains WHERE status = 'verified' AND checked_at < ? ORDER BY checked_at LIMIT ?",
                arguments: [ColumnCoding.milliseconds(cutoff), limit]
            ).map(Self.domain(from:))
        }
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> SendingDomain? {
        try Row.fetchOne(db, sql: "SELECT * FROM sending_domains WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id]).map(Self.domain(from:))
    }

    static func domain(from row: Row) throws -> SendingDomain {
        let checks: String = row["checks"]
        return SendingDomain(
            id: row["id"], tenantID: row["tenant_id"], name: DomainName(ascii: row["domain"]),
            status: try row.required(DomainStatus.self, "status", table: "sending_domains"), dkimPublicKey: row["dkim_public_key"],
            spfValid: row["spf_valid"], dkimValid: row["dkim_valid"], dmarcValid: row["dmarc_valid"],
            checks: try JSONDecoder().decode([DomainCheck].self, from: Data(checks.utf8)), createdAt: ColumnCoding.date(row["created_at"]),
            checkedAt: (row["checked_at"] as Int64?).map(ColumnCoding.date), verifiedAt: (row["verified_at"] as Int64?).map(ColumnCoding.date),
            failingSince: (row["failing_since"] as Int64?).map(ColumnCoding.date)
        )
    }

    static func json(_ checks: [DomainCheck]) throws -> String {
        String(decoding: try JSONEncoder().encode(checks), as: UTF8.self)
    }
}
