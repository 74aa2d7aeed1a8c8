import Foundation
import LeadEngine
import Testing

@Suite("Store contract: concurrent sales (group commit, balances under contention)")
struct ConcurrentSaleContractTests {
    @Test("50 concurrent sale commits all land, each whole, and the ledger still balances", arguments: StoreUnderTest.all)
    func fiftyConcurrentSales(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2")])
            let key = try await SaleFixtures.signingKey(s)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...50 {
                    group.addTask { try await s.sales.commit(SaleFixtures.sale(n, buyerID: n % 2 == 0 ? "b2" : "b1", priceCents: Int64(n) * 10, key: key)) }
                }
                try await group.waitForAll()
            }
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0, "b2": 0]) == ["b1": 25, "b2": 25])
            let odd = stride(from: 1, through: 49, by: 2).reduce(Int64(0)) { $0 + Int64($1) * 10 }
            let even = stride(from: 2, through: 50, by: 2).reduce(Int64(0)) { $0 + Int64($1) * 10 }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -odd)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b2") == -even)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(kind: .charge), page: PageRequest()).total == 50)
            #expect(try await s.leads.leads(tenantID: "ten_1", filter: LeadFilter(), page: PageRequest()).total == 50)
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 100).count == 50)
            for n in [1, 25, 50] {
                let details = try #require(try await s.leads.details(id: "lead_\(n)", tenantID: "ten_1"))
                #expect(details.events.count == 5 && details.consentRecords.count == 1 && details.deliveries.count == 1)
            }
            let verification = try await s.ledger.verify()
            #expect(verification.mismatches.isEmpty)
            #expect(verification.entriesChecked == 50)
        }
    }

    @Test("30 concurrent sales against a prepaid balance worth 20: exactly 20 land, 10 are refused, the balance ends at zero", arguments: StoreUnderTest.all)
    func prepaidBalanceUnderContention(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1", billing: BillingTerms(mode: .prepaid))])
            _ = try await s.ledger.addCredit(Fixtures.credit("cred_1", cents: 2_000, buyerID: "b1"))
            let refused = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 1...30 {
                    group.addTask {
                        do {
                            try await s.sales.commit(SaleFixtures.sale(n, priceCents: 100))
                            return 0
                        } catch StoreRefusal.balanceBelowFloor {
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(refused == 10)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 20])
            #expect(try await s.leads.leads(tenantID: "ten_1", filter: LeadFilter(), page: PageRequest()).total == 20)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("concurrent credits and charges on one account: none is lost", arguments: StoreUnderTest.all)
    func creditsAndChargesInterleaved(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...20 {
                    group.addTask { try await s.sales.commit(SaleFixtures.sale(n, priceCents: 300)) }
                    group.addTask { _ = try await s.ledger.addCredit(Fixtures.credit("cred_\(n)", cents: 200, buyerID: "b1")) }
                }
                try await group.waitForAll()
            }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 20 * (200 - 300))
            let entries = try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest(page: 1, perPage: 100)).items
            #expect(entries.count == 40 && entries.allSatisfy { $0.balanceAfterCents != nil })
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }
}
