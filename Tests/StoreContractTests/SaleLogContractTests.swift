import Foundation
import LeadEngine
import Testing

@Suite("Store contract: the sale log")
struct SaleLogContractTests {
    /// Folds until the store reports nothing logged; returns every fold. A store that commits a
    /// sale whole at `append` (several nodes share it, so limits and money are checked then) has
    /// nothing to fold; one that defers the tables (SQLite, one writer) fills them here.
    static func drain(_ s: EngineStore, limit: Int = 64) async throws -> [SaleLogFold] {
        var folds: [SaleLogFold] = []
        for _ in 0..<100 {
            folds.append(try await s.saleLog.materialise(limit: limit))
            if try await s.saleLog.backlog() == 0 { return folds }
        }
        Issue.record("the log never drained")
        return folds
    }

    @Test("appended sales get growing positions; once drained, the tables hold exactly what SaleWrites plans and nothing is folded twice", arguments: StoreUnderTest.all)
    func appendAndMaterialise(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let key = try await SaleFixtures.signingKey(s)
            let first = try await s.saleLog.append(SaleFixtures.sale(1, key: key))
            let second = try await s.saleLog.append(SaleFixtures.sale(2, key: key))
            #expect(second > first)
            #expect(try await s.saleLog.backlog() <= 2)
            let folds = try await Self.drain(s)
            #expect(folds.map(\.materialised).reduce(0, +) <= 2)
            #expect(folds.compactMap(\.through).allSatisfy { $0 <= second })
            #expect(try await s.saleLog.backlog() == 0)
            for n in 1...2 {
                let record = SaleFixtures.sale(n, key: key)
                let details = try #require(try await s.leads.details(id: "lead_\(n)", tenantID: "ten_1"))
                #expect(details.lead == SaleWrites(record).newLead)
                #expect(details.events == SaleWrites(record).events)
                #expect(details.consentRecords == [try #require(record.certificate)])
                #expect(details.deliveries.map(\.delivery) == [record.delivery])
            }
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
            #expect(try await s.saleLog.materialise(limit: 64) == SaleLogFold(materialised: 0, through: nil), "nothing is folded twice")
            #expect(try await s.saleLog.append(SaleFixtures.sale(3, key: key)) > second, "positions never go back, even once the log is empty")
        }
    }

    @Test("a store that defers the tables folds at most its limit, oldest first, and keeps the rest logged", arguments: StoreUnderTest.all)
    func limitOldestFirst(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            var positions: [Int64] = []
            for n in 1...3 { positions.append(try await s.saleLog.append(SaleFixtures.sale(n))) }
            if try await s.saleLog.backlog() > 0 {
                #expect(try await s.saleLog.backlog() == 3)
                #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") == nil, "a deferring store fills nothing before the fold")
                #expect(try await s.saleLog.materialise(limit: 2) == SaleLogFold(materialised: 2, through: positions[1]))
                #expect(try await s.leads.lead(id: "lead_2", tenantID: "ten_1") != nil)
                #expect(try await s.leads.lead(id: "lead_3", tenantID: "ten_1") == nil)
                #expect(try await s.saleLog.backlog() == 1)
                #expect(try await s.saleLog.materialise(limit: 2) == SaleLogFold(materialised: 1, through: positions[2]))
            }
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 3])
        }
    }

    @Test("a sale the tables refuse is refused at the append or set aside at the fold with its reason, never dropped; the others are filled in", arguments: StoreUnderTest.all)
    func refusedSetAside(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await s.saleLog.append(SaleFixtures.sale(1))
            var refusedAtAppend = false
            var refusedPosition: Int64?
            do {
                refusedPosition = try await s.saleLog.append(SaleFixtures.sale(2, buyerID: "b_unknown"))
            } catch {
                refusedAtAppend = true
            }
            _ = try await s.saleLog.append(SaleFixtures.sale(3))
            let folds = try await Self.drain(s)
            let setAside = folds.flatMap(\.refused)
            if refusedAtAppend {
                #expect(setAside.isEmpty)
            } else {
                #expect(setAside.map(\.position) == [try #require(refusedPosition)])
                #expect(setAside.map(\.leadID) == ["lead_2"])
                #expect(setAside.first.map { !$0.reason.isEmpty } == true)
            }
            #expect(try await s.saleLog.backlog() == 0)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") != nil)
            #expect(try await s.leads.lead(id: "lead_2", tenantID: "ten_1") == nil)
            #expect(try await s.leads.lead(id: "lead_3", tenantID: "ten_1") != nil)
            #expect(try await s.saleLog.materialise(limit: 64) == SaleLogFold(materialised: 0, through: nil))
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("100 concurrent appends and folds: every sale lands once", arguments: StoreUnderTest.all)
    func concurrentAppendsAndFolds(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let positions = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for n in 1...100 {
                    group.addTask { try await s.saleLog.append(SaleFixtures.sale(n, priceCents: 100)) }
                    if n % 10 == 0 { group.addTask { _ = try await s.saleLog.materialise(limit: 16); return nil } }
                }
                return try await group.reduce(into: [Int64]()) { if let position = $1 { $0.append(position) } }
            }
            #expect(Set(positions).count == 100, "every append has a position of its own")
            _ = try await Self.drain(s, limit: 1_000)
            #expect(try await s.saleLog.backlog() == 0)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 100])
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -10_000)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }
}
