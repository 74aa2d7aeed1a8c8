import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

/// Buyer and campaign metrics computed from rows of the `sales` table.
@Suite("Sales performance aggregation")
struct PerformanceAggregationTests {
    struct Sale {
        var id: String
        var tenantID = "ten_1"
        var buyerID: String
        var campaignID: String?
        var price: Int64
        var status: String
        var responseMilliseconds: Int?
    }

    private func insert(_ sales: [Sale], into database: LeadDatabase) async throws {
        try await database.writer.write { db in
            for sale in sales {
                try db.execute(
                    sql: """
                        INSERT INTO sales (id, tenant_id, buyer_id, campaign_id, lead_id, price_cents, status, response_time_ms, sold_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [sale.id, sale.tenantID, sale.buyerID, sale.campaignID, "lead_\(sale.id)", sale.price, sale.status, sale.responseMilliseconds, Times.base]
                )
            }
        }
    }

    /// Two tenants; ten_1 has buyers b1, b2, b_idle and campaigns c1 (budget 10,000) and c_over (budget 1,000).
    private func prepare(_ database: LeadDatabase) async throws {
        try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
        let buyers = SQLiteBuyerRepository(database: database)
        for id in ["b1", "b2", "b_idle"] { try await buyers.insert(Fixtures.buyer(id, tenantID: "ten_1")) }
        try await buyers.insert(Fixtures.buyer("b_foreign", tenantID: "ten_2"))
        let campaigns = SQLiteCampaignRepository(database: database)
        try await campaigns.insert(Fixtures.campaign("c1", tenantID: "ten_1", budget: 10_000))
        try await campaigns.insert(Fixtures.campaign("c_over", tenantID: "ten_1", budget: 1_000))
        try await campaigns.insert(Fixtures.campaign("c_idle", tenantID: "ten_1", budget: 500))

        try await self.insert(
            [
                Sale(id: "s1", buyerID: "b1", campaignID: "c1", price: 1_000, status: "delivered", responseMilliseconds: 100),
                Sale(id: "s2", buyerID: "b1", campaignID: "c1", price: 2_000, status: "accepted", responseMilliseconds: 201),
                Sale(id: "s3", buyerID: "b1", campaignID: "c1", price: 3_000, status: "accepted", responseMilliseconds: nil),
                Sale(id: "s4", buyerID: "b1", campaignID: "c1", price: 4_000, status: "returned", responseMilliseconds: nil),
                Sale(id: "s5", buyerID: "b2", campaignID: "c_over", price: 1_500, status: "accepted", responseMilliseconds: 40),
                Sale(id: "s6", buyerID: "b2", campaignID: nil, price: 250, status: "returned", responseMilliseconds: 60),
                // Another tenant's sales never count for ten_1, even naming ten_1's buyer or campaign.
                Sale(id: "x1", tenantID: "ten_2", buyerID: "b_foreign", campaignID: nil, price: 99_999, status: "accepted"),
                Sale(id: "x2", tenantID: "ten_2", buyerID: "b1", campaignID: "c1", price: 77_777, status: "accepted", responseMilliseconds: 9_999),
            ],
            into: database
        )
    }

    @Test("buyer metrics: purchased, accepted (sold less returned), returned, gross spend, average response time")
    func buyerPerformance() async throws {
        try await withTemporaryDatabase { database async throws in
            try await self.prepare(database)
            let repository = SQLiteBuyerRepository(database: database)
            let performance = try await repository.performance(buyerIDs: ["b1", "b2", "b_idle", "b_foreign"], tenantID: "ten_1")

            let b1 = try #require(performance["b1"])
            // s1–s4: 10,000 gross, s4 returned, s2 and s3 accepted explicitly. No refund entries here.
            #expect(b1.sales == SalesFigures(sold: 4, grossCents: 10_000, returned: 1, returnedCents: 4_000, explicitlyAccepted: 2))
            #expect(b1.sales.accepted == 3)
            #expect(b1.sales.averageCostCents == 2_500)
            // (100 + 201) / 2 = 150.5, rounded; sales without a response time are left out.
            #expect(b1.averageResponseTimeMilliseconds == 151)
            #expect(b1.sales.acceptanceRate == 0.75)

            #expect(
                performance["b2"]
                    == BuyerPerformance(
                        sales: SalesFigures(sold: 2, grossCents: 1_750, returned: 1, returnedCents: 250, explicitlyAccepted: 1),
                        averageResponseTimeMilliseconds: 50
                    )
            )
            // No sales: no entry (the registry reports zeros); another tenant's buyer: nothing.
            #expect(performance["b_idle"] == nil)
            #expect(performance["b_foreign"] == nil)

            #expect(try await repository.performance(buyerIDs: [], tenantID: "ten_1").isEmpty)
        }
    }

    @Test("a buyer whose sales all lack a response time averages zero")
    func missingResponseTimes() async throws {
        try await withTemporaryDatabase { database async throws in
            try await self.prepare(database)
            try await self.insert([Sale(id: "n1", buyerID: "b_idle", price: 10, status: "delivered")], into: database)
            let performance = try await SQLiteBuyerRepository(database: database).performance(buyerIDs: ["b_idle"], tenantID: "ten_1")
            #expect(performance["b_idle"] == BuyerPerformance(sales: SalesFigures(sold: 1, grossCents: 10), averageResponseTimeMilliseconds: 0))
        }
    }

    @Test("buyer profiles and listings carry the computed performance")
    func buyerRegistryProfiles() async throws {
        try await withTemporaryDatabase { database async throws in
            try await self.prepare(database)
            let registry = BuyerRegistry(repository: SQLiteBuyerRepository(database: database), index: BuyerIndex(), clock: ManualClock())
            let profile = try await registry.profile(id: "b1", tenantID: "ten_1")
            #expect(profile.performance.sales.grossCents == 10_000)
            #expect(try await registry.profile(id: "b_idle", tenantID: "ten_1").performance == .none)

            let list = try await registry.list(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 1, perPage: 10))
            #expect(list.total == 3)
            let byID = Dictionary(uniqueKeysWithValues: list.items.map { ($0.buyer.id, $0.performance) })
            #expect(byID["b1"]?.sales.sold == 4)
            #expect(byID["b2"]?.sales.sold == 2)
            #expect(byID["b_idle"] == BuyerPerformance.none)
        }
    }

    @Test("campaign metrics: delivered, accepted, returned, revenue, acceptance rate, average cost, budget remaining")
    func campaignPerformance() async throws {
        try await withTemporaryDatabase { database async throws in
            try await self.prepare(database)
            let repository = SQLiteCampaignRepository(database: database)
            let performance = try await repository.performance(campaignIDs: ["c1", "c_over", "c_idle"], tenantID: "ten_1")

            let c1 = try #require(performance["c1"])
            #expect(c1 == CampaignPerformance(sales: SalesFigures(sold: 4, grossCents: 10_000, returned: 1, returnedCents: 4_000, explicitlyAccepted: 2)))
            #expect(c1.sales.acceptanceRate == 0.75)
            #expect(c1.sales.averageCostCents == 2_500)  // 10,000 over the 4 leads sold
            #expect(c1.budgetSpentCents == 6_000)  // the returned lead gave its 4,000 back
            #expect(performance["c_over"] == CampaignPerformance(sales: SalesFigures(sold: 1, grossCents: 1_500, explicitlyAccepted: 1)))
            #expect(performance["c_idle"] == nil)

            let registry = CampaignRegistry(repository: repository, buyers: SQLiteBuyerRepository(database: database), clock: ManualClock())
            let profile = try await registry.profile(id: "c1", tenantID: "ten_1")
            #expect(profile.budgetRemainingCents == 4_000)
            #expect(profile.performance.sales.averageCostCents == 2_500)
            // Over budget never reports a negative remainder.
            #expect(try await registry.profile(id: "c_over", tenantID: "ten_1").budgetRemainingCents == 0)
            let idle = try await registry.profile(id: "c_idle", tenantID: "ten_1")
            #expect(idle.performance == .none)
            #expect(idle.budgetRemainingCents == 500)

            let list = try await registry.list(tenantID: "ten_1", filter: CampaignFilter(), page: PageRequest())
            #expect(Dictionary(uniqueKeysWithValues: list.items.map { ($0.campaign.id, $0.budgetRemainingCents) }) == ["c1": 4_000, "c_over": 0, "c_idle": 500])
        }
    }
}
