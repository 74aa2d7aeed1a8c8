import Foundation
import LeadEngine
import Testing

@Suite("Store contract: closing months into invoices, through Ledger")
struct InvoiceContractTests {
    static let april = BillingPeriod(year: 2026, month: 4)!
    static let may = BillingPeriod(year: 2026, month: 5)!

    /// In April: two sales to invoiced b1 (one refunded), one to prepaid b2; in May, one more to b1.
    static func prepareApril(_ s: EngineStore) async throws {
        try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2", billing: BillingTerms(mode: .prepaid))])
        _ = try await s.ledger.addCredit(Fixtures.credit("cred_0", cents: 5_000, buyerID: "b2"))
        try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b1", priceCents: 2_500))
        try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b1", priceCents: 2_500))
        try await s.sales.commit(SaleFixtures.sale(3, buyerID: "b2", priceCents: 1_000))
        _ = try await s.ledger.refund(leadID: "lead_2", tenantID: "ten_1") { lead, charge in
            try LeadPlans.refund(lead, charge, id: "ref_2", at: Times.base + 1_000)
        }
        try await s.sales.commit(SaleFixtures.sale(4, buyerID: "b1", priceCents: 700, at: Self.may.startMilliseconds + 1_000))
    }

    static func ledger(_ s: EngineStore, clock: ManualClock) -> Ledger {
        Ledger(repository: s.ledger, sales: s.salesFigures, funds: BuyerFunds(), clock: clock)
    }

    static func invoices(_ s: EngineStore, buyerID: String?) async throws -> [Invoice] {
        try await s.ledger.invoices(tenantID: "ten_1", buyerID: buyerID, page: PageRequest(page: 1, perPage: 100)).items
    }

    @Test("a finished month gets one invoice per active buyer and one for the tenant; a second run makes none", arguments: StoreUnderTest.all)
    func closesOnce(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepareApril(s)
            let clock = ManualClock(milliseconds: Self.may.startMilliseconds + Times.day)
            let ledger = Self.ledger(s, clock: clock)
            #expect(try await ledger.closeMonths() == 3)

            let now = clock.now()
            let b1 = try await Self.invoices(s, buyerID: "b1")
            #expect(b1.map { [$0.period.description, "\($0.amountCents)", "\($0.leads)", $0.status.rawValue] } == [["2026-04", "2500", "2", "open"]])
            let b2 = try await Self.invoices(s, buyerID: "b2")
            #expect(b2.map { [$0.period.description, "\($0.amountCents)", "\($0.leads)", $0.status.rawValue] } == [["2026-04", "1000", "1", "paid"]])
            #expect(b2.first?.paidAt == now, "a prepaid buyer's statement is paid when made")
            let tenant = try await Self.invoices(s, buyerID: nil)
            #expect(tenant.map { [$0.period.description, "\($0.amountCents)", "\($0.leads)", $0.status.rawValue] } == [["2026-04", "3500", "3", "open"]])
            #expect(tenant.first?.buyerID == nil && tenant.first?.createdAt == now)
            #expect(Set(try await s.ledger.openInvoices(tenantID: "ten_1").map(\.id)) == Set((b1 + tenant).map(\.id)))
            #expect(try await s.ledger.lastInvoicedPeriod(tenantID: "ten_1") == Self.april)

            clock.advance(byMilliseconds: Times.day)
            #expect(try await ledger.closeMonths() == 0)
            #expect(try await ledger.closeMonths(tenantID: "ten_1") == 0)
            #expect(try await Self.invoices(s, buyerID: "b1") == b1)
            #expect(try await Self.invoices(s, buyerID: nil) == tenant)
        }
    }

    @Test("closings run at once (several nodes) still make one invoice per tenant, buyer and month", arguments: StoreUnderTest.all)
    func concurrentClosings(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepareApril(s)
            let clock = ManualClock(milliseconds: Self.may.startMilliseconds + Times.day)
            let made = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await Self.ledger(s, clock: clock).closeMonths() } }
                return try await group.reduce(0, +)
            }
            #expect(made == 3)
            #expect(try await Self.invoices(s, buyerID: "b1").count == 1)
            #expect(try await Self.invoices(s, buyerID: "b2").count == 1)
            #expect(try await Self.invoices(s, buyerID: nil).count == 1)
        }
    }

    @Test("a credit covering what an invoiced buyer owed at the month's end pays its invoice, then the tenant's", arguments: StoreUnderTest.all)
    func paidAfterCredit(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepareApril(s)
            let clock = ManualClock(milliseconds: Self.may.startMilliseconds + Times.day)
            let ledger = Self.ledger(s, clock: clock)
            _ = try await ledger.closeMonths()
            #expect(try await s.ledger.standing(buyerID: "b1", beforeMilliseconds: Self.april.endMilliseconds) == BuyerStanding(creditedCents: 0, owedCents: 2_500))

            clock.advance(byMilliseconds: Times.day)
            _ = try await ledger.addCredit(amountCents: 2_499, reason: "partial", buyerID: "b1", tenantID: "ten_1")
            #expect(try await Self.invoices(s, buyerID: "b1").map(\.status) == [.open])
            clock.advance(byMilliseconds: Times.day)
            _ = try await ledger.addCredit(amountCents: 1, reason: "the rest", buyerID: "b1", tenantID: "ten_1")

            let b1 = try #require(try await Self.invoices(s, buyerID: "b1").first)
            #expect(b1.status == .paid && b1.paidAt == clock.now())
            let tenant = try #require(try await Self.invoices(s, buyerID: nil).first)
            #expect(tenant.status == .paid && tenant.paidAt == clock.now())
            #expect(try await s.ledger.openInvoices(tenantID: "ten_1").isEmpty)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("activity sums a month's charges and refunds per buyer with its billing mode; months without any are skipped", arguments: StoreUnderTest.all)
    func activity(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Self.prepareApril(s)
            let activity = try await s.ledger.buyerActivity(
                tenantID: "ten_1", fromMilliseconds: Self.april.startMilliseconds, toMilliseconds: Self.april.endMilliseconds
            )
            #expect(
                activity.sorted { $0.buyerID < $1.buyerID } == [
                    BuyerBillingActivity(buyerID: "b1", mode: .invoiced, charges: 2, chargedCents: 5_000, refundedCents: 2_500),
                    BuyerBillingActivity(buyerID: "b2", mode: .prepaid, charges: 1, chargedCents: 1_000, refundedCents: 0),
                ]
            )
            #expect(
                try await s.ledger.firstBuyerEntry(tenantID: "ten_1", fromMilliseconds: Int64.min, toMilliseconds: Self.may.startMilliseconds)
                    == Times.base + 1
            )
            #expect(
                try await s.ledger.firstBuyerEntry(tenantID: "ten_1", fromMilliseconds: Self.may.startMilliseconds, toMilliseconds: Int64.max)
                    == Self.may.startMilliseconds + 1_000
            )
            #expect(try await s.ledger.firstBuyerEntry(tenantID: "ten_2", fromMilliseconds: Int64.min, toMilliseconds: Int64.max) == nil)
            #expect(try await s.ledger.lastInvoicedPeriod(tenantID: "ten_1") == nil)
        }
    }
}
