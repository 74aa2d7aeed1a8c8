import Foundation
import GRDB
import LeadEngine

public struct SQLitePingRepository: PingRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func save(_ pings: [Ping]) async throws {
        guard !pings.isEmpty else { return }
        try await self.database.writer.write { db in
            for ping in pings { try Self.insert(ping, db) }
        }
    }

    /// Stores a ping and its outcomes unless already stored: an auction's result never changes,
    /// and its sales live in `sales`. A sale's transaction calls this too, so the order in which
    /// the journal and a fast post reach the store does not matter.
    static func insert(_ ping: Ping, _ db: Database) throws {
        let pingStatement = try db.cachedStatement(
            sql: """
                INSERT INTO pings (id, tenant_id, campaign_type, state, zip_code, source, tmax_ms, floor_price_cents, created_at, expires_at,
                    outranked_static_buyers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """
        )
        let outcomeStatement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO ping_outcomes (ping_id, buyer_id, buyer_name, bid_rank, bid_cents, exclusivity, bid_source, no_bid_reason, detail, response_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try pingStatement.execute(arguments: [
            ping.id, ping.tenantID, ping.request.campaignType.rawValue, ping.request.state, ping.request.zipCode, ping.request.source,
            ping.request.tmaxMilliseconds, ping.floorPriceCents, ping.createdAtMilliseconds, ping.expiresAtMilliseconds,
            ping.outrankedStaticBuyers,
        ])
        let ranks = Dictionary(uniqueKeysWithValues: ping.bids.enumerated().map { ($1.buyerID, $0) })
        // A ping from the ping book carries its bids but not the other outcomes (a sale commits it
        // so): its bids are stored now, and the journal adds the rest when it writes the ping.
        let outcomes = ping.outcomes.isEmpty ? ping.bids.map(BuyerOutcome.init(bid:)) : ping.outcomes
        for outcome in outcomes {
            switch outcome.result {
            case .bid(let bid):
                try outcomeStatement.execute(arguments: [
                    ping.id, outcome.buyerID, outcome.buyerName, ranks[outcome.buyerID], bid.bidCents, bid.exclusivity.rawValue,
                    bid.source.rawValue, nil, nil, outcome.responseMilliseconds,
                ])
            case .noBid(let reason, let detail):
                try outcomeStatement.execute(arguments: [
                    ping.id, outcome.buyerID, outcome.buyerName, nil, nil, nil, nil, reason.rawValue, detail, outcome.responseMilliseconds,
                ])
            }
        }
    }

    public func ping(id: String, tenantID: String) async throws -> Ping? {
        try await self.database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pings WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]) else {
                return nil
            }
            return try Self.ping(from: row, db)
        }
    }

    public func livePings(nowMilliseconds: Int64) async throws -> [Ping] {
        try await self.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pings WHERE expires_at > ? ORDER BY expires_at", arguments: [nowMilliseconds])
                .map { try Self.ping(from: $0, db) }
        }
    }

    public func floorPrices() async throws -> [FloorPrice] {
        try await self.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM floor_prices").map { row in
                FloorPrice(
                    tenantID: row["tenant_id"], campaignType: try row.required(CampaignType.self, "campaign_type", table: "floor_prices"),
                    floorPriceCents: row["floor_price_cents"]
                )
            }
        }
    }

    public func saveFloorPrice(_ floor: FloorPrice) async throws {
        try await self.database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO floor_prices (tenant_id, campaign_type, floor_price_cents) VALUES (?, ?, ?)
                    ON CONFLICT (tenant_id, campaign_type) DO UPDATE SET floor_price_cents = excluded.floor_price_cents
                    """,
                arguments: [floor.tenantID, floor.campaignType.rawValue, floor.floorPriceCents]
            )
        }
    }

    public func maxSharedBuyers() async throws -> [String: Int] {
        try await self.database.writer.read { db in
            var settings: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT tenant_id, max_shared_buyers FROM pingpost_settings") {
                settings[row["tenant_id"]] = row["max_shared_buyers"]
            }
            return settings
        }
    }

    public func saveMaxSharedBuyers(_ value: Int, tenantID: String) async throws {
        try await self.database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pingpost_settings (tenant_id, max_shared_buyers) VALUES (?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET max_shared_buyers = excluded.max_shared_buyers
                    """,
                arguments: [tenantID, value]
            )
        }
    }

    private static func ping(from row: Row, _ db: Database) throws -> Ping {
        let id: String = row["id"]
        var bids: [(rank: Int, bid: Bid)] = []
        var outcomes: [BuyerOutcome] = []
        for outcome in try Row.fetchAll(db, sql: "SELECT * FROM ping_outcomes WHERE ping_id = ? ORDER BY rowid", arguments: [id]) {
            let buyerID: String = outcome["buyer_id"]
            let buyerName: String = outcome["buyer_name"]
            let result: BuyerOutcome.Result
            if let cents = outcome["bid_cents"] as Int64? {
                let bid = Bid(
                    buyerID: buyerID, buyerName: buyerName, bidCents: cents,
                    exclusivity: try outcome.required(Exclusivity.self, "exclusivity", table: "ping_outcomes"),
                    source: try outcome.required(BidSource.self, "bid_source", table: "ping_outcomes"),
                    responseMilliseconds: outcome["response_ms"] ?? 0
                )
                bids.append((outcome["bid_rank"] ?? Int.max, bid))
                result = .bid(bid)
            } else {
                result = .noBid(try outcome.required(NoBidReason.self, "no_bid_reason", table: "ping_outcomes"), detail: outcome["detail"])
            }
            outcomes.append(BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: result, responseMilliseconds: outcome["response_ms"]))
        }
        let request = PingRequest(
            campaignType: try row.required(CampaignType.self, "campaign_type", table: "pings"), state: row["state"], zipCode: row["zip_code"],
            source: row["source"], tmaxMilliseconds: row["tmax_ms"]
        )
        return Ping(
            id: id, tenantID: row["tenant_id"], request: request, floorPriceCents: row["floor_price_cents"],
            bids: bids.sorted { $0.rank < $1.rank }.map(\.bid), outcomes: outcomes, createdAtMilliseconds: row["created_at"],
            soldTo: try String.fetchAll(db, sql: "SELECT buyer_id FROM sales WHERE ping_id = ? ORDER BY sold_at, rowid", arguments: [id]),
            outrankedStaticBuyers: row["outranked_static_buyers"]
        )
    }
}
