import Foundation
import LeadEngine
import Testing

@Suite("Store contract: dashboard sessions")
struct DashboardSessionContractTests {
    static func session(_ hash: String, tenantID: String = "ten_1", expiresAt: Int64 = Times.base + 30 * Times.minute) -> DashboardSession {
        DashboardSession(
            tokenHash: hash, tenantID: tenantID, keyID: "key_\(tenantID)", formToken: "form_\(hash)", createdAtMilliseconds: Times.base,
            lastSeenAtMilliseconds: Times.base, expiresAtMilliseconds: expiresAt
        )
    }

    @Test("a session reads back by its token's hash, moves its expiry on, and is gone once deleted", arguments: StoreUnderTest.all)
    func lifecycle(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [])
            let session = Self.session("hash_a")
            try await s.dashboardSessions.insert(session)
            #expect(try await s.dashboardSessions.session(tokenHash: "hash_a") == session)
            #expect(try await s.dashboardSessions.session(tokenHash: "hash_b") == nil)

            #expect(try await s.dashboardSessions.touch(tokenHash: "hash_a", lastSeenAtMilliseconds: Times.base + 5, expiresAtMilliseconds: Times.base + 99))
            var touched = session
            touched.lastSeenAtMilliseconds = Times.base + 5
            touched.expiresAtMilliseconds = Times.base + 99
            #expect(try await s.dashboardSessions.session(tokenHash: "hash_a") == touched)
            #expect(try await !s.dashboardSessions.touch(tokenHash: "hash_b", lastSeenAtMilliseconds: 1, expiresAtMilliseconds: 2))

            try await s.dashboardSessions.delete(tokenHash: "hash_a")
            #expect(try await s.dashboardSessions.session(tokenHash: "hash_a") == nil)
            #expect(try await !s.dashboardSessions.touch(tokenHash: "hash_a", lastSeenAtMilliseconds: 1, expiresAtMilliseconds: 2), "a deleted session stays gone")
        }
    }

    @Test("expired sessions are deleted, live ones kept; a second insert of one token is refused", arguments: StoreUnderTest.all)
    func expiry(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await s.tenants.insert(Fixtures.tenant("ten_1"), keys: [])
            try await s.tenants.insert(Fixtures.tenant("ten_2"), keys: [])
            try await s.dashboardSessions.insert(Self.session("old", expiresAt: Times.base + 10))
            try await s.dashboardSessions.insert(Self.session("new", tenantID: "ten_2", expiresAt: Times.base + 1_000))
            await #expect(throws: (any Error).self) { try await s.dashboardSessions.insert(Self.session("new")) }
            #expect(try await s.dashboardSessions.deleteExpired(before: Times.base + 500) == 1)
            #expect(try await s.dashboardSessions.session(tokenHash: "old") == nil)
            #expect(try await s.dashboardSessions.session(tokenHash: "new")?.tenantID == "ten_2")
            #expect(try await s.dashboardSessions.deleteExpired(before: Times.base + 500) == 0)
        }
    }
}
