import Foundation
import LeadEngine
import LeadStoreRecords
import Logging
import PostgresNIO

/// Pings, floor prices and sharing settings in PostgreSQL; behaves as `SQLitePingRepository` does.
///
/// Outcomes are kept in `pings.outcomes_record` as `PingOutcomeRecord`'s bytes, the same bytes
/// SQLite keeps. A ping is written once and only ever completed (a sale stores it with its bids
/// first, the journal adds the other outcomes), so two nodes writing one ping never undo each
/// other: the upsert completes an incomplete row and leaves a complete one be.
public struct PostgresPingRepository: PingRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    /// The journal's flush: one transaction, a few multi-row statements, committed without
    /// waiting for its WAL flush (`synchronous_commit = off`, for this transaction only), as
    /// SQLite's is not fsynced by itself: the posts' durable commits flush it soon after, and the
    /// rows are visible to every node at once all the same.
    public func save(_ pings: [Ping]) async throws {
        guard !pings.isEmpty else { return }
        try await self.store.write { connection in
            try await connection.query("SET LOCAL synchronous_commit TO OFF", logger: self.store.logger)
            try await Self.insert(pings, on: connection, logger: self.store.logger)
        }
    }

    public func ping(id: String, tenantID: String) async throws -> Ping? {
        try await self.store.read { connection in
            try await Self.pings(
                from: connection.query(
                    "SELECT \(unescaped: Self.columns) FROM pings p WHERE p.id = \(id) AND p.tenant_id = \(tenantID)", logger: self.store.logger
                ),
                on: connection, logger: self.store.logger
            ).first
        }
    }

    public func livePings(nowMilliseconds: Int64) async throws -> [Ping] {
        try await self.store.read { connection in
            try await Self.pings(
                from: connection.query(
                    "SELECT \(unescaped: Self.columns) FROM pings p WHERE p.expires_at > \(nowMilliseconds) ORDER BY p.expires_at, p.created_at, p.id",
                    logger: self.store.logger
                ),
                on: connection, logger: self.store.logger
            )
        }
    }

    public func pruneUnsoldPings(expiredBefore: Int64, limit: Int) async throws -> Int {
        try await self.store.write { connection in
            // Oldest first on the expiry index; a sold ping has a sale naming it (sales_once_per_ping_buyer).
            // SKIP LOCKED: two nodes pruning at once take different pings instead of queueing.
            let rows = try await connection.query(
                """
                WITH pruned AS (
                    DELETE FROM pings WHERE id IN (
                        SELECT p.id FROM pings p
                        WHERE p.expires_at < \(expiredBefore) AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.ping_id = p.id)
                        ORDER BY p.expires_at LIMIT \(limit)
                        FOR UPDATE SKIP LOCKED
                    )
                    RETURNING 1
                )
                SELECT count(*) FROM pruned
                """,
                logger: self.store.logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    public func floorPrices() async throws -> [FloorPrice] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT tenant_id, campaign_type, floor_price_cents FROM floor_prices ORDER BY tenant_id, campaign_type", logger: self.store.logger
            )
            var floors: [FloorPrice] = []
            for try await (tenantID, type, cents) in rows.decode((String, String, Int64).self) {
                guard let campaignType = CampaignType(rawValue: type) else {
                    throw PostgresCorruptRow(table: "floor_prices", column: "campaign_type", value: type)
                }
                floors.append(FloorPrice(tenantID: tenantID, campaignType: campaignType, floorPriceCents: cents))
            }
            return floors
        }
    }

    public func saveFloorPrice(_ floor: FloorPrice) async throws {
        try await self.store.write { connection in
            try await PostgresChangeFeed.announce(.pingSettings, on: connection, logger: self.store.logger)
            _ = try await connection.query(
                """
                INSERT INTO floor_prices (tenant_id, campaign_type, floor_price_cents)
                VALUES (\(floor.tenantID), \(floor.campaignType.rawValue), \(floor.floorPriceCents))
                ON CONFLICT (tenant_id, campaign_type) DO UPDATE SET floor_price_cents = excluded.floor_price_cents
                """,
                logger: self.store.logger
            )
        }
    }

    public func maxSharedBuyers() async throws -> [String: Int] {
        try await self.store.read { connection in
            var settings: [String: Int] = [:]
            let rows = try await connection.query("SELECT tenant_id, max_shared_buyers FROM pingpost_settings", logger: self.store.logger)
            for try await (tenantID, value) in rows.decode((String, Int).self) { settings[tenantID] = value }
            return settings
        }
    }

    public func saveMaxSharedBuyers(_ value: Int, tenantID: String) async throws {
        try await self.store.write { connection in
            try await PostgresChangeFeed.announce(.pingSettings, on: connection, logger: self.store.logger)
            _ = try await connection.query(
                """
                INSERT INTO pingpost_settings (tenant_id, max_shared_buyers) VALUES (\(tenantID), \(value))
                ON CONFLICT (tenant_id) DO UPDATE SET max_shared_buyers = excluded.max_shared_buyers
                """,
                logger: self.store.logger
            )
        }
    }
}

// MARK: - Rows

extension PostgresPingRepository {
    /// The columns `pings(from:on:logger:)` reads, selected from `pings p`: the row and the buyers
    /// it sold to, in sale order (one statement, not one more per ping).
    static let columns = """
        p.id, p.tenant_id, p.campaign_type, p.state, p.zip_code, p.source, p.tmax_ms, p.floor_price_cents, p.created_at, \
        p.outranked_static_buyers, p.outcomes, p.outcomes_record, \
        coalesce((SELECT array_agg(s.buyer_id ORDER BY s.sold_at, s.rowid) FROM sales s WHERE s.ping_id = p.id), '{}') AS sold_to
        """

    /// Stores pings and their outcomes unless already stored: an auction's result never changes,
    /// and its sales live in `sales`. A sale's transaction calls this too, so the order in which
    /// the journal and a fast post reach the store does not matter.
    static func insert(_ pings: [Ping], on connection: PostgresConnection, logger: Logger) async throws {
        // One statement cannot touch a row twice (ON CONFLICT DO UPDATE refuses it): a ping listed
        // twice is merged as consecutive statements would leave it, its first row completed by its
        // first complete listing.
        var rows: [PingRow] = []
        var index: [String: Int] = [:]
        for ping in pings {
            let row = PingRow(ping)
            if let at = index[ping.id] {
                if !rows[at].complete && row.complete {
                    rows[at].record = row.record
                    rows[at].complete = true
                }
            } else {
                index[ping.id] = rows.count
                rows.append(row)
            }
        }
        // In id order, so two transactions upserting the same pings lock them in one order.
        rows.sort { $0.ping.id < $1.ping.id }
        // 13 parameters a row, well under PostgreSQL's 65,535 a statement.
        let chunk = 1_000
        for start in stride(from: 0, to: rows.count, by: chunk) {
            let slice = rows[start..<min(start + chunk, rows.count)]
            var bindings = PostgresBindings(capacity: slice.count * 13)
            var values: [String] = []
            values.reserveCapacity(slice.count)
            for row in slice {
                let first = bindings.count
                row.bind(into: &bindings)
                values.append("(" + (1...13).map { "$\(first + $0)" }.joined(separator: ", ") + ")")
            }
            // Only placeholders are spliced into the SQL; every value is bound.
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO pings (id, tenant_id, campaign_type, state, zip_code, source, tmax_ms, floor_price_cents, created_at,
                            expires_at, outranked_static_buyers, outcomes_record, outcomes_complete)
                        VALUES \(values.joined(separator: ", "))
                        ON CONFLICT (id) DO UPDATE SET outcomes_record = excluded.outcomes_record, outcomes = NULL, outcomes_complete = true
                            WHERE pings.outcomes_complete = false AND excluded.outcomes_complete = true
                        """,
                    binds: bindings
                ),
                logger: logger
            )
        }
    }

    /// One ping's values as `insert` writes them.
    private struct PingRow {
        var ping: Ping
        var record: ByteBuffer
        var complete: Bool

        init(_ ping: Ping) {
            // A ping from the ping book carries its bids but not the other outcomes (a sale commits
            // it so): its bids are stored now, and the journal completes the row when it writes the ping.
            let complete = !(ping.outcomes.isEmpty && !ping.bids.isEmpty)
            let outcomes = complete ? ping.outcomes : ping.bids.map(BuyerOutcome.init(bid:))
            let ranks = Dictionary(uniqueKeysWithValues: ping.bids.enumerated().map { ($1.buyerID, $0) })
            self.ping = ping
            self.record = ByteBuffer(bytes: PingOutcomeRecord.encode(outcomes, ranks: ranks))
            self.complete = complete
        }

        func bind(into bindings: inout PostgresBindings) {
            let ping = self.ping
            bindings.append(ping.id)
            bindings.append(ping.tenantID)
            bindings.append(ping.request.campaignType.rawValue)
            bindings.append(ping.request.state)
            bindings.append(ping.request.zipCode)
            bindings.append(ping.request.source)
            bindings.append(Int64(ping.request.tmaxMilliseconds))
            bindings.append(ping.floorPriceCents)
            bindings.append(ping.createdAtMilliseconds)
            bindings.append(ping.expiresAtMilliseconds)
            bindings.append(Int64(ping.outrankedStaticBuyers))
            bindings.append(self.record)
            bindings.append(self.complete)
        }
    }

    /// The pings `rows` holds, selected with `columns`. Rows are read whole before any other
    /// statement runs on the connection (a ping kept in the oldest form needs one more).
    static func pings(from rows: PostgresRowSequence, on connection: PostgresConnection, logger: Logger) async throws -> [Ping] {
        var read: [(row: PostgresRandomAccessRow, legacy: Bool)] = []
        for try await row in rows {
            let random = row.makeRandomAccess()
            let legacy = random["outcomes_record"].bytes == nil && random["outcomes"].bytes == nil
            read.append((random, legacy))
        }
        var pings: [Ping] = []
        pings.reserveCapacity(read.count)
        for (row, legacy) in read {
            let id = try row["id"].decode(String.self)
            let ranked: [(outcome: BuyerOutcome, rank: Int?)]
            if let record = try row["outcomes_record"].decode(ByteBuffer?.self) {
                do {
                    ranked = try PingOutcomeRecord.decode(Array(record.readableBytesView))
                } catch {
                    throw PostgresCorruptRow(table: "pings", column: "outcomes_record", value: "\(record.readableBytes) bytes: \(error)")
                }
            } else if !legacy, let json = try row["outcomes"].decode(String?.self) {
                ranked = try Self.outcomes(fromJSON: json)
            } else {
                ranked = try await Self.legacyOutcomes(pingID: id, on: connection, logger: logger)
            }
            pings.append(try Self.ping(from: row, id: id, ranked: ranked))
        }
        return pings
    }

    private static func ping(from row: PostgresRandomAccessRow, id: String, ranked: [(outcome: BuyerOutcome, rank: Int?)]) throws -> Ping {
        let bids = ranked.compactMap { entry in entry.outcome.bid.map { (rank: entry.rank ?? Int.max, bid: $0) } }
        let rawType = try row["campaign_type"].decode(String.self)
        guard let campaignType = CampaignType(rawValue: rawType) else {
            throw PostgresCorruptRow(table: "pings", column: "campaign_type", value: rawType)
        }
        let request = PingRequest(
            campaignType: campaignType, state: try row["state"].decode(String.self), zipCode: try row["zip_code"].decode(String.self),
            source: try row["source"].decode(String.self), tmaxMilliseconds: try row["tmax_ms"].decode(Int.self)
        )
        return Ping(
            id: id, tenantID: try row["tenant_id"].decode(String.self), request: request, floorPriceCents: try row["floor_price_cents"].decode(Int64.self),
            bids: bids.sorted { $0.rank < $1.rank }.map(\.bid), outcomes: ranked.map(\.outcome),
            createdAtMilliseconds: try row["created_at"].decode(Int64.self), soldTo: try row["sold_to"].decode([String].self),
            outrankedStaticBuyers: try row["outranked_static_buyers"].decode(Int.self)
        )
    }

    /// Outcomes from the JSON column that SQLite rows written before 2026-12-04 keep, each with its
    /// bid's rank (a database copied from such a file).
    static func outcomes(fromJSON text: String) throws -> [(outcome: BuyerOutcome, rank: Int?)] {
        guard let outcomes = PingOutcomeRecord.decode(json: text) else {
            throw PostgresCorruptRow(table: "pings", column: "outcomes", value: String(text.prefix(200)))
        }
        return outcomes
    }

    /// Outcomes of a ping written before they moved into the pings row: one row per buyer.
    private static func legacyOutcomes(pingID: String, on connection: PostgresConnection, logger: Logger) async throws -> [(
        outcome: BuyerOutcome, rank: Int?
    )] {
        let rows = try await connection.query(
            """
            SELECT buyer_id, buyer_name, bid_rank, bid_cents, exclusivity, bid_source, no_bid_reason, detail, response_ms
            FROM ping_outcomes WHERE ping_id = \(pingID) ORDER BY rowid
            """,
            logger: logger
        )
        var outcomes: [(outcome: BuyerOutcome, rank: Int?)] = []
        for try await (buyerID, buyerName, rank, cents, exclusivity, source, reason, detail, response) in rows.decode(
            (String, String, Int?, Int64?, String?, String?, String?, String?, Int?).self
        ) {
            if let cents {
                guard let exclusivity = exclusivity.flatMap(Exclusivity.init(rawValue:)) else {
                    throw PostgresCorruptRow(table: "ping_outcomes", column: "exclusivity", value: exclusivity ?? "NULL")
                }
                guard let source = source.flatMap(BidSource.init(rawValue:)) else {
                    throw PostgresCorruptRow(table: "ping_outcomes", column: "bid_source", value: source ?? "NULL")
                }
                let bid = Bid(buyerID: buyerID, buyerName: buyerName, bidCents: cents, exclusivity: exclusivity, source: source, responseMilliseconds: response ?? 0)
                outcomes.append((BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid), responseMilliseconds: response), rank))
            } else {
                guard let reason = reason.flatMap(NoBidReason.init(rawValue:)) else {
                    throw PostgresCorruptRow(table: "ping_outcomes", column: "no_bid_reason", value: reason ?? "NULL")
                }
                let result = BuyerOutcome.Result.noBid(reason, detail: detail)
                outcomes.append((BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: result, responseMilliseconds: response), nil))
            }
        }
        return outcomes
    }
}
