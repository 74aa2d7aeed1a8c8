import Foundation
import LeadEngine
import Testing

@Suite("Store contract: a buyer returning a lead")
struct LeadReturnContractTests {
    @Test("the plan is made from what the store holds and written whole: lead, events, refund, balance, sale status", arguments: StoreUnderTest.all)
    func recordReturn(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            let terms = BillingTerms(mode: .invoiced, creditLimitCents: 90_000, returnWindowHours: 48, maxReturnPercent: 50)
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1", billing: terms)])
            try await s.sales.commit(SaleFixtures.sale(1, webhook: false))
            try await s.sales.commit(SaleFixtures.sale(2, webhook: false))
            // Last month's sale does not count among this month's purchases.
            try await s.sales.commit(SaleFixtures.sale(3, webhook: false, at: Times.base - 30 * Times.day))
            let sold = try #require(try await s.leads.lead(id: "lead_1", tenantID: "ten_1"))
            let now = Times.base + 1_000

            let plan = try #require(
                try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_1", nowMilliseconds: now) { context in
                    #expect(context.lead == sold)
                    #expect(context.buyerTerms == terms)
                    #expect(context.purchasesThisMonth == 2)
                    #expect(context.returnsThisMonth == 0)
                    #expect(context.charge?.id == "txn_1" && context.charge?.amountCents == 2_500 && context.charge?.kind == .charge)
                    return try LeadPlans.returned(context, at: now, refundID: "ref_1", reason: .doNotCall)
                }
            )
            let details = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(details.lead == plan.lead)
            #expect(details.lead.status == .returned && details.lead.returnReason == .doNotCall)
            #expect(details.events.last == plan.events.last)
            var refund = try #require(plan.refund)
            refund.balanceAfterCents = -7_500 + 2_500
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(kind: .refund), page: PageRequest()).items == [refund])
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)
            #expect(try await s.doNotCall.isOnInternalDoNotCall(tenantID: "ten_1", phone: sold.contact.phone), "a do_not_call return lists the phone")
            #expect(try await !s.doNotCall.isOnInternalDoNotCall(tenantID: "ten_2", phone: sold.contact.phone))
            let figures = try await s.salesFigures.salesFigures(tenantID: "ten_1", by: .buyer, ids: ["b1"], period: nil)["b1"]
            #expect(figures?.sold == 3 && figures?.returned == 1 && figures?.returnedCents == 2_500)

            _ = try await s.leads.recordReturn(id: "lead_2", tenantID: "ten_1", nowMilliseconds: now + 1) { context in
                #expect(context.purchasesThisMonth == 2)
                #expect(context.returnsThisMonth == 1)
                return try LeadPlans.returned(context, at: now + 1, refundID: "ref_2")
            }
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a plan that refuses writes nothing; another tenant's or a missing lead is nil", arguments: StoreUnderTest.all)
    func refusedOrMissing(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sales.commit(SaleFixtures.sale(1, webhook: false))
            let before = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            let closed = ConflictError(code: "return_window_closed", detail: "closed")
            await #expect(throws: ConflictError.self) {
                try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base + 10) { _ in throw closed }
            }
            let after = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(after.lead == before.lead && after.events == before.events)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -2_500)
            #expect(try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_2", nowMilliseconds: Times.base) { _ in throw closed } == nil)
            #expect(try await s.leads.recordReturn(id: "lead_x", tenantID: "ten_1", nowMilliseconds: Times.base) { _ in throw closed } == nil)
        }
    }

    @Test("a lead sold at no price is returned without a refund", arguments: StoreUnderTest.all)
    func freeLeadReturn(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sales.commit(SaleFixtures.sale(1, priceCents: 0, webhook: false))
            let plan = try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base + 10) { context in
                #expect(context.charge == nil)
                return try LeadPlans.returned(context, at: Times.base + 10, refundID: "ref_1")
            }
            #expect(plan?.refund == nil)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1")?.status == .returned)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).total == 0)
        }
    }
}
