import Foundation
import LeadEngine
import Testing

@Suite("Store contract: opening, reopening and closing the store")
struct ConnectionContractTests {
    /// Opens a fresh store and hands it, unopened by `run`, to `body`; removes it afterwards.
    static func withLocation(_ store: StoreUnderTest, _ body: (EngineStore) async throws -> Void) async throws {
        let (opened, cleanup) = try await store.open()
        do {
            try await body(opened)
        } catch {
            try? await opened.connection.close()
            await cleanup()
            throw error
        }
        await cleanup()
    }

    @Test("a store closed and reopened on its location keeps every row, and migrates nothing twice", arguments: StoreUnderTest.all)
    func reopenKeepsData(_ store: StoreUnderTest) async throws {
        try await Self.withLocation(store) { first in
            let location = first.connection.location
            let key = try await StoreUnderTest.running(first) { s async throws -> CertificateSigningKey in
                try await Fixtures.seed(s)
                try await s.tenants.insert(Fixtures.key("key_1", tenantID: "ten_1"))
                let key = try await SaleFixtures.signingKey(s)
                try await s.sales.commit(SaleFixtures.sale(1, key: key))
                _ = try await s.saleLog.append(SaleFixtures.sale(2, key: key))
                return key
            }
            for _ in 0..<2 {
                try await StoreUnderTest.running(try await store.reopen(location)) { s async throws in
                    #expect(try await s.tenants.tenantCount() == 2)
                    #expect(try await s.tenants.keys(tenantID: "ten_1").map(\.id) == ["key_1"])
                    #expect(try await SaleFixtures.signingKey(s).rawPrivateKey == key.rawPrivateKey, "the signing key survives: certificates stay verifiable")
                    #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") == SaleWrites(SaleFixtures.sale(1, key: key)).newLead)
                    // A store that defers the tables still holds the logged sale; one that commits at the append has it in them.
                    let logged = try await s.saleLog.backlog()
                    #expect(logged == 1 || (logged == 0 && s.connection.isShared), "a logged sale survives a restart")
                }
            }
            try await StoreUnderTest.running(try await store.reopen(location)) { s async throws in
                _ = try await SaleLogContractTests.drain(s)
                #expect(try await s.leads.lead(id: "lead_2", tenantID: "ten_1") == SaleWrites(SaleFixtures.sale(2, key: key)).newLead)
                #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -5_000)
                #expect(try await s.ledger.verify().mismatches.isEmpty)
            }
        }
    }

    @Test("several stores open at once on one location (several nodes) see each other's writes", arguments: StoreUnderTest.all)
    func severalAtOnce(_ store: StoreUnderTest) async throws {
        try await store.run { first in
            try await Fixtures.seed(first)
            let location = first.connection.location
            let others = try await withThrowingTaskGroup(of: EngineStore.self) { group in
                for _ in 0..<3 { group.addTask { try await store.reopen(location) } }
                return try await group.reduce(into: [EngineStore]()) { $0.append($1) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, other) in others.enumerated() {
                    group.addTask {
                        try await StoreUnderTest.running(other) { s async throws in
                            #expect(try await s.buyers.buyer(id: "b1", tenantID: "ten_1") != nil)
                            try await s.sales.commit(SaleFixtures.sale(index + 1))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await first.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 3])
            #expect(try await first.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -7_500)
            #expect(try await first.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("the connection names its location without a password, probes a write, and refuses work once closed", arguments: StoreUnderTest.all)
    func connection(_ store: StoreUnderTest) async throws {
        try await Self.withLocation(store) { opened in
            try await StoreUnderTest.running(opened) { s async throws in
                #expect(!s.connection.location.isEmpty)
                if let url = ProcessInfo.processInfo.environment["EZLEEDS_TEST_POSTGRES_URL"], let password = URLComponents(string: url)?.password,
                    !password.isEmpty
                {
                    #expect(!s.connection.location.contains(password))
                }
                try await s.connection.probeWrite()
                #expect(s.connection.health.isWritable)
                try await Fixtures.seed(s)
            }
            await #expect(throws: (any Error).self) { try await opened.tenants.tenantCount() }
            await #expect(throws: (any Error).self) { try await opened.tenants.insert(Fixtures.tenant("ten_late"), keys: []) }
        }
    }
}
