import Foundation
import GRDB
import LeadEngine

public struct SQLiteBuyerRepository: BuyerRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ buyer: Buyer) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO buyers (id, tenant_id, name, campaign_types, states, max_price_cents, webhook_url, webhook_secret,
                        bid_url, bid_timeout_ms, exclusivity, zip_codes, daily_cap, time_zone, status, revision, created_at, updated_at,
                        billing_mode, credit_limit_cents, return_window_hours, max_return_percent, require_dnc_clear)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(Self.columnValues(buyer))
            )
        }
    }

    public func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Buyer) throws -> Void
    ) async throws -> Buyer? {
        try await self.database.write { db -> Buyer? in
            guard var buyer = try Self.fetch(id: id, tenantID: tenantID, db) else { return nil }
            try transform(&buyer)
            try LedgerFloor.translate {
            try db.execute(
                sql: """
                    UPDATE buyers SET name = ?, campaign_types = ?, states = ?, max_price_cents = ?, webhook_url = ?, webhook_secret = ?,
                        bid_url = ?, bid_timeout_ms = ?, exclusivity = ?, zip_codes = ?, daily_cap = ?, time_zone = ?, status = ?,
                        revision = ?,
                        created_at = ?, updated_at = ?,
                        billing_mode = ?, credit_limit_cents = ?, return_window_hours = ?, max_return_percent = ?, require_dnc_clear = ?
                    WHERE id = ? AND tenant_id = ?
                    """,
                arguments: StatementArguments(Self.columnValues(buyer).dropFirst(2)) + [buyer.id, buyer.tenantID]
            )
            }
            return buyer
        }
    }

    public func buyer(id: String, tenantID: String) async throws -> Buyer? {
        try await self.database.read { db in try Self.fetch(id: id, tenantID: tenantID, db) }
    }

    public func buyers(tenantID: String, filter: BuyerFilter, page: PageRequest) async throws -> Page<Buyer> {
        try await self.database.read { db in
            var query = PagedQuery(table: "buyers", tenantID: tenantID)
            if let status = filter.status { query.filter("status = ?", status.rawValue) }
            if let type = filter.campaignType {
                query.filter("EXISTS (SELECT 1 FROM json_each(buyers.campaign_types) WHERE value = ?)", type.rawValue)
            }
            if let state = filter.state { query.filter("EXISTS (SELECT 1 FROM json_each(buyers.states) WHERE value = ?)", state) }
            let result = try query.fetch(db, page: page)
            return Page(items: try result.rows.map(Self.buyer(from:)), total: result.total, request: page)
        }
    }

    public func allBuyers() async throws -> [Buyer] {
        try await self.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM buyers").map(Self.buyer(from:)) }
    }

    public func performance(buyerIDs: [String], tenantID: String) async throws -> [String: BuyerPerformance] {
        guard !buyerIDs.isEmpty else { return [:] }
        let figures = try await SQLiteSalesFiguresRepository(database: self.database)
            .salesFigures(tenantID: tenantID, by: .buyer, ids: buyerIDs, period: nil)
        return try await self.database.read { db in
            var result = figures.mapValues { BuyerPerformance(sales: $0) }
            let placeholders = Array(repeating: "?", count: buyerIDs.count).joined(separator: ", ")
            let responseTimes = try Row.fetchAll(
                db,
                sql: """
                    SELECT buyer_id, coalesce(CAST(round(avg(response_time_ms)) AS INTEGER), 0) AS response_ms
                    FROM sales WHERE tenant_id = ? AND buyer_id IN (\(placeholders)) GROUP BY buyer_id
                    """,
                arguments: StatementArguments([tenantID] + buyerIDs)
            )
            for row in responseTimes { result[row["buyer_id"], default: .none].averageResponseTimeMilliseconds = row["response_ms"] }
            let balances = try Row.fetchAll(
                db, sql: "SELECT id, balance_cents FROM buyers WHERE tenant_id = ? AND id IN (\(placeholders))",
                arguments: StatementArguments([tenantID] + buyerIDs)
            )
            for row in balances {
                let balance: Int64 = row["balance_cents"]
                // A buyer that never bought and holds nothing has no facts to report.
                if balance != 0 || result[row["id"]] != nil { result[row["id"], default: .none].balanceCents = balance }
            }
            return result
        }
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> Buyer? {
        try Row.fetchOne(db, sql: "SELECT * FROM buyers WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]).map(Self.buyer(from:))
    }

    private static func columnValues(_ buyer: Buyer) -> [(any DatabaseValueConvertible)?] {
        [
            buyer.id, buyer.tenantID, buyer.name, ColumnCoding.json(buyer.campaignTypes.map(\.rawValue)), ColumnCoding.json(buyer.states),
            buyer.maxPriceCents, buyer.webhookURL, buyer.webhookSecret, buyer.bidURL, buyer.bidTimeoutMilliseconds,
            buyer.exclusivity.rawValue, buyer.zipCodes.map(ColumnCoding.json), buyer.dailyCap, buyer.timeZone, buyer.status.rawValue, buyer.revision,
            ColumnCoding.milliseconds(buyer.createdAt), ColumnCoding.milliseconds(buyer.updatedAt),
            buyer.billing.mode.rawValue, buyer.billing.creditLimitCents, buyer.billing.returnWindowHours, buyer.billing.maxReturnPercent,
            buyer.requireDNCClear,
        ]
    }

    static func billingTerms(from row: Row) throws -> BillingTerms {
        BillingTerms(
            mode: try row.required(BillingMode.self, "billing_mode", table: "buyers"), creditLimitCents: row["credit_limit_cents"],
            returnWindowHours: row["return_window_hours"], maxReturnPercent: row["max_return_percent"]
        )
    }

    private static func buyer(from row: Row) throws -> Buyer {
        let types = try ColumnCoding.strings(fromJSON: row["campaign_types"]).map { raw in
            guard let type = CampaignType(rawValue: raw) else { throw CorruptRowError(table: "buyers", column: "campaign_types", value: raw) }
            return type
        }
        return Buyer(
            id: row["id"], tenantID: row["tenant_id"], name: row["name"], campaignTypes: types,
            states: try ColumnCoding.strings(fromJSON: row["states"]), maxPriceCents: row["max_price_cents"],
            webhookURL: row["webhook_url"], webhookSecret: row["webhook_secret"], bidURL: row["bid_url"],
            bidTimeoutMilliseconds: row["bid_timeout_ms"], exclusivity: try row.required(Exclusivity.self, "exclusivity", table: "buyers"),
            zipCodes: try (row["zip_codes"] as String?).map(ColumnCoding.strings(fromJSON:)), dailyCap: row["daily_cap"],
            timeZone: row["time_zone"], billing: try Self.billingTerms(from: row),
            requireDNCClear: row["require_dnc_clear"], status: try row.required(BuyerStatus.self, "status", table: "buyers"), revision: row["revision"],
            createdAt: ColumnCoding.date(row["created_at"]), updatedAt: ColumnCoding.date(row["updated_at"])
        )
    }
}
