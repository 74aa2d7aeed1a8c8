import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

@Suite("SQLite buyer repository")
struct SQLiteBuyerRepositoryTests {
    static let full = Buyer(
        id: "buyer_full", tenantID: "ten_1", name: "Full Buyer", campaignTypes: [.autoInsurance, .legalPI], states: ["CA", "DC", "NY"],
        maxPriceCents: 12_345, webhookURL: "https://hooks.example.com/leads", webhookSecret: "whsec_abc", bidURL: "https://bids.example.com/ping",
        bidTimeoutMilliseconds: 1_750, exclusivity: .exclusive, zipCodes: ["00501", "10001", "90210"], dailyCap: 0, timeZone: "America/Denver",
        status: .paused, revision: 7, createdAt: Times.at(1), updatedAt: Times.at(2_345)
    )

    static let sparse = Buyer(
        id: "buyer_sparse", tenantID: "ten_1", name: "Sparse", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 0,
        createdAt: Times.at(3), updatedAt: Times.at(3)
    )

    @Test("every field round-trips, including nil optionals, zip codes and arrays")
    func roundTrip() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Self.full)
            try await repository.insert(Self.sparse)

            #expect(try await repository.buyer(id: "buyer_full", tenantID: "ten_1") == Self.full)
            let sparse = try #require(try await repository.buyer(id: "buyer_sparse", tenantID: "ten_1"))
            #expect(sparse == Self.sparse)
            #expect(sparse.webhookURL == nil)
            #expect(sparse.webhookSecret == nil)
            #expect(sparse.bidURL == nil)
            #expect(sparse.zipCodes == nil)
            #expect(sparse.dailyCap == nil)

            // nil zip codes (every ZIP) and an allow-list are stored differently.
            let zipColumn = try await database.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT id, zip_codes FROM buyers ORDER BY id").map { ($0["id"] as String, $0["zip_codes"] as String?) }
            }
            #expect(zipColumn.map(\.1) == [#"["00501","10001","90210"]"#, nil])

            let all = try await repository.allBuyers()
            #expect(Set(all.map(\.id)) == ["buyer_full", "buyer_sparse"])
            #expect(all.first { $0.id == "buyer_full" } == Self.full)
        }
    }

    @Test("a duplicate id is refused")
    func duplicateID() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Self.sparse)
            var copy = Self.sparse
            copy.tenantID = "ten_2"
            await #expect(throws: DatabaseError.self) { try await repository.insert(copy) }
        }
    }

    @Test("another tenant's id reads, updates and counts as missing")
    func tenantScoping() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Self.full)

            #expect(try await repository.buyer(id: "buyer_full", tenantID: "ten_2") == nil)
            let updated = try await repository.update(id: "buyer_full", tenantID: "ten_2") { $0.name = "stolen" }
            #expect(updated == nil)
            #expect(try await repository.buyer(id: "buyer_full", tenantID: "ten_1") == Self.full)
            #expect(try await repository.buyers(tenantID: "ten_2", filter: BuyerFilter(), page: PageRequest()).total == 0)
            #expect(try await repository.update(id: "buyer_missing", tenantID: "ten_1") { $0.name = "x" } == nil)
        }
    }

    @Test("listing pages newest first with the total and the page size")
    func paging() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            for index in 1...5 {
                try await repository.insert(Fixtures.buyer("buyer_\(index)", tenantID: "ten_1", offset: Int64(index) * 1_000))
            }
            // Same creation time: the id breaks the tie, descending.
            try await repository.insert(Fixtures.buyer("buyer_5b", tenantID: "ten_1", offset: 5_000))
            try await repository.insert(Fixtures.buyer("buyer_other", tenantID: "ten_2", offset: 9_000))

            let first = try await repository.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 1, perPage: 2))
            #expect(first.total == 6)
            #expect(first.request.perPage == 2)
            #expect(first.items.map(\.id) == ["buyer_5b", "buyer_5"])

            let second = try await repository.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 2, perPage: 2))
            #expect(second.items.map(\.id) == ["buyer_4", "buyer_3"])
            #expect(second.total == 6)
            let third = try await repository.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 3, perPage: 2))
            #expect(third.items.map(\.id) == ["buyer_2", "buyer_1"])
            let beyond = try await repository.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 4, perPage: 2))
            #expect(beyond.items.isEmpty)
            #expect(beyond.total == 6)

            let everything = try await repository.buyers(tenantID: "ten_1", filter: BuyerFilter(), page: PageRequest(page: 1, perPage: 100))
            #expect(everything.items.count == 6)
            #expect(everything.items.map(\.createdAt) == everything.items.map(\.createdAt).sorted(by: >))
        }
    }

    @Test("filters by status, by campaign type (json_each) and by state, alone and together")
    func filters() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Fixtures.buyer("pi_ca", tenantID: "ten_1", types: [.legalPI], states: ["CA"], offset: 1))
            try await repository.insert(Fixtures.buyer("pi_ssdi_ny", tenantID: "ten_1", types: [.legalPI, .legalSSDI], states: ["NY", "NJ"], offset: 2))
            try await repository.insert(Fixtures.buyer("solar_ca_paused", tenantID: "ten_1", types: [.solar], states: ["CA", "VA"], status: .paused, offset: 3))
            try await repository.insert(Fixtures.buyer("wv", tenantID: "ten_1", types: [.homeInsurance], states: ["WV"], offset: 4))
            try await repository.insert(Fixtures.buyer("other_tenant", tenantID: "ten_2", types: [.legalPI], states: ["CA"], offset: 5))

            func ids(_ filter: BuyerFilter) async throws -> [String] {
                let page = try await repository.buyers(tenantID: "ten_1", filter: filter, page: PageRequest(page: 1, perPage: 100))
                #expect(page.total == page.items.count)
                return page.items.map(\.id)
            }

            #expect(try await ids(BuyerFilter()) == ["wv", "solar_ca_paused", "pi_ssdi_ny", "pi_ca"])
            #expect(try await ids(BuyerFilter(status: .paused)) == ["solar_ca_paused"])
            #expect(try await ids(BuyerFilter(status: .active)) == ["wv", "pi_ssdi_ny", "pi_ca"])
            #expect(try await ids(BuyerFilter(campaignType: .legalPI)) == ["pi_ssdi_ny", "pi_ca"])
            #expect(try await ids(BuyerFilter(campaignType: .legalSSDI)) == ["pi_ssdi_ny"])
            // home_insurance must not match by substring, e.g. a LIKE on "insurance".
            #expect(try await ids(BuyerFilter(campaignType: .autoInsurance)).isEmpty)
            #expect(try await ids(BuyerFilter(state: "CA")) == ["solar_ca_paused", "pi_ca"])
            #expect(try await ids(BuyerFilter(state: "NJ")) == ["pi_ssdi_ny"])
            #expect(try await ids(BuyerFilter(state: "V")).isEmpty)
            #expect(try await ids(BuyerFilter(state: "VA")) == ["solar_ca_paused"])
            #expect(try await ids(BuyerFilter(status: .active, campaignType: .legalPI, state: "CA")) == ["pi_ca"])
            #expect(try await ids(BuyerFilter(status: .paused, campaignType: .legalPI)).isEmpty)
        }
    }

    @Test("an update writes every field the transform changed")
    func updateAllFields() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Self.full)
            var expected = Self.sparse
            expected.id = Self.full.id
            expected.createdAt = Self.full.createdAt
            expected.revision = 8
            let target = expected
            let updated = try await repository.update(id: Self.full.id, tenantID: "ten_1") { buyer in
                let createdAt = buyer.createdAt
                buyer = target
                buyer.createdAt = createdAt
            }
            #expect(updated == expected)
            #expect(try await repository.buyer(id: Self.full.id, tenantID: "ten_1") == expected)
        }
    }

    @Test("a transform that throws leaves the row unchanged")
    func updateAtomicity() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            try await repository.insert(Self.full)
            await #expect(throws: TransformFailure.self) {
                try await repository.update(id: Self.full.id, tenantID: "ten_1") { buyer in
                    buyer.name = "half-done"
                    buyer.maxPriceCents = 1
                    buyer.revision += 1
                    throw TransformFailure()
                }
            }
            #expect(try await repository.buyer(id: Self.full.id, tenantID: "ten_1") == Self.full)

            // A registry update that fails validation leaves the row alone too.
            let registry = BuyerRegistry(repository: repository, index: BuyerIndex(), clock: ManualClock())
            var changes = BuyerChanges()
            changes.name = .set("New name")
            changes.bidTimeoutMilliseconds = .set(99_999)
            await #expect(throws: ValidationError.self) { try await registry.update(id: Self.full.id, tenantID: "ten_1", changes: changes) }
            #expect(try await repository.buyer(id: Self.full.id, tenantID: "ten_1") == Self.full)
        }
    }

    @Test("concurrent updates from many tasks all land")
    func concurrentUpdates() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            var initial = Self.sparse
            initial.dailyCap = 0
            let start = initial
            try await repository.insert(start)

            let revisions = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let updated = try await repository.update(id: start.id, tenantID: "ten_1") { buyer in
                            buyer.revision += 1
                            buyer.dailyCap = (buyer.dailyCap ?? 0) + 1
                        }
                        return try #require(updated).revision
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(Set(revisions) == Set(2...41))
            let final = try #require(try await repository.buyer(id: start.id, tenantID: "ten_1"))
            #expect(final.revision == 41)
            #expect(final.dailyCap == 40)
        }
    }

    @Test("the registry's create and update go through to the file and the index")
    func registryOnSQLite() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLiteBuyerRepository(database: database)
            let clock = ManualClock(milliseconds: Times.base)
            let registry = BuyerRegistry(repository: repository, index: BuyerIndex(), clock: clock)
            let created = try await registry.create(
                BuyerDraft(name: "Reg", campaignTypes: ["mortgage"], states: ["OR"], maxPriceCents: 50, zipCodes: ["97201"], dailyCap: 3),
                tenantID: "ten_1"
            )
            #expect(try await repository.buyer(id: created.id, tenantID: "ten_1") == created)

            clock.advance(byMilliseconds: 10)
            var changes = BuyerChanges()
            changes.zipCodes = .set(nil)
            changes.dailyCap = .set(nil)
            let updated = try await registry.update(id: created.id, tenantID: "ten_1", changes: changes)
            #expect(updated.revision == 2)
            #expect(try await repository.buyer(id: created.id, tenantID: "ten_1") == updated)

            // A fresh index loaded from the file sees the latest revision.
            let fresh = BuyerRegistry(repository: repository, index: BuyerIndex(), clock: clock)
            try await fresh.loadIndex()
            #expect(fresh.match(tenantID: "ten_1", campaignType: .mortgage, state: "OR", zipCode: "11111") == [updated])
        }
    }
}
