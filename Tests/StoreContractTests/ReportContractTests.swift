import Foundation
import LeadEngine
import Testing

@Suite("Store contract: sales figures and exports")
struct ReportContractTests {
    static let april = BillingPeriod(year: 2026, month: 4)!
    static let may = BillingPeriod(year: 2026, month: 5)!

    /// In April: three sales (one through camp_1 returned, one through camp_1 accepted) and two
    /// inbound leads, one a duplicate; in May, an admin refund of an April sale.
    static func prepare(_ s: EngineStore) async throws {
        try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2")])
        try await s.campaigns.insert(Fixtures.campaign("camp_1", buyerID: "b1"))
        try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b1", priceCents: 2_500, webhook: false, campaignID: "camp_1"))
        try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b2", priceCents: 1_000, webhook: false))
        try await s.sales.commit(SaleFixtures.sale(3, buyerID: "b1", priceCents: 500, webhook: false, campaignID: "camp_1"))
        _ = try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base + 100) { context in
            try LeadPlans.returned(context, at: Times.base + 100, refundID: "ref_1")
        }
        _ = try await s.leads.update(id: "lead_3", tenantID: "ten_1") { lead in
            lead.status = .accepted
            lead.acceptedAt = Times.at(200)
            lead.billingEventID = "bill_3"
            return [LeadEvent(.accepted, detail: ["billing_event_id": "bill_3"], at: Times.at(200))]
        }
        _ = try await LeadContractTests.intake(s, "lead_in_1", email: "in@example.test")
        _ = try await LeadContractTests.intake(s, "lead_in_2", email: "in@example.test")
        _ = try await s.ledger.refund(leadID: "lead_2", tenantID: "ten_1") { lead, charge in
            try LeadPlans.refund(lead, charge, id: "ref_2", at: Self.may.startMilliseconds + 1_000)
        }
    }

    @Test("sales count in the month they were sold, refunds in the month they were made, by tenant, buyer and campaign", arguments: StoreUnderTest.all)
    func salesFigures(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepare(s)
            let figures = s.salesFigures
            #expect(
                try await figures.tenantFigures(tenantID: "ten_1", period: Self.april)
                    == SalesFigures(sold: 3, grossCents: 4_000, returned: 1, returnedCents: 2_500, explicitlyAccepted: 1, refundsCents: 2_500)
            )
            #expect(try await figures.tenantFigures(tenantID: "ten_1", period: Self.may) == SalesFigures(refundsCents: 1_000))
            #expect(try await figures.tenantFigures(tenantID: "ten_1", period: nil).refundsCents == 3_500)
            #expect(try await figures.tenantFigures(tenantID: "ten_2", period: nil) == .zero)

            let buyers = try await figures.salesFigures(tenantID: "ten_1", by: .buyer, ids: nil, period: Self.april)
            #expect(buyers["b1"] == SalesFigures(sold: 2, grossCents: 3_000, returned: 1, returnedCents: 2_500, explicitlyAccepted: 1, refundsCents: 2_500))
            #expect(buyers["b2"] == SalesFigures(sold: 1, grossCents: 1_000))
            #expect(try await figures.salesFigures(tenantID: "ten_1", by: .buyer, ids: ["b2"], period: Self.may) == ["b2": SalesFigures(refundsCents: 1_000)])
            #expect(try await figures.salesFigures(tenantID: "ten_1", by: .buyer, ids: [], period: nil).isEmpty)

            let campaigns = try await figures.salesFigures(tenantID: "ten_1", by: .campaign, ids: nil, period: nil)
            #expect(campaigns == ["camp_1": SalesFigures(sold: 2, grossCents: 3_000, returned: 1, returnedCents: 2_500, explicitlyAccepted: 1, refundsCents: 2_500)])

            #expect(try await figures.leadCounts(tenantID: "ten_1", period: Self.april) == LeadCounts(created: 5, rejectedOrDuplicate: 1, sold: 3))
            #expect(try await figures.leadCounts(tenantID: "ten_1", period: Self.may) == LeadCounts())
        }
    }

    @Test("the funnel by UTC day: each day's leads and sales, midnight splitting them, the days adding up to the month's counts", arguments: StoreUnderTest.all)
    func funnelByDay(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepare(s)
            let day = Times.base / DailyLeadFunnel.millisecondsPerDay
            let midnight = (day + 1) * DailyLeadFunnel.millisecondsPerDay
            _ = try await LeadContractTests.intake(s, "lead_late", phone: "+17025550177", email: "late@example.test", at: midnight - 1)
            _ = try await LeadContractTests.intake(s, "lead_next", phone: "+17025550178", email: "next@example.test", at: midnight)
            let figures = s.salesFigures
            let days = try await figures.leadFunnelByDay(tenantID: "ten_1", period: Self.april)
            #expect(days.map(\.day) == ["2026-04-12", "2026-04-13"])
            #expect(days.first == DailyLeadFunnel(epochDay: day, created: 6, rejectedOrDuplicate: 1, sold: 3, sales: 3, returned: 1))
            #expect(days.last == DailyLeadFunnel(epochDay: day + 1, created: 1))
            let month = try await figures.leadCounts(tenantID: "ten_1", period: Self.april)
            let sales = try await figures.tenantFigures(tenantID: "ten_1", period: Self.april)
            #expect(days.reduce(0) { $0 + $1.created } == month.created && days.reduce(0) { $0 + $1.qualified } == month.qualified)
            #expect(days.reduce(0) { $0 + $1.sold } == month.sold)
            #expect(days.reduce(0) { $0 + $1.sales } == sales.sold && days.reduce(0) { $0 + $1.returned } == sales.returned)
            #expect(days.reduce(0) { $0 + $1.accepted } == sales.accepted)
            #expect(try await figures.leadFunnelByDay(tenantID: "ten_1", period: Self.may).isEmpty, "the May refund is money, not a sale")
            #expect(try await figures.leadFunnelByDay(tenantID: "ten_2", period: Self.april).isEmpty)
        }
    }

    @Test("exports read every row once, oldest first (ties by id), in keyset batches, filtered, within the tenant", arguments: StoreUnderTest.all)
    func exports(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepare(s)
            try await s.pings.save([SaleFixtures.ping("ping_solar", type: .solar), SaleFixtures.ping("ping_other", tenantID: "ten_2")])
            let exports = ReportExports(repository: s.exports, batchSize: 2)

            var leads: [String] = []
            try await exports.leads(tenantID: "ten_1", filter: LeadFilter()) { leads += $0.map(\.id) }
            #expect(leads == ["lead_in_1", "lead_in_2", "lead_1", "lead_2", "lead_3"])
            var duplicates: [Lead] = []
            try await exports.leads(tenantID: "ten_1", filter: LeadFilter(status: .duplicate)) { duplicates += $0 }
            #expect(duplicates == [try #require(try await s.leads.lead(id: "lead_in_2", tenantID: "ten_1"))])

            var entries: [LedgerEntry] = []
            try await exports.transactions(tenantID: "ten_1", filter: LedgerFilter()) { entries += $0 }
            #expect(entries.map(\.id) == ["txn_1", "txn_2", "txn_3", "ref_1", "ref_2"])
            #expect(entries == (try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest())).items.reversed())

            var pings: [Ping] = []
            try await exports.pings(tenantID: "ten_1", filter: PingFilter(campaignType: .solar)) { pings += $0 }
            #expect(pings == [SaleFixtures.ping("ping_solar", type: .solar)])
            var all: [String] = []
            try await exports.pings(tenantID: "ten_1", filter: PingFilter(createdBefore: Times.at(0))) { all += $0.map(\.id) }
            #expect(Set(all) == ["ping_1", "ping_2", "ping_3", "ping_solar"])
            #expect(all.count == 4)
        }
    }
}
