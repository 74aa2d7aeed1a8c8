import Foundation
import GRDB
import LeadEngine

public struct SQLiteTenantRepository: TenantRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ tenant: Tenant, keys: [APIKey]) async throws {
        try await self.database.write { db in try Self.insert(tenant, keys: keys, db) }
    }

    public func insertFirst(_ tenant: Tenant, keys: [APIKey]) async throws -> Bool {
        try await self.database.write { db in
            guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tenants)")! else { return false }
            try Self.insert(tenant, keys: keys, db)
            return true
        }
    }

    private static func insert(_ tenant: Tenant, keys: [APIKey], _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
            arguments: [tenant.id, tenant.name, ColumnCoding.milliseconds(tenant.createdAt)]
        )
        for key in keys { try Self.insert(key, db) }
    }

    public func insert(_ key: APIKey) async throws {
        try await self.database.write { db in try Self.insert(key, db) }
    }

    public func tenant(id: String) async throws -> Tenant? {
        try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tenants WHERE id = ?", arguments: [id]).map {
                Tenant(id: $0["id"], name: $0["name"], createdAt: ColumnCoding.date($0["created_at"]))
            }
        }
    }

    public func setPostalAddress(_ address: String?, tenantID: String) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(sql: "UPDATE tenants SET postal_address = ? WHERE id = ?", arguments: [address, tenantID])
            return db.changesCount == 1
        }
    }

    public func tenantCount() async throws -> Int {
        try await self.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tenants") ?? 0 }
    }

    public func tenantSummaries() async throws -> [TenantSummary] {
        try await self.database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, t.name, t.created_at, k.role, count(k.id) AS keys
                    FROM tenants t LEFT JOIN api_keys k ON k.tenant_id = t.id AND k.revoked_at IS NULL
                    GROUP BY t.id, k.role ORDER BY t.created_at, t.id
                    """
            )
            var summaries: [TenantSummary] = []
            for row in rows {
                let id: String = row["id"]
                if summaries.last?.tenant.id != id {
                    summaries.append(TenantSummary(tenant: Tenant(id: id, name: row["name"], createdAt: ColumnCoding.date(row["created_at"])), activeKeys: [:]))
                }
                // A tenant without live keys has one row, its role NULL.
                if (row["role"] as String?) != nil {
                    summaries[summaries.count - 1].activeKeys[try row.required(KeyRole.self, "role", table: "api_keys")] = row["keys"]
                }
            }
            return summaries
        }
    }

    public func keys(tenantID: String) async throws -> [APIKey] {
        try await self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id", arguments: [tenantID])
                .map(Self.key(from:))
        }
    }

    public func revokeKey(id: String, at date: Date) async throws -> APIKey? {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?),
                        change_seq = (SELECT coalesce(max(change_seq), 0) + 1 FROM api_keys)
                    WHERE id = ?
                    """,
                arguments: [ColumnCoding.milliseconds(date), id]
            )
            return try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(Self.key(from:))
        }
    }

    public func keysChanged(after sequence: Int64) async throws -> (keys: [APIKey], sequence: Int64) {
        try await self.database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM api_keys WHERE change_seq > ? ORDER BY change_seq", arguments: [sequence])
            let newest: Int64 = rows.last?["change_seq"] ?? sequence
            return (try rows.map(Self.key(from:)), newest)
        }
    }

    private static func insert(_ key: APIKey, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO api_keys (id, tenant_id, role, secret_hash, display_prefix, rate_limit_per_minute, created_at, revoked_at, change_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(change_seq), 0) + 1 FROM api_keys))
                """,
            arguments: [
                key.id, key.tenantID, key.role.rawValue, key.secretHash, key.displayPrefix, key.rateLimitPerMinute,
                ColumnCoding.milliseconds(key.createdAt), key.revokedAt.map(ColumnCoding.milliseconds),
            ]
        )
    }

    private static func key(from row: Row) throws -> APIKey {
        APIKey(
            id: row["id"], tenantID: row["tenant_id"], role: try row.required(KeyRole.self, "role", table: "api_keys"),
            secretHash: row["secret_hash"], displayPrefix: row["display_prefix"], rateLimitPerMinute: row["rate_limit_per_minute"],
            createdAt: ColumnCoding.date(row["created_at"]), revokedAt: (row["revoked_at"] as Int64?).map(ColumnCoding.date)
        )
    }
}

extension SQLiteTenantRepository {
    public func identity(tenantID: String) async throws -> (name: String, postalAddress: String?)? {
        try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT name, postal_address FROM tenants WHERE id = ?", arguments: [tenantID]).map {
                (name: $0["name"], postalAddress: $0["postal_address"])
            }
        }
    }
}
