import Foundation
import LeadEngine
import Testing

@Suite("Store contract: buyers")
struct BuyerContractTests {
    static let full = Buyer(
        id: "buyer_full", tenantID: "ten_1", name: "Full Buyer", campaignTypes: [.autoInsurance, .legalPI], states: ["CA", "DC", "NY"],
        maxPriceCents: 12_345, webhookURL: "https://hooks.example.com/leads", webhookSecret: "whsec_abc", bidURL: "https://bids.example.com/ping",
        bidTimeoutMilliseconds: 1_750, exclusivity: .exclusive, zipCodes: ["00501", "10001", "90210"], dailyCap: 0, timeZone: "America/Denver",
        billing: BillingTerms(mode: .invoiced, creditLimitCents: 50_000, returnWindowHours: 48, maxReturnPercent: 10), requireDNCClear: true,
        status: .paused, revision: 7, createdAt: Times.at(1), updatedAt: Times.at(2_345)
    )

    static let sparse = Buyer(
        id: "buyer_sparse", tenantID: "ten_1", name: "Sparse", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 0,
        createdAt: Times.at(3), updatedAt: Times.at(3)
    )

    @Test("every field round-trips, nil optionals and an empty ZIP list included", arguments: StoreUnderTest.all)
    func roundTrip(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [])
            var emptyZips = Self.sparse
            emptyZips.id = "buyer_nozips"
            emptyZips.zipCodes = []
            emptyZips.billing = BillingTerms(mode: .prepaid)
            for buyer in [Self.full, Self.sparse, emptyZips] { try await s.buyers.insert(buyer) }
            #expect(try await s.buyers.buyer(id: "buyer_full", tenantID: "ten_1") == Self.full)
            #expect(try await s.buyers.buyer(id: "buyer_sparse", tenantID: "ten_1") == Self.sparse)
            #expect(try await s.buyers.buyer(id: "buyer_nozips", tenantID: "ten_1") == emptyZips, "no ZIP allowed is not every ZIP allowed")
            let all = try await s.buyers.allBuyers()
            #expect(Set(all.map(\.id)) == ["buyer_full", "buyer_sparse", "buyer_nozips"])
            #expect(all.first { $0.id == "buyer_full" } == Self.full)
        }
    }

    @Test("a duplicate id is refused, even in another tenant", arguments: StoreUnderTest.all)
    func duplicateID(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Self.sparse])
            var copy = Self.sparse
            copy.tenantID = "ten_2"
            await #expect(throws: (any Error).self) { try await s.buyers.insert(copy) }
            #expect(try await s.buyers.buyer(id: Self.sparse.id, tenantID: "ten_2") == nil)
            #expect(try await s.buyers.buyer(id: Self.sparse.id, tenantID: "ten_1") == Self.sparse)
        }
    }

    @Test("another tenant's buyer reads, updates and lists as missing", arguments: StoreUnderTest.all)
    func tenantScoping(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Self.full])
            #expect(try await s.buyers.buyer(id: "buyer_full", tenantID: "ten_2") == nil)
            #expect(try await s.buyers.update(id: "buyer_full", tenantID: "ten_2") { $0.name = "stolen" } == nil)
            #expect(try await s.buyers.buyer(id: "buyer_full", tenantID: "ten_1") == Self.full)
            #expect(try await s.buyers.buyers(tenantID: "ten_2", filter: BuyerFilter(), page: PageRequest()).total == 0)
            #expect(try await s.buyers.update(id: "buyer_missing", tenantID: "ten_1") { $0.name = "x" } == nil)
            #expect(try await s.buyers.performance(buyerIDs: ["buyer_full"], tenantID: "ten_2").isEmpty)
        }
    }

    @Test("listing pages newest first (ties by id, descending) with the total", arguments: StoreUnderTest.all)
    func paging(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [])
            for index in 1...5 { try await s.buyers.insert(Fixtures.buyer("buyer_\(index)", offset: Int64(index) * 1_000)) }
            try await s.buyers.insert(Fixtures.buyer("buyer_5b", offset: 5_000))
            try await s.buyers.insert(Fixtures.buyer("buyer_other", tenantID: "ten_2", offset: 9_000))

            func page(_ number: Int) async throws -> Page<Buyer> {
                try await s.buyers.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: number, perPage: 2))
            }
            #expect(try await page(1).items.map(\.id) == ["buyer_5b", "buyer_5"])
            #expect(try await page(2).items.map(\.id) == ["buyer_4", "buyer_3"])
            #expect(try await page(3).items.map(\.id) == ["buyer_2", "buyer_1"])
            let beyond = try await page(4)
            #expect(beyond.items.isEmpty && beyond.total == 6)
            #expect(try await page(1).total == 6)
            #expect(try await page(1).request == PageRequest(page: 1, perPage: 2))
        }
    }

    @Test("filters by status, campaign type and state, alone and together, never by substring", arguments: StoreUnderTest.all)
    func filters(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [])
            try await s.buyers.insert(Fixtures.buyer("pi_ca", types: [.legalPI], states: ["CA"], offset: 1))
            try await s.buyers.insert(Fixtures.buyer("pi_ssdi_ny", types: [.legalPI, .legalSSDI], states: ["NY", "NJ"], offset: 2))
            try await s.buyers.insert(Fixtures.buyer("solar_ca_paused", types: [.solar], states: ["CA", "VA"], status: .paused, offset: 3))
            try await s.buyers.insert(Fixtures.buyer("wv", types: [.homeInsurance], states: ["WV"], offset: 4))
            try await s.buyers.insert(Fixtures.buyer("other_tenant", tenantID: "ten_2", types: [.legalPI], states: ["CA"], offset: 5))

            func ids(_ filter: BuyerFilter) async throws -> [String] {
                let page = try await s.buyers.buyers(tenantID: "ten_1", filter: filter, page: PageRequest(page: 1, perPage: 100))
                #expect(page.total == page.items.count)
                return page.items.map(\.id)
            }
            #expect(try await ids(BuyerFilter()) == ["wv", "solar_ca_paused", "pi_ssdi_ny", "pi_ca"])
            #expect(try await ids(BuyerFilter(status: .paused)) == ["solar_ca_paused"])
            #expect(try await ids(BuyerFilter(campaignType: .legalPI)) == ["pi_ssdi_ny", "pi_ca"])
            #expect(try await ids(BuyerFilter(campaignType: .legalSSDI)) == ["pi_ssdi_ny"])
            #expect(try await ids(BuyerFilter(campaignType: .autoInsurance)).isEmpty, "home_insurance is not auto_insurance")
            #expect(try await ids(BuyerFilter(state: "NJ")) == ["pi_ssdi_ny"])
            #expect(try await ids(BuyerFilter(state: "V")).isEmpty)
            #expect(try await ids(BuyerFilter(state: "VA")) == ["solar_ca_paused"])
            #expect(try await ids(BuyerFilter(status: .active, campaignType: .legalPI, state: "CA")) == ["pi_ca"])
        }
    }

    @Test("an update writes every field the transform changed; a transform that throws writes nothing", arguments: StoreUnderTest.all)
    func update(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Self.full])
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await s.buyers.update(id: Self.full.id, tenantID: "ten_1") { buyer in
                    buyer.name = "half-done"
                    buyer.revision += 1
                    throw Refused()
                }
            }
            #expect(try await s.buyers.buyer(id: Self.full.id, tenantID: "ten_1") == Self.full)

            var expected = Self.sparse
            expected.id = Self.full.id
            expected.createdAt = Self.full.createdAt
            expected.revision = 8
            let target = expected
            let updated = try await s.buyers.update(id: Self.full.id, tenantID: "ten_1") { buyer in
                let createdAt = buyer.createdAt
                buyer = target
                buyer.createdAt = createdAt
            }
            #expect(updated == expected)
            #expect(try await s.buyers.buyer(id: Self.full.id, tenantID: "ten_1") == expected)
        }
    }

    @Test("40 concurrent read-modify-write updates all land: each transform sees the one before", arguments: StoreUnderTest.all)
    func concurrentUpdates(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            var initial = Self.sparse
            initial.dailyCap = 0
            let start = initial
            try await Fixtures.seed(s, buyers: [start])
            let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let updated = try await s.buyers.update(id: start.id, tenantID: "ten_1") { buyer in
                            buyer.revision += 1
                            buyer.dailyCap = (buyer.dailyCap ?? 0) + 1
                        }
                        return try #require(updated).revision
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(Set(revisions) == Set(2...41))
            let final = try #require(try await s.buyers.buyer(id: start.id, tenantID: "ten_1"))
            #expect(final.revision == 41 && final.dailyCap == 40)
        }
    }
}
