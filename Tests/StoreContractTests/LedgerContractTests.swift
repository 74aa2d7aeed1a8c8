import Foundation
import LeadEngine
import Testing

@Suite("Store contract: the ledger and its balances")
struct LedgerContractTests {
    @Test("credits raise their account's balance and carry the balance after them; listings, totals and accounts agree", arguments: StoreUnderTest.all)
    func credits(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1", billing: BillingTerms(mode: .prepaid)), Fixtures.buyer("b2")])
            let first = try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 1_000, buyerID: "b1", offset: 1))
            let second = try await s.ledger.addCredit(Fixtures.credit("cred_2", cents: 500, buyerID: "b1", offset: 2))
            let own = try await s.ledger.addCredit(Fixtures.credit("cred_3", cents: 700, buyerID: nil, offset: 3))
            var expected = Fixtures.credit("cred_1", cents: 1_000, buyerID: "b1", offset: 1)
            expected.balanceAfterCents = 1_000
            #expect(first == expected)
            #expect(second.balanceAfterCents == 1_500)
            #expect(own.balanceAfterCents == 700)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 1_500)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: nil) == 700)
            #expect(try await s.ledger.balance(tenantID: "ten_2", buyerID: "b1") == nil)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b_missing") == nil)

            // A charge puts b2 below zero: what it owes is no credit remaining.
            try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b2", priceCents: 300, at: Times.base + 4))
            #expect(try await s.ledger.creditsRemaining(tenantID: "ten_1") == 2_200)
            #expect(try await s.ledger.creditsRemaining(tenantID: "ten_2") == 0)

            let listed = try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest())
            #expect(listed.items.map(\.id) == ["txn_1", "cred_3", "cred_2", "cred_1"], "newest first")
            #expect(listed.items.first(where: { $0.id == "cred_2" }) == second)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(kind: .credit, buyerID: "b1"), page: PageRequest()).total == 2)
            #expect(try await s.ledger.entries(tenantID: "ten_2", filter: LedgerFilter(), page: PageRequest()).total == 0)
            let totals = try await s.ledger.totals(tenantID: "ten_1", buyerID: nil, fromMilliseconds: Times.base, toMilliseconds: Times.base + 4)
            #expect(totals == PeriodTotals(creditedCents: 2_200), "from inclusive, to exclusive")
            #expect(
                try await s.ledger.totals(tenantID: "ten_1", buyerID: "b2", fromMilliseconds: 0, toMilliseconds: Int64.max)
                    == PeriodTotals(charges: 1, chargedCents: 300)
            )
            let accounts = try await s.ledger.buyerAccounts()
            #expect(accounts.map { "\($0.buyerID) \($0.terms.mode) \($0.balanceCents)" }.sorted() == ["b1 prepaid 1500", "b2 invoiced -300"])
            #expect(try await s.ledger.tenantsWithBuyerEntries() == ["ten_1"])
        }
    }

    @Test("a credit to a buyer the tenant does not have is NotFoundError and writes nothing", arguments: StoreUnderTest.all)
    func creditUnknownBuyer(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            await #expect(throws: NotFoundError.self) { try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 100, buyerID: "b_missing")) }
            await #expect(throws: NotFoundError.self) {
                try await s.ledger.addCredit(Fixtures.credit("cred_2", cents: 100, buyerID: "b1", tenantID: "ten_2"))
            }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.ledger.entries(tenantID: "ten_2", filter: LedgerFilter(), page: PageRequest()).total == 0)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a lead's charge is refunded once: the second refund is refused with alreadyRefunded", arguments: StoreUnderTest.all)
    func refundOnce(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sales.commit(SaleFixtures.sale(1))
            let refund = try #require(
                try await s.ledger.refund(leadID: "lead_1", tenantID: "ten_1") { lead, charge in
                    #expect(charge?.id == "txn_1" && charge?.amountCents == 2_500)
                    return try LeadPlans.refund(lead, charge, id: "ref_1", at: Times.base + 100)
                }
            )
            #expect(refund.id == "ref_1" && refund.kind == .refund && refund.balanceAfterCents == 0)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.events.last?.kind == .refunded)

            await #expect(throws: StoreRefusal.alreadyRefunded(leadID: "lead_1")) {
                try await s.ledger.refund(leadID: "lead_1", tenantID: "ten_1") { lead, charge in
                    try LeadPlans.refund(lead, charge, id: "ref_2", at: Times.base + 200)
                }
            }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(kind: .refund), page: PageRequest()).total == 1)
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.events.filter { $0.kind == .refunded }.count == 1)

            #expect(try await s.ledger.refund(leadID: "lead_1", tenantID: "ten_2") { _, _ in throw LeadPlans.NotCharged() } == nil)
            #expect(try await s.ledger.refund(leadID: "lead_missing", tenantID: "ten_1") { _, _ in throw LeadPlans.NotCharged() } == nil)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a returned lead counts as refunded; a free lead has no charge to refund and the plan's refusal writes nothing", arguments: StoreUnderTest.all)
    func refundAfterReturn(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sales.commit(SaleFixtures.sale(1))
            try await s.sales.commit(SaleFixtures.sale(2, priceCents: 0))
            _ = try await s.leads.recordReturn(id: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base + 100) { context in
                try LeadPlans.returned(context, at: Times.base + 100, refundID: "ref_1")
            }
            await #expect(throws: StoreRefusal.alreadyRefunded(leadID: "lead_1")) {
                try await s.ledger.refund(leadID: "lead_1", tenantID: "ten_1") { lead, charge in
                    try LeadPlans.refund(lead, charge, id: "ref_2", at: Times.base + 200)
                }
            }
            let events = try #require(try await s.leads.details(id: "lead_2", tenantID: "ten_1")?.events)
            await #expect(throws: LeadPlans.NotCharged.self) {
                try await s.ledger.refund(leadID: "lead_2", tenantID: "ten_1") { lead, charge in
                    #expect(charge == nil)
                    return try LeadPlans.refund(lead, charge, id: "ref_3", at: Times.base + 300)
                }
            }
            #expect(try await s.leads.details(id: "lead_2", tenantID: "ten_1")?.events == events)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a prepaid buyer never goes below zero: the sale that would is refused with balanceBelowFloor and writes nothing", arguments: StoreUnderTest.all)
    func prepaidFloor(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1", billing: BillingTerms(mode: .prepaid))])
            await #expect(throws: StoreRefusal.balanceBelowFloor) { try await s.sales.commit(SaleFixtures.sale(1)) }
            try await s.sales.commit(SaleFixtures.sale(2, priceCents: 0))
            _ = try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 3_000, buyerID: "b1"))
            try await s.sales.commit(SaleFixtures.sale(3))
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 500)

            let refused = SaleFixtures.sale(4)
            await #expect(throws: StoreRefusal.balanceBelowFloor) { try await s.sales.commit(refused) }
            #expect(try await s.leads.lead(id: "lead_4", tenantID: "ten_1") == nil)
            #expect(try await s.pings.ping(id: refused.ping.id, tenantID: "ten_1") == nil)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 500)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).total == 2)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 2])
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).map(\.id) == ["msg_2", "msg_3"])
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("an invoiced buyer goes below zero down to its credit limit, and no further", arguments: StoreUnderTest.all)
    func invoicedCreditLimit(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(
                s,
                buyers: [
                    Fixtures.buyer("b1", billing: BillingTerms(mode: .invoiced, creditLimitCents: 5_000)),
                    Fixtures.buyer("b_unlimited", billing: BillingTerms(mode: .invoiced)),
                ]
            )
            try await s.sales.commit(SaleFixtures.sale(1))
            try await s.sales.commit(SaleFixtures.sale(2))
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)
            await #expect(throws: StoreRefusal.balanceBelowFloor) { try await s.sales.commit(SaleFixtures.sale(3)) }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)
            #expect(try await s.leads.lead(id: "lead_3", tenantID: "ten_1") == nil)

            _ = try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 2_500, buyerID: "b1"))
            try await s.sales.commit(SaleFixtures.sale(3))
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)

            for n in 10..<14 { try await s.sales.commit(SaleFixtures.sale(n, buyerID: "b_unlimited", priceCents: 1_000_000)) }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b_unlimited") == -4_000_000)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("terms that the balance already breaks are refused with balanceBelowFloor, and the buyer is unchanged", arguments: StoreUnderTest.all)
    func termsUnderTheBalance(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sales.commit(SaleFixtures.sale(1))
            let before = try #require(try await s.buyers.buyer(id: "b1", tenantID: "ten_1"))
            await #expect(throws: StoreRefusal.balanceBelowFloor) {
                try await s.buyers.update(id: "b1", tenantID: "ten_1") { $0.billing = BillingTerms(mode: .prepaid) }
            }
            await #expect(throws: StoreRefusal.balanceBelowFloor) {
                try await s.buyers.update(id: "b1", tenantID: "ten_1") { $0.billing.creditLimitCents = 1_000 }
            }
            #expect(try await s.buyers.buyer(id: "b1", tenantID: "ten_1") == before)
            let limited = try await s.buyers.update(id: "b1", tenantID: "ten_1") { $0.billing.creditLimitCents = 2_500 }
            #expect(limited?.billing.creditLimitCents == 2_500)
        }
    }

    @Test("after credits, charges, refunds, returns and refusals every balance is the sum of its entries", arguments: StoreUnderTest.all)
    func verifyAfterAMix(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(
                s,
                buyers: [
                    Fixtures.buyer("b1", billing: BillingTerms(mode: .prepaid)), Fixtures.buyer("b2"),
                    Fixtures.buyer("b3", billing: BillingTerms(mode: .invoiced, creditLimitCents: 1_000)),
                ]
            )
            try await s.buyers.insert(Fixtures.buyer("b4", tenantID: "ten_2"))
            _ = try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 10_000, buyerID: "b1"))
            _ = try await s.ledger.addCredit(Fixtures.credit("cred_2", cents: 400, buyerID: nil))
            _ = try await s.ledger.addCredit(Fixtures.credit("cred_3", cents: 900, buyerID: nil, tenantID: "ten_2"))
            try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b1", priceCents: 4_000))
            try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b2", priceCents: 1_500))
            try await s.sales.commit(SaleFixtures.sale(3, buyerID: "b3", priceCents: 900))
            try await s.sales.commit(SaleFixtures.sale(4, tenantID: "ten_2", buyerID: "b4", priceCents: 333))
            await #expect(throws: StoreRefusal.balanceBelowFloor) { try await s.sales.commit(SaleFixtures.sale(5, buyerID: "b3", priceCents: 900)) }
            _ = try await s.ledger.refund(leadID: "lead_1", tenantID: "ten_1") { lead, charge in
                try LeadPlans.refund(lead, charge, id: "ref_1", at: Times.base + 10)
            }
            _ = try await s.leads.recordReturn(id: "lead_2", tenantID: "ten_1", nowMilliseconds: Times.base + 20) { context in
                try LeadPlans.returned(context, at: Times.base + 20, refundID: "ref_2")
            }
            let verification = try await s.ledger.verify()
            #expect(verification.mismatches.isEmpty)
            #expect(verification.entriesChecked == 9)
            #expect(verification.accountsChecked == 6, "four buyers and two tenants")
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 10_000)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b2") == 0)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b3") == -900)
            #expect(try await s.ledger.balance(tenantID: "ten_2", buyerID: "b4") == -333)
            #expect(try await s.ledger.balance(tenantID: "ten_2", buyerID: nil) == 900)
        }
    }
}
