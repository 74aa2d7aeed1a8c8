import Foundation
import GRDB
import LeadEngine
import LeadStoreRecords

public struct SQLitePingRepository: PingRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    /// The journal's flush: not fsynced by itself (see `writeWithoutSync`), so the posts' durable
    /// commits, which queue behind it on the one writer, do not wait for a second fsync.
    public func save(_ pings: [Ping]) async throws {
        guard !pings.isEmpty else { return }
        try await self.database.writeWithoutSync { db in
            for ping in pings { try Self.insert(ping, db) }
        }
    }

    /// Stores a ping and its outcomes unless already stored: an auction's result never changes,
    /// and its sales live in `sales`. A sale's transaction calls this too, so the order in which
    /// the journal and a fast post reach the store does not matter.
    static func insert(_ ping: Ping, _ db: Database) throws {
        // A ping from the ping book carries its bids but not the other outcomes (a sale commits it
        // so): its bids are stored now, and the journal completes the row when it writes the ping.
        let complete = !(ping.outcomes.isEmpty && !ping.bids.isEmpty)
        let outcomes = complete ? ping.outcomes : ping.bids.map(BuyerOutcome.init(bid:))
        let ranks = Dictionary(uniqueKeysWithValues: ping.bids.enumerated().map { ($1.buyerID, $0) })
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO pings (id, tenant_id, campaign_type, state, zip_code, source, tmax_ms, floor_price_cents, created_at, expires_at,
                    outranked_static_buyers, outcomes_record, outcomes_complete)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET outcomes_record = excluded.outcomes_record, outcomes = NULL, outcomes_complete = 1
                    WHERE pings.outcomes_complete = 0 AND excluded.outcomes_complete = 1
                """
        )
        try statement.execute(arguments: [
            ping.id, ping.tenantID, ping.request.campaignType.rawValue, ping.request.state, ping.request.zipCode, ping.request.source,
            ping.request.tmaxMilliseconds, ping.floorPriceCents, ping.createdAtMilliseconds, ping.expiresAtMilliseconds,
            ping.outrankedStaticBuyers, Data(PingOutcomeRecord.encode(outcomes, ranks: ranks)), complete,
        ])
    }

    /// Outcomes from the JSON column that rows written before 2026-12-04 keep, each with its bid's rank.
    static func outcomes(fromJSON text: String) throws -> [(outcome: BuyerOutcome, rank: Int?)] {
        guard let outcomes = PingOutcomeRecord.decode(json: text) else {
            throw CorruptRowError(table: "pings", column: "outcomes", value: String(text.prefix(200)))
        }
        return outcomes
    }

    public func ping(id: String, tenantID: String) async throws -> Ping? {
        try await self.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pings WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]) else {
                return nil
            }
            return try Self.ping(from: row, db)
        }
    }

    public func livePings(nowMilliseconds: Int64) async throws -> [Ping] {
        try await self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pings WHERE expires_at > ? ORDER BY expires_at", arguments: [nowMilliseconds])
                .map { try Self.ping(from: $0, db) }
        }
    }

    public func pruneUnsoldPings(expiredBefore: Int64, limit: Int) async throws -> Int {
        try await self.database.write { db in
            // Oldest first on the expiry index; a sold ping has a sale naming it (sales_once_per_ping_buyer).
            try db.execute(
                sql: """
                    DELETE FROM pings WHERE id IN (
                        SELECT p.id FROM pings p
                        WHERE p.expires_at < ? AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.ping_id = p.id)
                        ORDER BY p.expires_at LIMIT ?
                    )
                    """,
                arguments: [expiredBefore, limit]
            )
            return db.changesCount
        }
    }

    public func floorPrices() async throws -> [FloorPrice] {
        try await self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM floor_prices").map { row in
                FloorPrice(
                    tenantID: row["tenant_id"], campaignType: try row.required(CampaignType.self, "campaign_type", table: "floor_prices"),
                    floorPriceCents: row["floor_price_cents"]
                )
            }
        }
    }

    public func saveFloorPrice(_ floor: FloorPrice) async throws {
        try await self.database.write { db in
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
        try await self.database.read { db in
            var settings: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT tenant_id, max_shared_buyers FROM pingpost_settings") {
                settings[row["tenant_id"]] = row["max_shared_buyers"]
            }
            return settings
        }
    }

    public func saveMaxSharedBuyers(_ value: Int, tenantID: String) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pingpost_settings (tenant_id, max_shared_buyers) VALUES (?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET max_shared_buyers = excluded.max_shared_buyers
                    """,
                arguments: [tenantID, value]
            )
        }
    }

    static func ping(from row: Row, _ db: Database) throws -> Ping {
        let id: String = row["id"]
        let ranked: [(outcome: BuyerOutcome, rank: Int?)]
        if let record = row["outcomes_record"] as Data? {
            do {
                ranked = try PingOutcomeRecord.decode(Array(record))
            } catch {
                throw CorruptRowError(table: "pings", column: "outcomes_record", value: "\(record.count) bytes: \(error)")
            }
        } else if let json = row["outcomes"] as String? {
            ranked = try Self.outcomes(fromJSON: json)
        } else {
            ranked = try Self.legacyOutcomes(pingID: id, db)
        }
        let bids = ranked.compactMap { entry in entry.outcome.bid.map { (rank: entry.rank ?? Int.max, bid: $0) } }
        let outcomes = ranked.map(\.outcome)
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

    /// Outcomes of a ping written before they moved into the pings row: one row per buyer.
    private static func legacyOutcomes(pingID: String, _ db: Database) throws -> [(outcome: BuyerOutcome, rank: Int?)] {
        try Row.fetchAll(db, sql: "SELECT * FROM ping_outcomes WHERE ping_id = ? ORDER BY rowid", arguments: [pingID]).map { outcome in
            let buyerID: String = outcome["buyer_id"]
            let buyerName: String = outcome["buyer_name"]
            if let cents = outcome["bid_cents"] as Int64? {
                let bid = Bid(
                    buyerID: buyerID, buyerName: buyerName, bidCents: cents,
                    exclusivity: try outcome.required(Exclusivity.self, "exclusivity", table: "ping_outcomes"),
                    source: try outcome.required(BidSource.self, "bid_source", table: "ping_outcomes"),
                    responseMilliseconds: outcome["response_ms"] ?? 0
                )
                return (BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid), responseMilliseconds: outcome["response_ms"]), outcome["bid_rank"])
            }
            let result = BuyerOutcome.Result.noBid(
                try outcome.required(NoBidReason.self, "no_bid_reason", table: "ping_outcomes"), detail: outcome["detail"]
            )
            return (BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: result, responseMilliseconds: outcome["response_ms"]), nil)
        }
    }
}
