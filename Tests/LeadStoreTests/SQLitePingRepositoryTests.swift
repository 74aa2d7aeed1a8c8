import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

@Suite("SQLite ping repository")
struct SQLitePingRepositoryTests {
    static func ping() -> Ping {
        let bids = [
            Bid(buyerID: "buyer_b", buyerName: "B", bidCents: 900, exclusivity: .shared, source: .static),
            Bid(buyerID: "buyer_a", buyerName: "A", bidCents: 400, exclusivity: .exclusive, source: .realTime, responseMilliseconds: 12),
        ]
        let outcomes = bids.map(BuyerOutcome.init(bid:)) + [
            BuyerOutcome(buyerID: "buyer_c", buyerName: "C", result: .noBid(.timeout, detail: "no answer within 100 ms"), responseMilliseconds: 100),
            BuyerOutcome(buyerID: "buyer_d", buyerName: "D", result: .noBid(.paused, detail: nil)),
        ]
        return Ping(
            id: "ping_00abc", tenantID: "ten_1", request: PingRequest(campaignType: .solar, state: "TX", zipCode: "75001", source: "s"),
            floorPriceCents: 100, bids: bids, outcomes: outcomes, createdAtMilliseconds: 1_776_000_000_000
        )
    }

    @Test("a ping committed by a sale before the journal wrote it keeps its bids, and the journal adds the other outcomes")
    func saleBeforeJournal() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLitePingRepository(database: database)
            let full = Self.ping()
            // What the ping book holds, and so what a sale commits: bids without the other outcomes.
            var fromBook = full
            fromBook.outcomes = []
            try await repository.save([fromBook])
            let early = try #require(try await repository.ping(id: full.id, tenantID: "ten_1"))
            #expect(early.bids == full.bids)
            #expect(early.outcomes.count == 2)

            try await repository.save([full])
            let complete = try #require(try await repository.ping(id: full.id, tenantID: "ten_1"))
            #expect(complete.bids == full.bids)
            #expect(Set(complete.outcomes.map(\.buyerID)) == ["buyer_a", "buyer_b", "buyer_c", "buyer_d"])
            #expect(complete.outcomes.first { $0.buyerID == "buyer_c" }?.result == .noBid(.timeout, detail: "no answer within 100 ms"))
            #expect(try await repository.ping(id: full.id, tenantID: "ten_2") == nil)
        }
    }

    @Test("outcomes round-trip through the ping's compact record: hostile names, details, response times, ranks")
    func outcomesRoundTrip() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLitePingRepository(database: database)
            var ping = Self.ping()
            ping.outcomes[2].buyerName = "C \"quoted\" \\ ünïcode\n"
            try await repository.save([ping])
            let stored = try #require(try await repository.ping(id: ping.id, tenantID: "ten_1"))
            #expect(stored.outcomes == ping.outcomes)
            #expect(stored.bids == ping.bids)
            let (legacyRows, json, record) = try await database.writer.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM ping_outcomes"),
                    try String.fetchOne(db, sql: "SELECT outcomes FROM pings"),
                    try Data.fetchOne(db, sql: "SELECT outcomes_record FROM pings")
                )
            }
            #expect(legacyRows == 0 && json == nil)
            // Four buyers in about 40 bytes each, where the JSON took about 150.
            #expect((record?.count ?? 999) < 200)
        }
    }

    @Test("a ping written with its outcomes as JSON (before 2026-12-04) reads them as written; a sale's later write completes it compactly")
    func jsonRows() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            try await database.writer.write { db in
                try db.execute(sql: #"""
                    INSERT INTO pings (id, tenant_id, campaign_type, state, zip_code, source, tmax_ms, floor_price_cents, created_at, expires_at,
                        outcomes, outcomes_complete)
                    VALUES ('ping_00json', 'ten_1', 'solar', 'TX', '75001', 's', 300, 0, 1776000000000, 1776000060000,
                        '[{"buyer_id":"buyer_x","buyer_name":"X","bid_rank":1,"bid_cents":300,"exclusivity":"shared","bid_source":"static"},{"buyer_id":"buyer_y","buyer_name":"Y","response_ms":15,"bid_rank":0,"bid_cents":700,"exclusivity":"exclusive","bid_source":"real_time"},{"buyer_id":"buyer_z","buyer_name":"Z","no_bid_reason":"filtered_zip"}]', 1)
                    """#)
            }
            let repository = SQLitePingRepository(database: database)
            let stored = try #require(try await repository.ping(id: "ping_00json", tenantID: "ten_1"))
            #expect(stored.bids.map(\.buyerID) == ["buyer_y", "buyer_x"])
            #expect(stored.outcomes.map(\.buyerID) == ["buyer_x", "buyer_y", "buyer_z"])
            #expect(stored.outcomes[1].responseMilliseconds == 15)
            #expect(stored.outcomes[2].result == .noBid(.filteredZip, detail: nil))
            // An auction's result never changes: a complete row is not rewritten.
            try await repository.save([Self.ping()].map { var ping = $0; ping.id = "ping_00json"; return ping })
            #expect(try await repository.ping(id: "ping_00json", tenantID: "ten_1")?.outcomes == stored.outcomes)
        }
    }

    @Test("an unreadable outcome record is a named corrupt row, not a crash")
    func corruptRecord() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            let repository = SQLitePingRepository(database: database)
            try await repository.save([Self.ping()])
            try await database.writer.write { db in try db.execute(sql: "UPDATE pings SET outcomes_record = substr(outcomes_record, 1, 9)") }
            await #expect(throws: CorruptRowError.self) { try await repository.ping(id: Self.ping().id, tenantID: "ten_1") }
        }
    }

    @Test("a ping written before the outcomes column reads its outcomes from ping_outcomes")
    func legacyRows() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            try await database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO pings (id, tenant_id, campaign_type, state, zip_code, source, tmax_ms, floor_price_cents, created_at, expires_at)
                    VALUES ('ping_00old', 'ten_1', 'solar', 'TX', '75001', 's', 300, 0, 1776000000000, 1776000060000);
                    INSERT INTO ping_outcomes (ping_id, buyer_id, buyer_name, bid_rank, bid_cents, exclusivity, bid_source, no_bid_reason, detail, response_ms)
                    VALUES ('ping_00old', 'buyer_x', 'X', 1, 300, 'shared', 'static', NULL, NULL, NULL),
                           ('ping_00old', 'buyer_y', 'Y', 0, 700, 'exclusive', 'real_time', NULL, NULL, 15),
                           ('ping_00old', 'buyer_z', 'Z', NULL, NULL, NULL, NULL, 'filtered_zip', NULL, NULL);
                    """)
            }
            let stored = try #require(try await SQLitePingRepository(database: database).ping(id: "ping_00old", tenantID: "ten_1"))
            #expect(stored.bids.map(\.buyerID) == ["buyer_y", "buyer_x"])
            #expect(stored.outcomes.map(\.buyerID) == ["buyer_x", "buyer_y", "buyer_z"])
            #expect(stored.outcomes[2].result == .noBid(.filteredZip, detail: nil))
            #expect(stored.outcomes[1].responseMilliseconds == 15)
        }
    }
}
