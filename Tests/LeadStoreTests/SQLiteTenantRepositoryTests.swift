import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

@Suite("SQLite tenant repository")
struct SQLiteTenantRepositoryTests {
    @Test("a tenant inserted with keys reads back exactly, keys oldest first")
    func insertAndRead() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            let tenant = Fixtures.tenant("ten_1")
            let keys = [
                Fixtures.key(id: "key_b", tenantID: "ten_1", role: .admin, rateLimit: 5, offset: 20).key,
                Fixtures.key(id: "key_a", tenantID: "ten_1", role: .standard, offset: 10).key,
                Fixtures.key(id: "key_c", tenantID: "ten_1", role: .compliance, rateLimit: 1_000_000, offset: 20).key,
            ]
            #expect(try await repository.tenantCount() == 0)
            try await repository.insert(tenant, keys: keys)

            #expect(try await repository.tenantCount() == 1)
            #expect(try await repository.tenant(id: "ten_1") == tenant)
            #expect(try await repository.tenant(id: "ten_2") == nil)
            let stored = try await repository.keys(tenantID: "ten_1")
            #expect(stored == [keys[1], keys[0], keys[2]])
            #expect(try await repository.keys(tenantID: "ten_2").isEmpty)
        }
    }

    @Test("tenantSummaries lists tenants oldest first with live keys counted by role; revoked keys and keyless tenants too")
    func summaries() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            #expect(try await repository.tenantSummaries().isEmpty)
            let older = Fixtures.tenant("ten_b", offset: 0)
            let newer = Fixtures.tenant("ten_a", offset: 10)
            let keyless = Fixtures.tenant("ten_c", offset: 20)
            try await repository.insert(newer, keys: [Fixtures.key(id: "key_4", tenantID: "ten_a", role: .compliance).key])
            try await repository.insert(
                older,
                keys: [
                    Fixtures.key(id: "key_1", tenantID: "ten_b", role: .standard).key,
                    Fixtures.key(id: "key_2", tenantID: "ten_b", role: .standard).key,
                    Fixtures.key(id: "key_3", tenantID: "ten_b", role: .admin).key,
                ]
            )
            try await repository.insert(keyless, keys: [])
            _ = try await repository.revokeKey(id: "key_3", at: Times.at(5))

            let summaries = try await repository.tenantSummaries()
            #expect(
                summaries == [
                    TenantSummary(tenant: older, activeKeys: [.standard: 2]),
                    TenantSummary(tenant: newer, activeKeys: [.compliance: 1]),
                    TenantSummary(tenant: keyless, activeKeys: [:]),
                ]
            )
        }
    }

    @Test("a failing key insert rolls back the tenant too")
    func tenantInsertIsAtomic() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            let key = Fixtures.key(id: "key_1", tenantID: "ten_1").key
            var clash = Fixtures.key(id: "key_2", tenantID: "ten_1").key
            clash.secretHash = key.secretHash  // secret_hash is UNIQUE
            await #expect(throws: DatabaseError.self) { try await repository.insert(Fixtures.tenant("ten_1"), keys: [key, clash]) }
            #expect(try await repository.tenantCount() == 0)
            #expect(try await repository.keys(tenantID: "ten_1").isEmpty)
        }
    }

    @Test("a key for a missing tenant is refused")
    func keyNeedsTenant() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            await #expect(throws: DatabaseError.self) { try await repository.insert(Fixtures.key(id: "key_1", tenantID: "ten_x").key) }
        }
    }

    @Test("revokeKey sets revokedAt once and raises the change sequence; keysChanged returns only later changes")
    func revokeAndChanges() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            let first = Fixtures.key(id: "key_1", tenantID: "ten_1").key
            let second = Fixtures.key(id: "key_2", tenantID: "ten_1", offset: 1).key
            try await repository.insert(Fixtures.tenant("ten_1"), keys: [first, second])

            let initial = try await repository.keysChanged(after: 0)
            #expect(initial.keys.map(\.id) == ["key_1", "key_2"])
            #expect(initial.sequence >= 2)
            let none = try await repository.keysChanged(after: initial.sequence)
            #expect(none.keys.isEmpty)
            #expect(none.sequence == initial.sequence)

            let revokedAt = Times.at(5_000)
            let revoked = try #require(try await repository.revokeKey(id: "key_1", at: revokedAt))
            #expect(revoked.id == "key_1")
            #expect(revoked.revokedAt == revokedAt)
            #expect(revoked.isRevoked)

            let afterRevoke = try await repository.keysChanged(after: initial.sequence)
            #expect(afterRevoke.keys == [revoked])
            #expect(afterRevoke.sequence > initial.sequence)
            #expect(try await repository.keys(tenantID: "ten_1").first { $0.id == "key_1" }?.revokedAt == revokedAt)

            // A new key is a later change than the revocation.
            let third = Fixtures.key(id: "key_3", tenantID: "ten_1", offset: 2).key
            try await repository.insert(third)
            let afterInsert = try await repository.keysChanged(after: afterRevoke.sequence)
            #expect(afterInsert.keys == [third])
            #expect(afterInsert.sequence > afterRevoke.sequence)

            // Revoking again keeps the first date but still counts as a change.
            let again = try #require(try await repository.revokeKey(id: "key_1", at: Times.at(9_000)))
            #expect(again.revokedAt == revokedAt)
            let afterAgain = try await repository.keysChanged(after: afterInsert.sequence)
            #expect(afterAgain.keys.map(\.id) == ["key_1"])

            // Everything since the start, in change order, each key once.
            let all = try await repository.keysChanged(after: 0)
            #expect(all.keys.map(\.id) == ["key_2", "key_3", "key_1"])
            #expect(all.sequence == afterAgain.sequence)
        }
    }

    @Test("revoking an unknown key returns nil and changes nothing")
    func revokeUnknown() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            try await repository.insert(Fixtures.tenant("ten_1"), keys: [Fixtures.key(id: "key_1", tenantID: "ten_1").key])
            let before = try await repository.keysChanged(after: 0).sequence
            #expect(try await repository.revokeKey(id: "key_missing", at: Times.at(1)) == nil)
            #expect(try await repository.keysChanged(after: 0).sequence == before)
            #expect(try await repository.keys(tenantID: "ten_1").allSatisfy { !$0.isRevoked })
        }
    }

    @Test("provisioning, refresh and revocation work end to end on the SQLite store")
    func provisioningEndToEnd() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            let clock = ManualClock()
            let provisioning = TenantProvisioning(repository: repository, clock: clock)
            let ring = KeyRing()
            let refresher = KeyRingRefresher(repository: repository, keyRing: ring)

            let provisioned = try #require(try await provisioning.provisionDefaultTenantIfEmpty())
            #expect(try await provisioning.provisionDefaultTenantIfEmpty() == nil)
            #expect(try await refresher.refresh() == 3)
            let principal = try #require(ring.authenticate(secret: provisioned.apiKey))
            #expect(principal.tenantID == provisioned.tenant.id)

            clock.advance(byMilliseconds: 1_000)
            _ = try await provisioning.revokeKey(id: principal.keyID)
            #expect(try await refresher.refresh() == 1)
            #expect(ring.authenticate(secret: provisioned.apiKey) == nil)
            #expect(ring.authenticate(secret: provisioned.adminKey) != nil)

            // A second process (another pool on the same file) creates a key; the first sees it.
            let other = try LeadDatabase(path: database.path)
            let issued = try await TenantProvisioning(repository: SQLiteTenantRepository(database: other), clock: clock)
                .createKey(tenantID: provisioned.tenant.id, role: .compliance, rateLimitPerMinute: 10)
            try other.close()
            #expect(try await refresher.refresh() == 1)
            #expect(ring.authenticate(secret: issued.secret)?.role == .compliance)
        }
    }

    @Test("concurrent key inserts get distinct change sequence numbers")
    func concurrentInserts() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = SQLiteTenantRepository(database: database)
            try await repository.insert(Fixtures.tenant("ten_1"), keys: [])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { try await repository.insert(Fixtures.key(id: "key_\(index)", tenantID: "ten_1").key) }
                }
                try await group.waitForAll()
            }
            let sequences = try await database.writer.read { db in try Int64.fetchAll(db, sql: "SELECT change_seq FROM api_keys") }
            #expect(Set(sequences).count == 20)
            let changes = try await repository.keysChanged(after: 0)
            #expect(changes.keys.count == 20)
            #expect(changes.sequence == sequences.max())
        }
    }
}
