import Foundation
import LeadEngine
import Testing

@Suite("Buyer matching index")
struct BuyerIndexTests {
    static let base: Int64 = 1_776_000_000_000

    static func buyer(
        _ id: String, tenant: String = "ten_1", types: [CampaignType] = [.legalPI], states: [String] = ["CA"], price: Int64 = 1_000,
        zips: [String]? = nil, status: BuyerStatus = .active, revision: Int64 = 1, createdOffset: Int64 = 0
    ) -> Buyer {
        let created = Date(epochMilliseconds: Self.base + createdOffset)
        return Buyer(
            id: id, tenantID: tenant, name: id, campaignTypes: types, states: states, maxPriceCents: price, zipCodes: zips,
            status: status, revision: revision, createdAt: created, updatedAt: created
        )
    }

    private func ids(_ buyers: [Buyer]) -> [String] { buyers.map(\.id) }

    @Test("a slot knows whether it holds active real-time bidders, through pauses, moves and a dropped bid_url")
    func realTimeBidders() {
        let index = BuyerIndex()
        var bidder = Self.buyer("rtb")
        bidder.bidURL = "http://127.0.0.1:9/bid"
        index.upsert(Self.buyer("static"))
        #expect(!index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "CA"))
        index.upsert(bidder)
        #expect(index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "CA"))
        #expect(!index.hasRealTimeBidders(tenantID: "ten_2", campaignType: .legalPI, state: "CA"))
        bidder.status = .paused
        bidder.revision = 2
        index.upsert(bidder)
        #expect(!index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "CA"))
        bidder.status = .active
        bidder.states = ["NV"]
        bidder.revision = 3
        index.upsert(bidder)
        #expect(!index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "CA"))
        #expect(index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "NV"))
        bidder.bidURL = nil
        bidder.revision = 4
        index.upsert(bidder)
        #expect(!index.hasRealTimeBidders(tenantID: "ten_1", campaignType: .legalPI, state: "NV"))
    }

    @Test("matches by tenant, campaign type and state")
    func matchBySlot() {
        let index = BuyerIndex(buyers: [
            Self.buyer("pi_ca", types: [.legalPI], states: ["CA"]),
            Self.buyer("pi_ny", types: [.legalPI], states: ["NY"]),
            Self.buyer("solar_ca", types: [.solar], states: ["CA"]),
            Self.buyer("multi", types: [.legalPI, .solar], states: ["CA", "NY"]),
        ])
        #expect(index.count == 4)
        #expect(Set(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil))) == ["pi_ca", "multi"])
        #expect(Set(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "NY", zipCode: nil))) == ["pi_ny", "multi"])
        #expect(Set(self.ids(index.match(tenantID: "ten_1", campaignType: .solar, state: "CA", zipCode: nil))) == ["solar_ca", "multi"])
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .solar, state: "NY", zipCode: nil)) == ["multi"])
        #expect(index.match(tenantID: "ten_1", campaignType: .mortgage, state: "CA", zipCode: nil).isEmpty)
        #expect(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "TX", zipCode: nil).isEmpty)
    }

    @Test("other tenants' buyers never match")
    func tenantIsolation() {
        let index = BuyerIndex(buyers: [
            Self.buyer("mine", tenant: "ten_1", price: 100),
            Self.buyer("theirs", tenant: "ten_2", price: 999_999),
        ])
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["mine"])
        #expect(self.ids(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "CA")) == ["mine"])
        #expect(self.ids(index.match(tenantID: "ten_2", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["theirs"])
        #expect(index.match(tenantID: "ten_3", campaignType: .legalPI, state: "CA", zipCode: nil).isEmpty)
    }

    @Test("highest max price first; ties go to the older buyer, then by id, whatever the insertion order")
    func ordering() {
        let buyers = [
            Self.buyer("cheap", price: 100, createdOffset: 0),
            Self.buyer("rich", price: 9_000, createdOffset: 50),
            Self.buyer("tie_new", price: 5_000, createdOffset: 30),
            Self.buyer("tie_old", price: 5_000, createdOffset: 10),
            Self.buyer("tie_old_b", price: 5_000, createdOffset: 10),
            Self.buyer("tie_old_a", price: 5_000, createdOffset: 10),
        ]
        let expected = ["rich", "tie_old", "tie_old_a", "tie_old_b", "tie_new", "cheap"]
        for order in [buyers, buyers.reversed(), [buyers[3], buyers[0], buyers[5], buyers[1], buyers[4], buyers[2]]] {
            let index = BuyerIndex(buyers: order)
            #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == expected)
            #expect(self.ids(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "CA")) == expected)
        }
    }

    @Test("a ZIP allow-list limits a buyer; without one every ZIP (and no ZIP) matches")
    func zipFiltering() {
        let index = BuyerIndex(buyers: [
            Self.buyer("everywhere", price: 100),
            Self.buyer("beverly_hills", price: 500, zips: ["90210", "90211"]),
        ])
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: "90210")) == ["beverly_hills", "everywhere"])
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: "94103")) == ["everywhere"])
        // A lead without a ZIP cannot satisfy an allow-list.
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["everywhere"])
        #expect(self.ids(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "CA")) == ["beverly_hills", "everywhere"])

        let buyer = Self.buyer("b", zips: ["90210"])
        #expect(buyer.accepts(zipCode: "90210"))
        #expect(!buyer.accepts(zipCode: "90211"))
        #expect(!buyer.accepts(zipCode: nil))
        #expect(Self.buyer("c").accepts(zipCode: nil))
    }

    @Test("paused buyers are excluded from matching but listed as candidates")
    func pausedBuyers() {
        let index = BuyerIndex(buyers: [
            Self.buyer("active", price: 100),
            Self.buyer("paused", price: 900, status: .paused),
        ])
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["active"])
        #expect(self.ids(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "CA")) == ["paused", "active"])

        // Resuming brings it back into matching, at its price rank.
        var resumed = Self.buyer("paused", price: 900, revision: 2)
        resumed.status = .active
        index.upsert(resumed)
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["paused", "active"])
    }

    @Test("an update that moves a buyer between states and types leaves no trace in the old slots")
    func moveBetweenSlots() {
        let index = BuyerIndex(buyers: [Self.buyer("mover", types: [.legalPI, .solar], states: ["CA", "NV"])])
        let moved = Self.buyer("mover", types: [.mortgage], states: ["NY"], revision: 2)
        index.upsert(moved)

        #expect(index.count == 1)
        for type in [CampaignType.legalPI, .solar] {
            for state in ["CA", "NV"] {
                #expect(index.candidates(tenantID: "ten_1", campaignType: type, state: state).isEmpty)
            }
        }
        #expect(index.match(tenantID: "ten_1", campaignType: .mortgage, state: "NY", zipCode: nil) == [moved])
        // Half-overlapping move: stays in the shared slot exactly once.
        let again = Self.buyer("mover", types: [.mortgage], states: ["NY", "NJ"], revision: 3)
        index.upsert(again)
        #expect(index.candidates(tenantID: "ten_1", campaignType: .mortgage, state: "NY") == [again])
        #expect(index.candidates(tenantID: "ten_1", campaignType: .mortgage, state: "NJ") == [again])
    }

    @Test("a price change re-ranks the buyer within its slot")
    func priceChangeReRanks() {
        let index = BuyerIndex(buyers: [Self.buyer("a", price: 300), Self.buyer("b", price: 200), Self.buyer("c", price: 100)])
        index.upsert(Self.buyer("c", price: 1_000, revision: 2))
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["c", "a", "b"])
        index.upsert(Self.buyer("a", price: 50, revision: 2))
        #expect(self.ids(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil)) == ["c", "b", "a"])
    }

    @Test("an older revision never overwrites a newer one")
    func staleRevisionIgnored() {
        let index = BuyerIndex()
        let newer = Self.buyer("b", states: ["NY"], price: 700, revision: 5)
        index.upsert(newer)
        index.upsert(Self.buyer("b", states: ["CA"], price: 100, revision: 4))
        index.upsert(Self.buyer("b", states: ["TX"], price: 100, revision: 1))

        #expect(index.count == 1)
        #expect(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "CA").isEmpty)
        #expect(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "TX").isEmpty)
        #expect(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "NY", zipCode: nil) == [newer])

        let newest = Self.buyer("b", states: ["NY"], price: 800, revision: 6)
        index.upsert(newest)
        #expect(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "NY", zipCode: nil) == [newest])
    }

    @Test("updates applied concurrently out of order end at the newest revision")
    func concurrentUpserts() async {
        let index = BuyerIndex()
        await withTaskGroup(of: Void.self) { group in
            for revision in (1...200).shuffled() {
                group.addTask {
                    index.upsert(Self.buyer("b", states: [revision.isMultiple(of: 2) ? "CA" : "NV"], price: Int64(revision), revision: Int64(revision)))
                }
            }
        }
        #expect(index.count == 1)
        #expect(index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil).map(\.revision) == [200])
        #expect(index.candidates(tenantID: "ten_1", campaignType: .legalPI, state: "NV").isEmpty)
    }
}
