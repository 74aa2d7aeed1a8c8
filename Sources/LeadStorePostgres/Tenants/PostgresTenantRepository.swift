import Foundation
import LeadEngine
import PostgresNIO

/// Tenants and their keys in PostgreSQL; behaves as `SQLiteTenantRepository` does.
///
/// `change_seq` is given out under a transaction lock (`AdvisoryLock.keyChanges`) as one more
/// than the largest: two writers never take the same number, and a number is only handed out once
/// the one before it committed, so a node following `keysChanged(after:)` never skips a change
/// (a sequence alone would let number 7 commit after a reader already moved past 8).
public struct PostgresTenantRepository: TenantRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func insert(_ tenant: Tenant, keys: [APIKey]) async throws {
        try await self.store.write { connection in try await self.insert(tenant, keys: keys, connection) }
    }

    /// Nodes starting together on an empty database each find no tenant; the table lock (which
    /// only this statement and other inserts of a first tenant take, and readers pass) lets the
    /// first through and makes the others look again after its commit.
    public func insertFirst(_ tenant: Tenant, keys: [APIKey]) async throws -> Bool {
        try await self.store.write { connection in
            try await connection.query("LOCK TABLE tenants IN SHARE ROW EXCLUSIVE MODE", logger: self.store.logger)
            let rows = try await connection.query("SELECT EXISTS (SELECT 1 FROM tenants)", logger: self.store.logger)
            for try await exists in rows.decode(Bool.self) where exists { return false }
            try await self.insert(tenant, keys: keys, connection)
            return true
        }
    }

    private func insert(_ tenant: Tenant, keys: [APIKey], _ connection: PostgresConnection) async throws {
        _ = try await connection.query(
            "INSERT INTO tenants (id, name, created_at) VALUES (\(tenant.id), \(tenant.name), \(tenant.createdAt.epochMilliseconds))",
            logger: self.store.logger
        )
        guard !keys.isEmpty else { return }
        try await self.lockKeyChanges(connection)
        for key in keys { try await self.insert(key, connection) }
    }

    public func insert(_ key: APIKey) async throws {
        try await self.store.write { connection in
            try await self.lockKeyChanges(connection)
            try await self.insert(key, connection)
        }
    }

    public func tenant(id: String) async throws -> Tenant? {
        try await self.store.read { connection in
            let rows = try await connection.query("SELECT id, name, created_at FROM tenants WHERE id = \(id)", logger: self.store.logger)
            for try await (id, name, createdAt) in rows.decode((String, String, Int64).self) {
                return Tenant(id: id, name: name, createdAt: Date(epochMilliseconds: createdAt))
            }
            return nil
        }
    }

    public func setPostalAddress(_ address: String?, tenantID: String) async throws -> Bool {
        try await self.store.write { connection in
            let rows = try await connection.query(
                "UPDATE tenants SET postal_address = \(address) WHERE id = \(tenantID) RETURNING id", logger: self.store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func tenantCount() async throws -> Int {
        try await self.store.read { connection in
            for try await count in try await connection.query("SELECT count(*) FROM tenants", logger: self.store.logger).decode(Int.self) {
                return count
            }
            return 0
        }
    }

    public func tenantSummaries() async throws -> [TenantSummary] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT t.id, t.name, t.created_at, k.role, count(k.id)
                FROM tenants t LEFT JOIN api_keys k ON k.tenant_id = t.id AND k.revoked_at IS NULL
                GROUP BY t.id, k.role ORDER BY t.created_at, t.id
                """,
                logger: self.store.logger
            )
            var summaries: [TenantSummary] = []
            for try await (id, name, createdAt, role, keys) in rows.decode((String, String, Int64, String?, Int).self) {
                if summaries.last?.tenant.id != id {
                    summaries.append(TenantSummary(tenant: Tenant(id: id, name: name, createdAt: Date(epochMilliseconds: createdAt)), activeKeys: [:]))
                }
                // A tenant without live keys has one row, its role NULL.
                if let role {
                    summaries[summaries.count - 1].activeKeys[try Self.role(role)] = keys
                }
            }
            return summaries
        }
    }

    public func keys(tenantID: String) async throws -> [APIKey] {
        try await self.store.read { connection in
            try await Self.keys(
                from: connection.query(
                    "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE tenant_id = \(tenantID) ORDER BY created_at, id",
                    logger: self.store.logger
                )
            ).map(\.key)
        }
    }

    public func revokeKey(id: String, at date: Date) async throws -> APIKey? {
        try await self.store.write { connection in
            try await self.lockKeyChanges(connection)
            // Revoking again keeps the first date, and is still a change the key ring hears of.
            return try await Self.keys(
                from: connection.query(
                    """
                    UPDATE api_keys SET revoked_at = coalesce(revoked_at, \(date.epochMilliseconds)),
                        change_seq = (SELECT coalesce(max(change_seq), 0) + 1 FROM api_keys)
                    WHERE id = \(id)
                    RETURNING \(unescaped: Self.keyColumns)
                    """,
                    logger: self.store.logger
                )
            ).first?.key
        }
    }

    public func keysChanged(after sequence: Int64) async throws -> (keys: [APIKey], sequence: Int64) {
        try await self.store.read { connection in
            let changed = try await Self.keys(
                from: connection.query(
                    "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE change_seq > \(sequence) ORDER BY change_seq",
                    logger: self.store.logger
                )
            )
            return (changed.map(\.key), changed.last?.changeSequence ?? sequence)
        }
    }

    public func identity(tenantID: String) async throws -> (name: String, postalAddress: String?)? {
        try await self.store.read { connection in
            let rows = try await connection.query("SELECT name, postal_address FROM tenants WHERE id = \(tenantID)", logger: self.store.logger)
            for try await (name, postalAddress) in rows.decode((String, String?).self) {
                return (name: name, postalAddress: postalAddress)
            }
            return nil
        }
    }

    /// Serialises the writers of `change_seq` until this transaction ends.
    /// Every write of a key starts here: the numbering lock, and the notice the other nodes'
    /// key rings act on once the write commits.
    private func lockKeyChanges(_ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(AdvisoryLock.keyChanges.rawValue))", logger: self.store.logger)
        try await PostgresChangeFeed.announce(.keys, on: connection, logger: self.store.logger)
    }

    /// Inserts `key` as the next change; the caller holds the key-changes lock.
    private func insert(_ key: APIKey, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO api_keys (id, tenant_id, role, secret_hash, display_prefix, rate_limit_per_minute, created_at, revoked_at, change_seq)
            VALUES (\(key.id), \(key.tenantID), \(key.role.rawValue), \(key.secretHash), \(key.displayPrefix), \(key.rateLimitPerMinute),
                \(key.createdAt.epochMilliseconds), \(key.revokedAt?.epochMilliseconds),
                (SELECT coalesce(max(change_seq), 0) + 1 FROM api_keys))
            """,
            logger: self.store.logger
        )
    }

    private static let keyColumns = "id, tenant_id, role, secret_hash, display_prefix, rate_limit_per_minute, created_at, revoked_at, change_seq"

    private struct ChangedKey: Sendable {
        var key: APIKey
        var changeSequence: Int64
    }

    private static func keys(from rows: PostgresRowSequence) async throws -> [ChangedKey] {
        var keys: [ChangedKey] = []
        for try await (id, tenantID, role, secretHash, displayPrefix, rateLimit, createdAt, revokedAt, changeSequence) in rows.decode(
            (String, String, String, String, String, Int, Int64, Int64?, Int64).self
        ) {
            let key = APIKey(
                id: id, tenantID: tenantID, role: try Self.role(role), secretHash: secretHash, displayPrefix: displayPrefix,
                rateLimitPerMinute: rateLimit, createdAt: Date(epochMilliseconds: createdAt), revokedAt: revokedAt.map(Date.init(epochMilliseconds:))
            )
            keys.append(ChangedKey(key: key, changeSequence: changeSequence))
        }
        return keys
    }

    private static func role(_ raw: String) throws -> KeyRole {
        guard let role = KeyRole(rawValue: raw) else { throw PostgresCorruptRow(table: "api_keys", column: "role", value: raw) }
        return role
    }
}
