import Foundation
import LeadEngine
import Synchronization
import Testing

@Suite("Store contract: tenants and their keys")
struct TenantContractTests {
    @Test("a tenant inserted with keys reads back exactly, keys oldest first; another tenant has none", arguments: StoreUnderTest.all)
    func insertAndRead(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            let keys = [
                Fixtures.key("key_b", tenantID: "ten_1", role: .admin, rateLimit: 5, offset: 20),
                Fixtures.key("key_a", tenantID: "ten_1", role: .standard, offset: 10),
                Fixtures.key("key_c", tenantID: "ten_1", role: .compliance, rateLimit: APIKey.maxRateLimitPerMinute, offset: 30),
            ]
            #expect(try await s.tenants.tenantCount() == 0)
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: keys)
            #expect(try await s.tenants.tenantCount() == 1)
            #expect(try await s.tenants.tenant(id: "ten_1") == Fixtures.tenant("ten_1"))
            #expect(try await s.tenants.tenant(id: "ten_2") == nil)
            #expect(try await s.tenants.keys(tenantID: "ten_1") == [keys[1], keys[0], keys[2]])
            #expect(try await s.tenants.keys(tenantID: "ten_2").isEmpty)
        }
    }

    @Test("of six first tenants inserted at once on an empty store, one is stored with its keys; after it, none", arguments: StoreUnderTest.all)
    func insertFirst(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            let stored = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 1...6 {
                    group.addTask {
                        let tenantID = "ten_\(index)"
                        let keys = [Fixtures.key("key_\(index)", tenantID: tenantID, role: .admin)]
                        return try await s.tenants.insertFirst(Fixtures.tenant(tenantID), keys: keys) ? tenantID : nil
                    }
                }
                return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
            }
            #expect(stored.count == 1, "\(stored)")
            #expect(try await s.tenants.tenantCount() == 1)
            let winner = try #require(stored.first)
            #expect(try await s.tenants.keys(tenantID: winner).count == 1)
            #expect(try await s.tenants.tenantSummaries().map(\.tenant.id) == [winner])
            #expect(try await !s.tenants.insertFirst(Fixtures.tenant("ten_7"), keys: []))
            #expect(try await s.tenants.tenant(id: "ten_7") == nil)
        }
    }

    @Test("summaries: tenants oldest first, live keys counted by role, revoked keys left out, keyless tenants listed", arguments: StoreUnderTest.all)
    func summaries(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            #expect(try await s.tenants.tenantSummaries().isEmpty)
            let older = Fixtures.tenant("ten_b", offset: 0)
            let newer = Fixtures.tenant("ten_a", offset: 10)
            let keyless = Fixtures.tenant("ten_c", offset: 20)
            try await s.tenants.insert(newer, keys: [Fixtures.key("key_4", tenantID: "ten_a", role: .compliance)])
            try await s.tenants.insert(
                older,
                keys: [
                    Fixtures.key("key_1", tenantID: "ten_b"), Fixtures.key("key_2", tenantID: "ten_b"),
                    Fixtures.key("key_3", tenantID: "ten_b", role: .admin),
                ]
            )
            try await s.tenants.insert(keyless, keys: [])
            _ = try await s.tenants.revokeKey(id: "key_3", at: Times.at(5))
            #expect(
                try await s.tenants.tenantSummaries() == [
                    TenantSummary(tenant: older, activeKeys: [.standard: 2]),
                    TenantSummary(tenant: newer, activeKeys: [.compliance: 1]),
                    TenantSummary(tenant: keyless, activeKeys: [:]),
                ]
            )
        }
    }

    @Test("a duplicate key id or secret is refused, a failing key rolls its tenant back, and a key needs its tenant", arguments: StoreUnderTest.all)
    func duplicatesRefused(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            let key = Fixtures.key("key_1", tenantID: "ten_1")
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [key])
            await #expect(throws: (any Error).self) { try await s.tenants.insert(Fixtures.key("key_1", tenantID: "ten_1")) }
            var sameSecret = Fixtures.key("key_2", tenantID: "ten_1")
            sameSecret.secretHash = key.secretHash
            await #expect(throws: (any Error).self) { try await s.tenants.insert(sameSecret) }
            #expect(try await s.tenants.keys(tenantID: "ten_1") == [key])

            // Keys are inserted with their tenant or not at all.
            var clash = Fixtures.key("key_3", tenantID: "ten_2")
            clash.secretHash = key.secretHash
            await #expect(throws: (any Error).self) {
                try await s.tenants.insert(Fixtures.tenant("ten_2"), keys: [Fixtures.key("key_4", tenantID: "ten_2"), clash])
            }
            #expect(try await s.tenants.tenant(id: "ten_2") == nil)
            #expect(try await s.tenants.tenantCount() == 1)
            #expect(try await s.tenants.keys(tenantID: "ten_2").isEmpty)
            await #expect(throws: (any Error).self) { try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: []) }

            await #expect(throws: (any Error).self) { try await s.tenants.insert(Fixtures.key("key_5", tenantID: "ten_missing")) }
        }
    }

    @Test("revoking sets revokedAt once and is a change; keysChanged returns only later changes, each key once", arguments: StoreUnderTest.all)
    func revokeAndChanges(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            let first = Fixtures.key("key_1", tenantID: "ten_1")
            let second = Fixtures.key("key_2", tenantID: "ten_1", offset: 1)
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [first, second])

            let initial = try await s.tenants.keysChanged(after: 0)
            #expect(initial.keys == [first, second])
            let none = try await s.tenants.keysChanged(after: initial.sequence)
            #expect(none.keys.isEmpty)
            #expect(none.sequence == initial.sequence)

            #expect(try await s.tenants.revokeKey(id: "key_missing", at: Times.at(1)) == nil)
            #expect(try await s.tenants.keysChanged(after: initial.sequence).keys.isEmpty, "an unknown key changes nothing")

            let revoked = try #require(try await s.tenants.revokeKey(id: "key_1", at: Times.at(5_000)))
            #expect(revoked.revokedAt == Times.at(5_000))
            let afterRevoke = try await s.tenants.keysChanged(after: initial.sequence)
            #expect(afterRevoke.keys == [revoked])
            #expect(afterRevoke.sequence > initial.sequence)
            #expect(try await s.tenants.keys(tenantID: "ten_1").first { $0.id == "key_1" }?.revokedAt == Times.at(5_000))

            let third = Fixtures.key("key_3", tenantID: "ten_1", offset: 2)
            try await s.tenants.insert(third)
            let afterInsert = try await s.tenants.keysChanged(after: afterRevoke.sequence)
            #expect(afterInsert.keys == [third])
            #expect(afterInsert.sequence > afterRevoke.sequence)

            // Revoking again keeps the first date, and is still a change the key ring hears of.
            let again = try #require(try await s.tenants.revokeKey(id: "key_1", at: Times.at(9_000)))
            #expect(again.revokedAt == Times.at(5_000))
            let afterAgain = try await s.tenants.keysChanged(after: afterInsert.sequence)
            #expect(afterAgain.keys.map(\.id) == ["key_1"])

            let all = try await s.tenants.keysChanged(after: 0)
            #expect(all.keys.map(\.id) == ["key_2", "key_3", "key_1"], "in change order, each key once")
            #expect(all.sequence == afterAgain.sequence)
        }
    }

    @Test("a reader following keysChanged while keys are inserted concurrently misses none of them", arguments: StoreUnderTest.all)
    func followerMissesNoKey(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [])
            let writersDone = DoneFlag()
            let seen = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                group.addTask {
                    var seen: Set<String> = []
                    var sequence: Int64 = 0
                    // Polls until the writers are done, then once more: the last poll must bring what is left.
                    while true {
                        let finished = writersDone.isSet
                        let changes = try await s.tenants.keysChanged(after: sequence)
                        #expect(changes.sequence >= sequence, "the sequence never goes back")
                        seen.formUnion(changes.keys.map(\.id))
                        sequence = changes.sequence
                        if finished { return seen }
                        await Task.yield()
                    }
                }
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { writers in
                        for index in 0..<30 {
                            writers.addTask { try await s.tenants.insert(Fixtures.key("key_\(index)", tenantID: "ten_1")) }
                        }
                        try await writers.waitForAll()
                    }
                    writersDone.set()
                    return []
                }
                return try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
            }
            #expect(seen == Set((0..<30).map { "key_\($0)" }))
            #expect(try await s.tenants.keysChanged(after: 0).keys.count == 30)
        }
    }

    @Test("the postal address is set, cleared and read back as the sender's identity; a missing tenant answers false", arguments: StoreUnderTest.all)
    func postalAddress(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [])
            #expect(try await s.tenants.identity(tenantID: "ten_1")?.name == "Tenant ten_1")
            #expect(try await s.tenants.identity(tenantID: "ten_1")?.postalAddress == nil)
            #expect(try await s.tenants.setPostalAddress("1 Main St\nSpringfield", tenantID: "ten_1"))
            #expect(try await s.tenants.identity(tenantID: "ten_1")?.postalAddress == "1 Main St\nSpringfield")
            #expect(try await s.tenants.setPostalAddress(nil, tenantID: "ten_1"))
            #expect(try await s.tenants.identity(tenantID: "ten_1")?.postalAddress == nil)
            #expect(try await !s.tenants.setPostalAddress("x", tenantID: "ten_missing"))
            #expect(try await s.tenants.identity(tenantID: "ten_missing") == nil)
        }
    }
}

/// Set once, read from other tasks.
final class DoneFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { self.value.load(ordering: .acquiring) }
    func set() { self.value.store(true, ordering: .releasing) }
}
