import Foundation

/// Storage of tenants and their keys.
public protocol TenantRepository: SenderIdentities {
    func insert(_ tenant: Tenant, keys: [APIKey]) async throws
    /// Inserts the tenant and its keys only while the store holds no tenant at all, atomically:
    /// of nodes starting together on an empty store, one makes the first tenant. False, and
    /// nothing written, when a tenant exists.
    func insertFirst(_ tenant: Tenant, keys: [APIKey]) async throws -> Bool
    func insert(_ key: APIKey) async throws
    func tenant(id: String) async throws -> Tenant?
    func tenantCount() async throws -> Int
    /// Every tenant, oldest first, with its unrevoked keys counted by role.
    func tenantSummaries() async throws -> [TenantSummary]
    func keys(tenantID: String) async throws -> [APIKey]
    /// Marks a key revoked; returns it, or nil when no such key exists.
    func revokeKey(id: String, at date: Date) async throws -> APIKey?
    /// Keys created or revoked after `sequence`, with the newest sequence number seen.
    func keysChanged(after sequence: Int64) async throws -> (keys: [APIKey], sequence: Int64)
    /// Sets (or clears, with nil) the postal address its email carries; false when there is no such tenant.
    func setPostalAddress(_ address: String?, tenantID: String) async throws -> Bool
}
