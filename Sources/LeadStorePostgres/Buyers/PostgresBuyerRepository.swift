import Foundation
import LeadEngine
import PostgresNIO

/// Buyers in PostgreSQL; behaves as `SQLiteBuyerRepository` does.
///
/// `update` reads the row with `SELECT … FOR UPDATE` in its write transaction, so concurrent
/// read-modify-write updates of one buyer queue behind each other and each transform sees the one
/// before. Terms that the balance already breaks are refused by the schema's
/// `buyers_balance_floor` check, reported as `StoreRefusal.balanceBelowFloor`.
public struct PostgresBuyerRepository: BuyerRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func insert(_ buyer: Buyer) async throws {
        try await self.store.write { connection in
            // Every node's buyers in memory are read again once this commits.
            try await PostgresChangeFeed.announce(.buyers, on: connection, logger: self.store.logger)
            let columns = PostgresBuyerRows.Columns(buyer)
            try await connection.query(
                """
                INSERT INTO buyers (id, tenant_id, name, campaign_types, states, max_price_cents, webhook_url, webhook_secret,
                    bid_url, bid_timeout_ms, exclusivity, zip_codes, daily_cap, time_zone, status, revision, created_at, updated_at,
                    billing_mode, credit_limit_cents, return_window_hours, max_return_percent, require_dnc_clear)
                VALUES (\(buyer.id), \(buyer.tenantID), \(buyer.name), \(columns.campaignTypes), \(columns.states), \(buyer.maxPriceCents),
                    \(buyer.webhookURL), \(buyer.webhookSecret), \(buyer.bidURL), \(buyer.bidTimeoutMilliseconds), \(buyer.exclusivity.rawValue),
                    \(columns.zipCodes), \(buyer.dailyCap), \(buyer.timeZone), \(buyer.status.rawValue), \(buyer.revision),
                    \(buyer.createdAt.epochMilliseconds), \(buyer.updatedAt.epochMilliseconds), \(buyer.billing.mode.rawValue),
                    \(buyer.billing.creditLimitCents), \(buyer.billing.returnWindowHours), \(buyer.billing.maxReturnPercent), \(buyer.requireDNCClear))
                """,
                logger: self.store.logger
            )
        }
    }

    public func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Buyer) throws -> Void
    ) async throws -> Buyer? {
        try await self.store.write { connection -> Buyer? in
            // Every node's buyers in memory are read again once this commits.
            try await PostgresChangeFeed.announce(.buyers, on: connection, logger: self.store.logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: PostgresBuyerRows.columns) FROM buyers WHERE id = \(id) AND tenant_id = \(tenantID) FOR UPDATE",
                logger: self.store.logger
            )
            guard var buyer = try await PostgresBuyerRows.buyers(from: rows).first else { return nil }
            try transform(&buyer)
            let columns = PostgresBuyerRows.Columns(buyer)
            _ = try await PostgresLedgerFloor.translate {
                try await connection.query(
                    """
                    UPDATE buyers SET name = \(buyer.name), campaign_types = \(columns.campaignTypes), states = \(columns.states),
                        max_price_cents = \(buyer.maxPriceCents), webhook_url = \(buyer.webhookURL), webhook_secret = \(buyer.webhookSecret),
                        bid_url = \(buyer.bidURL), bid_timeout_ms = \(buyer.bidTimeoutMilliseconds), exclusivity = \(buyer.exclusivity.rawValue),
                        zip_codes = \(columns.zipCodes), daily_cap = \(buyer.dailyCap), time_zone = \(buyer.timeZone), status = \(buyer.status.rawValue),
                        revision = \(buyer.revision), created_at = \(buyer.createdAt.epochMilliseconds), updated_at = \(buyer.updatedAt.epochMilliseconds),
                        billing_mode = \(buyer.billing.mode.rawValue), credit_limit_cents = \(buyer.billing.creditLimitCents),
                        return_window_hours = \(buyer.billing.returnWindowHours), max_return_percent = \(buyer.billing.maxReturnPercent),
                        require_dnc_clear = \(buyer.requireDNCClear)
                    WHERE id = \(buyer.id) AND tenant_id = \(buyer.tenantID)
                    """,
                    logger: self.store.logger
                )
            }
            return buyer
        }
    }

    public func buyer(id: String, tenantID: String) async throws -> Buyer? {
        try await self.store.read { connection in
            try await PostgresBuyerRows.buyers(
                from: connection.query(
                    "SELECT \(unescaped: PostgresBuyerRows.columns) FROM buyers WHERE id = \(id) AND tenant_id = \(tenantID)",
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func buyers(tenantID: String, filter: BuyerFilter, page: PageRequest) async throws -> Page<Buyer> {
        try await self.store.read { connection in
            var listing = PostgresTenantListing(table: "buyers", tenantID: tenantID)
            if let status = filter.status { listing.filter("status = $?", status.rawValue) }
            // Whole elements of the JSON arrays, never substrings.
            if let type = filter.campaignType {
                listing.filter("EXISTS (SELECT 1 FROM jsonb_array_elements_text(buyers.campaign_types::jsonb) AS t(value) WHERE t.value = $?)", type.rawValue)
            }
            if let state = filter.state {
                listing.filter("EXISTS (SELECT 1 FROM jsonb_array_elements_text(buyers.states::jsonb) AS s(value) WHERE s.value = $?)", state)
            }
            let result = try await listing.fetch(
                columns: PostgresBuyerRows.columns, page: page, on: connection, logger: self.store.logger, PostgresBuyerRows.buyers(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func allBuyers() async throws -> [Buyer] {
        try await self.store.read { connection in
            try await PostgresBuyerRows.buyers(
                from: connection.query("SELECT \(unescaped: PostgresBuyerRows.columns) FROM buyers", logger: self.store.logger)
            )
        }
    }

    public func performance(buyerIDs: [String], tenantID: String) async throws -> [String: BuyerPerformance] {
        guard !buyerIDs.isEmpty else { return [:] }
        let figures = try await PostgresSalesFiguresRepository(store: self.store)
            .salesFigures(tenantID: tenantID, by: .buyer, ids: buyerIDs, period: nil)
        return try await self.store.read { connection in
            var result = figures.mapValues { BuyerPerformance(sales: $0) }
            let responseTimes = try await connection.query(
                """
                SELECT buyer_id, coalesce(round(avg(response_time_ms))::bigint, 0)
                FROM sales WHERE tenant_id = \(tenantID) AND buyer_id = ANY(\(buyerIDs)) GROUP BY buyer_id
                """,
                logger: self.store.logger
            )
            for try await (buyerID, milliseconds) in responseTimes.decode((String, Int).self) {
                result[buyerID, default: .none].averageResponseTimeMilliseconds = milliseconds
            }
            let balances = try await connection.query(
                "SELECT id, balance_cents FROM buyers WHERE tenant_id = \(tenantID) AND id = ANY(\(buyerIDs))", logger: self.store.logger
            )
            for try await (buyerID, balance) in balances.decode((String, Int64).self) {
                // A buyer that never bought and holds nothing has no facts to report.
                if balance != 0 || result[buyerID] != nil { result[buyerID, default: .none].balanceCents = balance }
            }
            return result
        }
    }
}
