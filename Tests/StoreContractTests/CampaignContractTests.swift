import Foundation
import LeadEngine
import Testing

@Suite("Store contract: campaigns")
struct CampaignContractTests {
    static let full = Campaign(
        id: "camp_full", tenantID: "ten_1", name: "Full Campaign", campaignType: .medicare, states: ["AZ", "DC", "FL"], budgetCents: 987_654,
        maxLeadsPerDay: 0, deliveryWebhook: "https://deliver.example.com/x?y=1", buyerID: "b1", requireDNCClear: true, status: .archived,
        createdAt: Times.at(10), updatedAt: Times.at(20_000)
    )

    static let sparse = Campaign(
        id: "camp_sparse", tenantID: "ten_1", name: "Sparse", campaignType: .education, states: ["WY"], budgetCents: 0,
        createdAt: Times.at(11), updatedAt: Times.at(11)
    )

    @Test("every field round-trips, nil optionals included; another tenant's campaign reads, updates and lists as missing", arguments: StoreUnderTest.all)
    func roundTripAndScoping(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.campaigns.insert(Self.full)
            try await s.campaigns.insert(Self.sparse)
            #expect(try await s.campaigns.campaign(id: "camp_full", tenantID: "ten_1") == Self.full)
            #expect(try await s.campaigns.campaign(id: "camp_sparse", tenantID: "ten_1") == Self.sparse)

            #expect(try await s.campaigns.campaign(id: "camp_full", tenantID: "ten_2") == nil)
            #expect(try await s.campaigns.update(id: "camp_full", tenantID: "ten_2") { $0.budgetCents = 0 } == nil)
            #expect(try await s.campaigns.campaign(id: "camp_full", tenantID: "ten_1") == Self.full)
            #expect(try await s.campaigns.campaigns(tenantID: "ten_2", filter: CampaignFilter(), page: PageRequest()).total == 0)
            #expect(try await s.campaigns.performance(campaignIDs: ["camp_full"], tenantID: "ten_2").isEmpty)
            await #expect(throws: (any Error).self) { try await s.campaigns.insert(Self.sparse) }
        }
    }

    @Test("listing pages newest first, filtered by status and campaign type", arguments: StoreUnderTest.all)
    func pagingAndFilters(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let rows: [(String, CampaignType, CampaignStatus)] = [
                ("c1", .legalPI, .active), ("c2", .solar, .paused), ("c3", .legalPI, .paused), ("c4", .legalMassTort, .archived), ("c5", .legalPI, .active),
            ]
            for (offset, row) in rows.enumerated() {
                try await s.campaigns.insert(Fixtures.campaign(row.0, type: row.1, status: row.2, offset: Int64(offset) * 100))
            }
            try await s.campaigns.insert(Fixtures.campaign("foreign", tenantID: "ten_2", offset: 10_000))

            func ids(_ filter: CampaignFilter, page: Int = 1, perPage: Int = 100) async throws -> [String] {
                let result = try await s.campaigns.campaigns(tenantID: "ten_1", filter: filter, page: PageRequest(page: page, perPage: perPage))
                return result.items.map(\.id) + ["total \(result.total)"]
            }
            #expect(try await ids(CampaignFilter()) == ["c5", "c4", "c3", "c2", "c1", "total 5"])
            #expect(try await ids(CampaignFilter(), page: 1, perPage: 2) == ["c5", "c4", "total 5"])
            #expect(try await ids(CampaignFilter(), page: 3, perPage: 2) == ["c1", "total 5"])
            #expect(try await ids(CampaignFilter(status: .paused)) == ["c3", "c2", "total 2"])
            #expect(try await ids(CampaignFilter(campaignType: .legalPI)) == ["c5", "c3", "c1", "total 3"])
            #expect(try await ids(CampaignFilter(status: .active, campaignType: .legalPI), page: 1, perPage: 1) == ["c5", "total 2"])
        }
    }

    @Test("an update is one transaction: a throwing transform writes nothing, 40 concurrent ones all land", arguments: StoreUnderTest.all)
    func updates(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.campaigns.insert(Self.full)
            try await s.campaigns.insert(Self.sparse)
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await s.campaigns.update(id: Self.full.id, tenantID: "ten_1") { campaign in
                    campaign.status = .active
                    campaign.budgetCents = 1
                    throw Refused()
                }
            }
            #expect(try await s.campaigns.campaign(id: Self.full.id, tenantID: "ten_1") == Self.full)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        _ = try await s.campaigns.update(id: Self.sparse.id, tenantID: "ten_1") { campaign in
                            campaign.budgetCents += 25
                            campaign.maxLeadsPerDay = (campaign.maxLeadsPerDay ?? 0) + 1
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try #require(try await s.campaigns.campaign(id: Self.sparse.id, tenantID: "ten_1"))
            #expect(final.budgetCents == 1_000 && final.maxLeadsPerDay == 40)
        }
    }

    @Test("a campaign's sales count in its performance and in the budgets loaded at start; a returned sale gives its price back", arguments: StoreUnderTest.all)
    func fundedCampaigns(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.campaigns.insert(Fixtures.campaign("camp_1", buyerID: "b1"))
            try await s.campaigns.insert(Fixtures.campaign("camp_unfunded"))
            // Yesterday's sale and two of today's, one of which comes back.
            try await s.sales.commit(SaleFixtures.sale(1, priceCents: 1_000, at: Times.base - Times.day, campaignID: "camp_1"))
            try await s.sales.commit(SaleFixtures.sale(2, priceCents: 2_000, at: Times.base + 10, campaignID: "camp_1"))
            try await s.sales.commit(SaleFixtures.sale(3, priceCents: 4_000, at: Times.base + 20, campaignID: "camp_1"))
            try await s.sales.commit(SaleFixtures.sale(4, priceCents: 8_000, at: Times.base + 30))
            _ = try await s.leads.recordReturn(id: "lead_3", tenantID: "ten_1", nowMilliseconds: Times.base + 40) { context in
                try LeadPlans.returned(context, at: Times.base + 40, refundID: "ref_3")
            }

            let funded = try await s.campaigns.fundedCampaigns(todayStartMilliseconds: Times.base)
            #expect(funded.map(\.campaign.id) == ["camp_1"])
            #expect(funded.first?.spentCents == 3_000)
            #expect(funded.first?.soldToday == 2)
            let performance = try await s.campaigns.performance(campaignIDs: ["camp_1", "camp_unfunded"], tenantID: "ten_1")
            #expect(performance["camp_1"]?.sales.sold == 3)
            #expect(performance["camp_1"]?.sales.returned == 1)
            #expect(performance["camp_1"]?.budgetSpentCents == 3_000)
            #expect((performance["camp_unfunded"] ?? .none) == .none)
        }
    }
}
