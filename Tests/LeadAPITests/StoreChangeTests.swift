import Foundation
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadStore
import Testing

/// A store connection whose change feed the test drives, as another node's NOTIFY would.
struct FeedConnection: StoreConnection {
    let inner: any StoreConnection
    let feed: AsyncStream<StoreChangeNotice>

    var location: String { self.inner.location }
    var isShared: Bool { true }
    var health: StorageHealth { self.inner.health }
    func probeWrite() async throws { try await self.inner.probeWrite() }
    func run() async throws { try await self.inner.run() }
    func close() async throws { try await self.inner.close() }
    func followChanges(_ apply: @escaping @Sendable (StoreChangeNotice) async -> Void) async throws {
        for await notice in self.feed { await apply(notice) }
    }
}

@Suite("Changes another node makes reach this node's memory")
struct StoreChangeTests {
    @Test("a buyer another node writes is served here after its notice; keys only once a resynchronise reads everything")
    func noticesReload() async throws {
        let server = try await TestServer.make()
        let (feed, notify) = AsyncStream.makeStream(of: StoreChangeNotice.self)
        // The same file as a second node, whose only news of the first node's writes is the feed.
        let database = try await LeadDatabase.open(path: server.configuration.databasePath)
        // Keys reach it only by notice: its polling of the key ring is slowed to an hour.
        var configuration = server.configuration
        configuration.keyRefreshIntervalMilliseconds = 3_600_000
        let node = try await AppDependencies.open(
            configuration,
            store: SQLiteStore.repositories(
                on: database, connection: FeedConnection(inner: database, feed: feed)
            ),
            clock: server.clock
        )
        let tenantID = server.tenant.tenant.id
        let buyer = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Elsewhere", campaignTypes: ["legal_pi"], states: ["CA"], maxPriceCents: 5_000), tenantID: tenantID
        )
        let key = try await server.dependencies.tenants.createKey(tenantID: tenantID, role: .standard, rateLimitPerMinute: nil)
        #expect(node.buyers.index.buyer(id: buyer.id) == nil)

        try await buildApplication(configuration, dependencies: node).test(.router) { _ in
            notify.yield(.changed(.buyers))
            let buyerArrived = try await Self.eventually { node.buyers.index.buyer(id: buyer.id) != nil }
            #expect(buyerArrived)
            #expect(node.keyRing.authenticate(secret: key.secret) == nil, "keys were not announced yet")
            notify.yield(.resynchronise)
            let keyArrived = try await Self.eventually { node.keyRing.authenticate(secret: key.secret) != nil }
            #expect(keyArrived)
        }
        await node.shutdown()
        await server.close()
    }

    /// Polls `condition` for up to ten seconds: the service applies notices on its own task.
    static func eventually(_ condition: @Sendable () async -> Bool) async throws -> Bool {
        for _ in 0..<1_000 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }
}
