import Foundation
import LeadEngine
import LeadStorePostgres
import Synchronization
import Testing

@Suite("PostgreSQL store: other nodes' changes arrive by LISTEN/NOTIFY", .enabled(if: PostgresTestServer.isConfigured))
struct PostgresChangeFeedTests {
    /// Notices a follower received, in order.
    final class Heard: Sendable {
        private let notices = Mutex<[StoreChangeNotice]>([])
        func append(_ notice: StoreChangeNotice) { self.notices.withLock { $0.append(notice) } }
        var all: [StoreChangeNotice] { self.notices.withLock { $0 } }
    }

    @Test("a follower first resynchronises, then hears each committed key change of another node, and nothing of a rolled-back one")
    func keysAnnounced() async throws {
        try await PostgresTestServer.withScratchDatabase { url in
            let follower = try await PostgresStore.open(url: url)
            let writer = try await PostgresStore.open(url: url)
            let heard = Heard()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await follower.followChanges { heard.append($0) } }
                try await writer.withRunning { writer in
                    #expect(try await Self.eventually { heard.all == [.resynchronise] })
                    let tenants = PostgresTenantRepository(store: writer)
                    let now = Date(epochMilliseconds: 1_777_000_000_000)
                    try await tenants.insert(Tenant(id: "ten_1", name: "A", createdAt: now), keys: [])
                    #expect(heard.all == [.resynchronise], "a tenant without keys changes no key ring")
                    let key = APIKey(
                        id: "key_1", tenantID: "ten_1", role: .standard, secretHash: String(repeating: "a", count: 64), displayPrefix: "ezl_aaaa",
                        rateLimitPerMinute: 100, createdAt: now, revokedAt: nil
                    )
                    try await tenants.insert(key)
                    #expect(try await Self.eventually { heard.all == [.resynchronise, .changed(.keys)] })
                    // A duplicate key is refused: its transaction, notice included, rolls back.
                    await #expect(throws: (any Error).self) { try await tenants.insert(key) }
                    _ = try await tenants.revokeKey(id: "key_1", at: now)
                    #expect(try await Self.eventually { heard.all == [.resynchronise, .changed(.keys), .changed(.keys)] })
                }
                group.cancelAll()
            }
        }
    }

    static func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }
}
