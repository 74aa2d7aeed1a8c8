import Foundation
import LeadEngine
import PostgresNIO

/// The raw sums behind `SalesFigures` in PostgreSQL, as `SQLiteSalesFiguresRepository` reads
/// them: sales by the month of `sold_at`, refunds by the month they were made. Every derived
/// number (accepted, rates, averages, net) is the engine's.
///
/// Sums of BIGINT columns are NUMERIC in PostgreSQL and are cast back to BIGINT; counts of a
/// condition are `count(*) FILTER (WHERE …)` (SQLite's `total()` of a boolean).
public struct PostgresSalesFiguresRepository: SalesFiguresRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func salesFigures(
        tenantID: String, by grouping: SalesGrouping, ids: [String]?, period: BillingPeriod?
    ) async throws -> [String: SalesFigures] {
        if let ids, ids.isEmpty { return [:] }
        return try await self.store.read { connection in
            let (saleScope, refundScope, refundJoin) =
                switch grouping {
                case .tenant: ("''::text", "''::text", "")
                case .buyer: ("s.buyer_id", "e.buyer_id", "")
                // A refund belongs to the campaign that funded the sale it gives back.
                case .campaign: ("s.campaign_id", "s.campaign_id", "JOIN sales s ON s.lead_id = e.lead_id AND s.buyer_id = e.buyer_id")
                }
            var sales = Statement(tenantID: tenantID, filter: "s.tenant_id = $1")
            var refunds = Statement(tenantID: tenantID, filter: "e.tenant_id = $1 AND e.kind = 'refund' AND e.buyer_id IS NOT NULL")
            if let period {
                sales.filter("s.sold_at >= $? AND s.sold_at < $?", period.startMilliseconds, period.endMilliseconds)
                refunds.filter("e.created_at >= $? AND e.created_at < $?", period.startMilliseconds, period.endMilliseconds)
            }
            if grouping == .campaign {
                sales.filter("s.campaign_id IS NOT NULL")
                refunds.filter("s.campaign_id IS NOT NULL")
            }
            if let ids {
                sales.filter("\(saleScope) = ANY($?)", ids)
                refunds.filter("\(refundScope) = ANY($?)", ids)
            }
            var figures: [String: SalesFigures] = [:]
            let saleRows = try await connection.query(
                sales.query(
                    """
                    SELECT \(saleScope) AS scope, count(*), coalesce(sum(s.price_cents), 0)::bigint,
                        count(*) FILTER (WHERE s.status = 'returned'), coalesce(sum(s.price_cents) FILTER (WHERE s.status = 'returned'), 0)::bigint,
                        count(*) FILTER (WHERE s.status = 'accepted')
                    FROM sales s WHERE %WHERE% GROUP BY 1
                    """
                ),
                logger: self.store.logger
            )
            for try await (scope, sold, gross, returned, returnedCents, accepted) in saleRows.decode((String, Int, Int64, Int, Int64, Int).self) {
                figures[scope] = SalesFigures(
                    sold: sold, grossCents: gross, returned: returned, returnedCents: returnedCents, explicitlyAccepted: accepted
                )
            }
            let refundRows = try await connection.query(
                refunds.query("SELECT \(refundScope) AS scope, sum(e.amount_cents)::bigint FROM ledger_entries e \(refundJoin) WHERE %WHERE% GROUP BY 1"),
                logger: self.store.logger
            )
            for try await (scope, refunded) in refundRows.decode((String, Int64).self) {
                figures[scope, default: .zero].refundsCents = refunded
            }
            return figures
        }
    }

    public func leadFunnelByDay(tenantID: String, period: BillingPeriod) async throws -> [DailyLeadFunnel] {
        try await self.store.read { connection in
            let day = DailyLeadFunnel.millisecondsPerDay
            let leadRows = try await connection.query(
                """
                SELECT created_at / \(day) AS day, count(*), count(*) FILTER (WHERE status IN ('rejected', 'duplicate'))
                FROM leads WHERE tenant_id = \(tenantID) AND created_at >= \(period.startMilliseconds) AND created_at < \(period.endMilliseconds)
                GROUP BY day
                """,
                logger: self.store.logger
            )
            var leads: [DailyLeadFunnel] = []
            for try await (epochDay, created, dropped) in leadRows.decode((Int64, Int, Int).self) {
                leads.append(DailyLeadFunnel(epochDay: epochDay, created: created, rejectedOrDuplicate: dropped))
            }
            let saleRows = try await connection.query(
                """
                SELECT sold_at / \(day) AS day, count(*), count(DISTINCT lead_id), count(*) FILTER (WHERE status = 'returned')
                FROM sales WHERE tenant_id = \(tenantID) AND sold_at >= \(period.startMilliseconds) AND sold_at < \(period.endMilliseconds)
                GROUP BY day
                """,
                logger: self.store.logger
            )
            var sales: [DailyLeadFunnel] = []
            for try await (epochDay, count, sold, returned) in saleRows.decode((Int64, Int, Int, Int).self) {
                sales.append(DailyLeadFunnel(epochDay: epochDay, sold: sold, sales: count, returned: returned))
            }
            return DailyLeadFunnel.merge(leads: leads, sales: sales)
        }
    }

    public func leadCounts(tenantID: String, period: BillingPeriod) async throws -> LeadCounts {
        try await self.store.read { connection in
            var counts = LeadCounts()
            let leads = try await connection.query(
                """
                SELECT count(*), count(*) FILTER (WHERE status IN ('rejected', 'duplicate'))
                FROM leads WHERE tenant_id = \(tenantID) AND created_at >= \(period.startMilliseconds) AND created_at < \(period.endMilliseconds)
                """,
                logger: self.store.logger
            )
            for try await (created, dropped) in leads.decode((Int, Int).self) {
                counts.created = created
                counts.rejectedOrDuplicate = dropped
            }
            let sold = try await connection.query(
                """
                SELECT count(DISTINCT lead_id) FROM sales
                WHERE tenant_id = \(tenantID) AND sold_at >= \(period.startMilliseconds) AND sold_at < \(period.endMilliseconds)
                """,
                logger: self.store.logger
            )
            for try await count in sold.decode(Int.self) { counts.sold = count }
            return counts
        }
    }

    /// A statement's WHERE clause and its bound values, built up filter by filter; `$?` in a
    /// filter stands for its next value.
    private struct Statement {
        var conditions: [String]
        var binds = PostgresBindings()

        init(tenantID: String, filter: String) {
            self.binds.append(tenantID)
            self.conditions = [filter]
        }

        mutating func filter(_ condition: String) {
            self.conditions.append(condition)
        }

        mutating func filter(_ condition: String, _ first: Int64, _ second: Int64) {
            self.binds.append(first)
            let firstPlaceholder = "$\(self.binds.count)"
            self.binds.append(second)
            self.conditions.append(self.replace(self.replace(condition, firstPlaceholder), "$\(self.binds.count)"))
        }

        mutating func filter(_ condition: String, _ values: [String]) {
            self.binds.append(values)
            self.conditions.append(self.replace(condition, "$\(self.binds.count)"))
        }

        /// `sql` with `%WHERE%` replaced by the conditions.
        func query(_ sql: String) -> PostgresQuery {
            PostgresQuery(unsafeSQL: sql.replacing("%WHERE%", with: self.conditions.joined(separator: " AND ")), binds: self.binds)
        }

        /// `condition` with its first `$?` replaced by `placeholder`.
        private func replace(_ condition: String, _ placeholder: String) -> String {
            guard let range = condition.firstRange(of: "$?") else { return condition }
            return condition.replacingCharacters(in: range, with: placeholder)
        }
    }
}
