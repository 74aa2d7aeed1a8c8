import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

@Suite("SQLite campaign repository")
struct SQLiteCampaignRepositoryTests {
    static let full = Campaign(
        id: "camp_full", tenantID: "ten_1", name: "Full Campaign", campaignType: .medicare, states: ["AZ", "DC", "FL"],
        budgetCents: 987_654, maxLeadsPerDay: 0, deliveryWebhook: "https://deliver.example.com/x?y=1", buyerID: "buyer_1",
        status: .archived, createdAt: Times.at(10), updatedAt: Times.at(20_000)
    )

    static let sparse = Campaign(
        id: "camp_sparse", tenantID: "ten_1", name: "Sparse", campaignType: .education, states: ["WY"], budgetCents: 0,
        createdAt: Times.at(11), updatedAt: Times.at(11)
    )

    private func prepare(_ database: LeadDatabase) async throws -> SQLiteCampaignRepository {
        try await Fixtures.insertTenants(["ten_1", "ten_2"], into: database)
        try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("buyer_1", tenantID: "ten_1"))
        try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("buyer_2", tenantID: "ten_2"))
        return SQLiteCampaignRepository(database: database)
    }

    @Test("every field round-trips, including nil optionals and the states array")
    func roundTrip() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            try await repository.insert(Self.full)
            try await repository.insert(Self.sparse)
            #expect(try await repository.campaign(id: "camp_full", tenantID: "ten_1") == Self.full)
            let sparse = try #require(try await repository.campaign(id: "camp_sparse", tenantID: "ten_1"))
            #expect(sparse == Self.sparse)
            #expect(sparse.maxLeadsPerDay == nil)
            #expect(sparse.deliveryWebhook == nil)
            #expect(sparse.buyerID == nil)
            #expect(sparse.status == .active)
        }
    }

    @Test("another tenant's id reads and updates as missing")
    func tenantScoping() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            try await repository.insert(Self.full)
            #expect(try await repository.campaign(id: "camp_full", tenantID: "ten_2") == nil)
            #expect(try await repository.update(id: "camp_full", tenantID: "ten_2") { $0.budgetCents = 0 } == nil)
            #expect(try await repository.campaign(id: "camp_full", tenantID: "ten_1") == Self.full)
            #expect(try await repository.campaigns(tenantID: "ten_2", filter: CampaignFilter(), page: PageRequest()).total == 0)
            #expect(try await repository.performance(campaignIDs: ["camp_full"], tenantID: "ten_2").isEmpty)
        }
    }

    @Test("listing pages newest first, with filters by status and campaign type")
    func pagingAndFilters() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            let rows: [(String, CampaignType, CampaignStatus)] = [
                ("c1", .legalPI, .active), ("c2", .solar, .paused), ("c3", .legalPI, .paused),
                ("c4", .legalMassTort, .archived), ("c5", .legalPI, .active),
            ]
            for (offset, row) in rows.enumerated() {
                try await repository.insert(Fixtures.campaign(row.0, tenantID: "ten_1", type: row.1, status: row.2, offset: Int64(offset) * 100))
            }
            try await repository.insert(Fixtures.campaign("foreign", tenantID: "ten_2", offset: 10_000))

            func ids(_ filter: CampaignFilter, page: Int = 1, perPage: Int = 100) async throws -> (ids: [String], total: Int) {
                let result = try await repository.campaigns(tenantID: "ten_1", filter: filter, page: PageRequest(page: page, perPage: perPage))
                #expect(result.request == PageRequest(page: page, perPage: perPage))
                return (result.items.map(\.id), result.total)
            }

            #expect(try await ids(CampaignFilter()) == (["c5", "c4", "c3", "c2", "c1"], 5))
            #expect(try await ids(CampaignFilter(), page: 1, perPage: 2) == (["c5", "c4"], 5))
            #expect(try await ids(CampaignFilter(), page: 3, perPage: 2) == (["c1"], 5))
            #expect(try await ids(CampaignFilter(status: .paused)) == (["c3", "c2"], 2))
            #expect(try await ids(CampaignFilter(campaignType: .legalPI)) == (["c5", "c3", "c1"], 3))
            #expect(try await ids(CampaignFilter(status: .active, campaignType: .legalPI), page: 1, perPage: 1) == (["c5"], 2))
            #expect(try await ids(CampaignFilter(status: .archived, campaignType: .solar)) == ([], 0))
        }
    }

    @Test("a transform that throws leaves the row unchanged")
    func updateAtomicity() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            try await repository.insert(Self.full)
            await #expect(throws: TransformFailure.self) {
                try await repository.update(id: Self.full.id, tenantID: "ten_1") { campaign in
                    campaign.status = .active
                    campaign.budgetCents = 1
                    throw TransformFailure()
                }
            }
            #expect(try await repository.campaign(id: Self.full.id, tenantID: "ten_1") == Self.full)
        }
    }

    @Test("concurrent updates from many tasks all land")
    func concurrentUpdates() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            try await repository.insert(Self.sparse)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        _ = try await repository.update(id: Self.sparse.id, tenantID: "ten_1") { campaign in
                            campaign.budgetCents += 25
                            campaign.maxLeadsPerDay = (campaign.maxLeadsPerDay ?? 0) + 1
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try #require(try await repository.campaign(id: Self.sparse.id, tenantID: "ten_1"))
            #expect(final.budgetCents == 1_000)
            #expect(final.maxLeadsPerDay == 40)
        }
    }

    @Test("the registry checks buyer references against the SQLite store")
    func registryBuyerReference() async throws {
        try await withTemporaryDatabase { database async throws in
            let repository = try await self.prepare(database)
            let registry = CampaignRegistry(
                repository: repository, buyers: SQLiteBuyerRepository(database: database), clock: ManualClock(milliseconds: Times.base)
            )
            let draft = CampaignDraft(name: "Mine", campaignType: "legal_pi", states: ["CA"], budgetCents: 1_000, buyerID: "buyer_1")
            let created = try await registry.create(draft, tenantID: "ten_1")
            #expect(try await repository.campaign(id: created.id, tenantID: "ten_1") == created)

            var foreign = draft
            foreign.buyerID = "buyer_2"
            let error = await #expect(throws: ValidationError.self) { try await registry.create(foreign, tenantID: "ten_1") }
            #expect(error?.fields.map(\.field) == ["buyer_id"])

            var changes = CampaignChanges()
            changes.buyerID = .set("buyer_2")
            await #expect(throws: ValidationError.self) { try await registry.update(id: created.id, tenantID: "ten_1", changes: changes) }
            #expect(try await repository.campaign(id: created.id, tenantID: "ten_1")?.buyerID == "buyer_1")

            changes.buyerID = .set(nil)
            let cleared = try await registry.update(id: created.id, tenantID: "ten_1", changes: changes)
            #expect(cleared.buyerID == nil)
            #expect(try await repository.campaign(id: created.id, tenantID: "ten_1") == cleared)

            await #expect(throws: NotFoundError.self) {
                try await registry.update(id: "camp_missing", tenantID: "ten_1", changes: CampaignChanges())
            }
        }
    }
}
