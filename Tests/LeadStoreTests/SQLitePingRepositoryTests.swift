import Foundation
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
}
