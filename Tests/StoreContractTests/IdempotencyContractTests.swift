import Foundation
import LeadEngine
import Testing

@Suite("Store contract: idempotency keys")
struct IdempotencyContractTests {
    static let stale: Int64 = 60_000

    static func request(_ key: String = "idem-1", tenantID: String = "ten_1", endpoint: String = "POST /api/v1/leads/inbound", body: String = "{}")
        -> IdempotentRequest
    {
        IdempotentRequest(tenantID: tenantID, endpoint: endpoint, key: key, body: Array(body.utf8))
    }

    @Test("first use proceeds, a retry while it runs is in progress, a retry after it replays the answer, another body mismatches", arguments: StoreUnderTest.all)
    func lifecycle(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let keys = s.idempotencyKeys
            let request = Self.request()
            #expect(try await keys.claim(request, nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) == .proceed)
            #expect(try await keys.claim(request, nowMilliseconds: Times.base + 1, staleAfterMilliseconds: Self.stale) == .inProgress)
            #expect(try await keys.claim(Self.request(body: "{\"x\":1}"), nowMilliseconds: Times.base + 1, staleAfterMilliseconds: Self.stale) == .mismatch)

            let body = Array(#"{"lead_id":"ünï"}"#.utf8) + [0, 255]
            try await keys.complete(request, status: 201, body: body)
            #expect(try await keys.claim(request, nowMilliseconds: Times.base + 2, staleAfterMilliseconds: Self.stale) == .replay(status: 201, body: body))
            #expect(
                try await keys.claim(request, nowMilliseconds: Times.base + 10 * Self.stale, staleAfterMilliseconds: Self.stale)
                    == .replay(status: 201, body: body),
                "a completed key never goes stale"
            )
            #expect(try await keys.claim(Self.request(body: "{\"x\":1}"), nowMilliseconds: Times.base + 3, staleAfterMilliseconds: Self.stale) == .mismatch)
            try await keys.abandon(request)
            #expect(
                try await keys.claim(request, nowMilliseconds: Times.base + 4, staleAfterMilliseconds: Self.stale) == .replay(status: 201, body: body),
                "only a claim is abandoned"
            )
        }
    }

    @Test("keys are scoped by tenant and endpoint", arguments: StoreUnderTest.all)
    func scoping(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let keys = s.idempotencyKeys
            #expect(try await keys.claim(Self.request(), nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) == .proceed)
            #expect(try await keys.claim(Self.request(tenantID: "ten_2"), nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) == .proceed)
            #expect(try await keys.claim(Self.request(endpoint: "POST /api/v1/buyers"), nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) == .proceed)
            try await keys.complete(Self.request(tenantID: "ten_2"), status: 200, body: [1])
            #expect(try await keys.claim(Self.request(), nowMilliseconds: Times.base + 1, staleAfterMilliseconds: Self.stale) == .inProgress)
        }
    }

    @Test("an abandoned claim runs afresh; a claim older than the stale limit is taken over", arguments: StoreUnderTest.all)
    func abandonAndStale(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let keys = s.idempotencyKeys
            let request = Self.request()
            #expect(try await keys.claim(request, nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) == .proceed)
            try await keys.abandon(request)
            #expect(try await keys.claim(request, nowMilliseconds: Times.base + 1, staleAfterMilliseconds: Self.stale) == .proceed)

            #expect(try await keys.claim(request, nowMilliseconds: Times.base + Self.stale, staleAfterMilliseconds: Self.stale) == .inProgress)
            #expect(try await keys.claim(request, nowMilliseconds: Times.base + 2 + Self.stale, staleAfterMilliseconds: Self.stale) == .proceed)
            #expect(try await keys.claim(request, nowMilliseconds: Times.base + 3 + Self.stale, staleAfterMilliseconds: Self.stale) == .inProgress, "taken over anew")
        }
    }

    @Test("pruning forgets keys made before the cutoff, and only those", arguments: StoreUnderTest.all)
    func prune(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let keys = s.idempotencyKeys
            for index in 0..<3 {
                _ = try await keys.claim(Self.request("old-\(index)"), nowMilliseconds: Times.base + Int64(index), staleAfterMilliseconds: Self.stale)
            }
            try await keys.complete(Self.request("old-0"), status: 200, body: [])
            _ = try await keys.claim(Self.request("new"), nowMilliseconds: Times.base + Times.day, staleAfterMilliseconds: Self.stale)
            #expect(try await keys.prune(beforeMilliseconds: Times.base + 2) == 2)
            #expect(try await keys.prune(beforeMilliseconds: Times.base + 2) == 0)
            #expect(try await keys.claim(Self.request("old-0"), nowMilliseconds: Times.base + Times.day, staleAfterMilliseconds: Self.stale) == .proceed)
            #expect(try await keys.claim(Self.request("old-2"), nowMilliseconds: Times.base + 3, staleAfterMilliseconds: Self.stale) == .inProgress)
            #expect(try await keys.claim(Self.request("new"), nowMilliseconds: Times.base + Times.day, staleAfterMilliseconds: Self.stale) == .inProgress)
        }
    }

    @Test("20 requests racing with one new key: exactly one proceeds", arguments: StoreUnderTest.all)
    func concurrentClaims(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let claims = try await withThrowingTaskGroup(of: IdempotencyClaim.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await s.idempotencyKeys.claim(Self.request(), nowMilliseconds: Times.base, staleAfterMilliseconds: Self.stale) }
                }
                return try await group.reduce(into: [IdempotencyClaim]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 == .proceed }.count == 1)
            #expect(claims.filter { $0 == .inProgress }.count == 19)
        }
    }
}
