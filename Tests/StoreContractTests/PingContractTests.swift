import Foundation
import LeadEngine
import Testing

@Suite("Store contract: pings, floor prices and sharing settings")
struct PingContractTests {
    @Test("a ping reads back whole (bids highest first, every outcome); another tenant's reads as nil", arguments: StoreUnderTest.all)
    func roundTrip(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            var ping = SaleFixtures.ping("ping_1", buyers: ["b1", "b2", "b3"])
            ping.outcomes[3].buyerName = "C \"quoted\" \\ ünïcode\n"
            ping.outrankedStaticBuyers = 12
            try await s.pings.save([ping])
            #expect(try await s.pings.ping(id: "ping_1", tenantID: "ten_1") == ping)
            #expect(try await s.pings.ping(id: "ping_1", tenantID: "ten_2") == nil)
            #expect(try await s.pings.ping(id: "ping_missing", tenantID: "ten_1") == nil)
        }
    }

    @Test("a ping a sale stored first with its bids only is completed by the journal's save; saving again changes nothing", arguments: StoreUnderTest.all)
    func saveCompletesAndReplaces(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let full = SaleFixtures.ping("ping_1", buyers: ["b1", "b2"])
            var fromBook = full
            fromBook.outcomes = []
            try await s.pings.save([fromBook])
            let early = try #require(try await s.pings.ping(id: "ping_1", tenantID: "ten_1"))
            #expect(early.bids == full.bids)
            #expect(Set(early.outcomes.map(\.buyerID)) == ["b1", "b2"], "the bids are outcomes too")

            try await s.pings.save([full])
            #expect(try await s.pings.ping(id: "ping_1", tenantID: "ten_1") == full)
            try await s.pings.save([full, SaleFixtures.ping("ping_2")])
            #expect(try await s.pings.ping(id: "ping_1", tenantID: "ten_1") == full)
            #expect(try await s.pings.livePings(nowMilliseconds: Times.base).map(\.id) == ["ping_1", "ping_2"])
        }
    }

    @Test("a ping's sales are what it was sold to, in sale order", arguments: StoreUnderTest.all)
    func soldTo(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2")])
            let ping = SaleFixtures.ping("ping_shared", buyers: ["b1", "b2"])
            try await s.pings.save([ping])
            #expect(try await s.pings.ping(id: ping.id, tenantID: "ten_1")?.soldTo == [])
            try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b2", at: Times.base + 1, ping: ping))
            try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b1", at: Times.base + 2, ping: ping))
            #expect(try await s.pings.ping(id: ping.id, tenantID: "ten_1")?.soldTo == ["b2", "b1"])
            #expect(try await s.pings.ping(id: ping.id, tenantID: "ten_1")?.outcomes == ping.outcomes, "a sale does not cut the outcomes")
        }
    }

    @Test("live pings are those not expired, oldest first, of every tenant", arguments: StoreUnderTest.all)
    func livePings(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let now = Times.base
            try await s.pings.save([
                SaleFixtures.ping("ping_fresh", createdAt: now - 1_000),
                SaleFixtures.ping("ping_expired", createdAt: now - Ping.lifetimeMilliseconds - 1),
                SaleFixtures.ping("ping_edge", createdAt: now - Ping.lifetimeMilliseconds),
                SaleFixtures.ping("ping_old", tenantID: "ten_2", createdAt: now - 50_000),
            ])
            let live = try await s.pings.livePings(nowMilliseconds: now)
            #expect(live.map(\.id) == ["ping_old", "ping_fresh"], "a ping expires at its expiry instant")
            #expect(live.last == SaleFixtures.ping("ping_fresh", createdAt: now - 1_000))
            #expect(try await s.pings.livePings(nowMilliseconds: now + Ping.lifetimeMilliseconds).isEmpty)
        }
    }

    @Test("unsold pings expired before the cutoff are pruned oldest first, in batches; sold and recent ones stay", arguments: StoreUnderTest.all)
    func pruneKeepsSold(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let old = Times.base - 40 * Times.day
            try await s.pings.save((0..<5).map { SaleFixtures.ping("ping_old\($0)", createdAt: old + Int64($0)) })
            try await s.pings.save([SaleFixtures.ping("ping_recent", createdAt: Times.base - Times.day)])
            // A sale stores its ping itself, sold.
            try await s.sales.commit(SaleFixtures.sale(1, at: old - 10))
            let cutoff = Times.base - 30 * Times.day
            #expect(try await s.pings.pruneUnsoldPings(expiredBefore: cutoff, limit: 3) == 3)
            #expect(try await s.pings.ping(id: "ping_old0", tenantID: "ten_1") == nil, "oldest first")
            #expect(try await s.pings.ping(id: "ping_old4", tenantID: "ten_1") != nil)
            #expect(try await s.pings.pruneUnsoldPings(expiredBefore: cutoff, limit: 3) == 2)
            #expect(try await s.pings.pruneUnsoldPings(expiredBefore: cutoff, limit: 3) == 0)
            #expect(try await s.pings.ping(id: "ping_1", tenantID: "ten_1")?.soldTo == ["b1"])
            #expect(try await s.pings.ping(id: "ping_recent", tenantID: "ten_1") != nil)
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.lead.pingID == "ping_1")
        }
    }

    @Test("floor prices and max shared buyers are stored per tenant and overwritten, not duplicated", arguments: StoreUnderTest.all)
    func settings(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            #expect(try await s.pings.floorPrices().isEmpty)
            #expect(try await s.pings.maxSharedBuyers().isEmpty)
            try await s.pings.saveFloorPrice(FloorPrice(tenantID: "ten_1", campaignType: .solar, floorPriceCents: 500))
            try await s.pings.saveFloorPrice(FloorPrice(tenantID: "ten_1", campaignType: .legalPI, floorPriceCents: 100))
            try await s.pings.saveFloorPrice(FloorPrice(tenantID: "ten_2", campaignType: .solar, floorPriceCents: 7))
            try await s.pings.saveFloorPrice(FloorPrice(tenantID: "ten_1", campaignType: .solar, floorPriceCents: 0))
            let floors = try await s.pings.floorPrices()
            #expect(floors.count == 3)
            #expect(
                Set(floors.map { "\($0.tenantID) \($0.campaignType.rawValue) \($0.floorPriceCents)" })
                    == ["ten_1 solar 0", "ten_1 legal_pi 100", "ten_2 solar 7"]
            )

            try await s.pings.saveMaxSharedBuyers(3, tenantID: "ten_1")
            try await s.pings.saveMaxSharedBuyers(5, tenantID: "ten_2")
            try await s.pings.saveMaxSharedBuyers(2, tenantID: "ten_1")
            #expect(try await s.pings.maxSharedBuyers() == ["ten_1": 2, "ten_2": 5])
        }
    }
}
