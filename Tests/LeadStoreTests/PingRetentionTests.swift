import Foundation
import GRDB
import LeadEngine
import Testing

@testable import LeadStore

@Suite("Ping retention: unsold pings go after their days, sold ones stay")
struct PingRetentionTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_776_000_000_000

    static func ping(_ id: String, ageDays: Int64) -> Ping {
        Ping(
            id: id, tenantID: "ten_1", request: PingRequest(campaignType: .solar, state: "TX", zipCode: "75001", source: "s"), floorPriceCents: 0,
            bids: [], outcomes: [BuyerOutcome(buyerID: "b1", buyerName: "B", result: .noBid(.paused, detail: nil))],
            createdAtMilliseconds: Self.now - ageDays * Self.day
        )
    }

    @Test("past 30 days unsold pings are deleted in batches; a sold one of the same age and recent ones stay")
    func prunes() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("b1", tenantID: "ten_1"))
            let repository = SQLitePingRepository(database: database)
            let old = (0..<2_500).map { Self.ping("ping_old\($0)", ageDays: 31) }
            try await repository.save(old + [Self.ping("ping_sold", ageDays: 40), Self.ping("ping_recent", ageDays: 29)])
            try await database.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO sales (id, tenant_id, buyer_id, price_cents, status, sold_at, ping_id) VALUES ('sale_1', 'ten_1', 'b1', 100, 'delivered', ?, 'ping_sold')",
                    arguments: [Self.now - 40 * Self.day]
                )
            }
            let retention = PingRetention(repository: repository, days: 30, clock: ManualClock(milliseconds: Self.now))
            #expect(try await retention.prune() == 2_500)
            #expect(try await repository.ping(id: "ping_old0", tenantID: "ten_1") == nil)
            #expect(try await repository.ping(id: "ping_sold", tenantID: "ten_1") != nil)
            #expect(try await repository.ping(id: "ping_recent", tenantID: "ten_1") != nil)
            #expect(try await retention.prune() == 0, "nothing left to prune")
            let remaining = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM pings") }
            #expect(remaining == 2)
        }
    }
}
