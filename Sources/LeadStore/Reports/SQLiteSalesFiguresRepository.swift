import GRDB
import LeadEngine

/// The raw sums behind `SalesFigures`: sales by the month of `sold_at`, refunds by the month they
/// were made. Every derived number (accepted, rates, averages, net) is the engine's.
public struct SQLiteSalesFiguresRepository: SalesFiguresRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func salesFigures(
        tenantID: String, by grouping: SalesGrouping, ids: [String]?, period: BillingPeriod?
    ) async throws -> [String: SalesFigures] {
        if let ids, ids.isEmpty { return [:] }
        return try await self.database.read { db in
            let (saleScope, refundScope, refundJoin) =
                switch grouping {
                case .tenant: ("''", "''", "")
                case .buyer: ("s.buyer_id", "e.buyer_id", "")
                // A refund belongs to the campaign that funded the sale it gives back.
                case .campaign: ("s.campaign_id", "s.campaign_id", "JOIN sales s ON s.lead_id = e.lead_id AND s.buyer_id = e.buyer_id")
                }
            var saleFilter = "s.tenant_id = ?"
            var saleArguments: [any DatabaseValueConvertible] = [tenantID]
            var refundFilter = "e.tenant_id = ? AND e.kind = 'refund' AND e.buyer_id IS NOT NULL"
            var refundArguments: [any DatabaseValueConvertible] = [tenantID]
            if let period {
                saleFilter += " AND s.sold_at >= ? AND s.sold_at < ?"
                saleArguments += [period.startMilliseconds, period.endMilliseconds]
                refundFilter += " AND e.created_at >= ? AND e.created_at < ?"
                refundArguments += [period.startMilliseconds, period.endMilliseconds]
            }
            if grouping == .campaign {
                saleFilter += " AND s.campaign_id IS NOT NULL"
                refundFilter += " AND s.campaign_id IS NOT NULL"
            }
            if let ids {
                let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                saleFilter += " AND \(saleScope) IN (\(placeholders))"
                saleArguments += ids
                refundFilter += " AND \(refundScope) IN (\(placeholders))"
                refundArguments += ids
            }
            var figures: [String: SalesFigures] = [:]
            let sales: [Row]
            if grouping == .tenant && ids == nil {
                // The whole tenant's: from the day counts, a month in 31 rows whatever its sales.
                var days = ""
                var arguments: [any DatabaseValueConvertible] = [tenantID]
                if let period {
                    days = " AND day >= ? AND day < ?"
                    arguments += [period.startMilliseconds / DailyLeadFunnel.millisecondsPerDay, period.endMilliseconds / DailyLeadFunnel.millisecondsPerDay]
                }
                sales = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT '' AS scope, coalesce(sum(sales), 0) AS sold, total(price_cents) AS gross,
                            total(CASE WHEN status = 'returned' THEN sales END) AS returned,
                            total(CASE WHEN status = 'returned' THEN price_cents END) AS returned_cents,
                            total(CASE WHEN status = 'accepted' THEN sales END) AS accepted
                        FROM sale_days WHERE tenant_id = ?\(days)
                        """,
                    arguments: StatementArguments(arguments)
                )
            } else {
                sales = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(saleScope) AS scope, count(*) AS sold, total(s.price_cents) AS gross,
                            total(s.status = 'returned') AS returned, total(CASE WHEN s.status = 'returned' THEN s.price_cents END) AS returned_cents,
                            total(s.status = 'accepted') AS accepted
                        FROM sales s WHERE \(saleFilter) GROUP BY scope
                        """,
                    arguments: StatementArguments(saleArguments)
                )
            }
            // The day counts answer one row even for a period without sales: of zeros.
            for row in sales where (row["sold"] as Int) > 0 {
                figures[row["scope"]] = SalesFigures(
                    sold: row["sold"], grossCents: Int64(row["gross"] as Double), returned: Int(row["returned"] as Double),
                    returnedCents: Int64(row["returned_cents"] as Double), explicitlyAccepted: Int(row["accepted"] as Double)
                )
            }
            let refunds = try Row.fetchAll(
                db,
                sql: "SELECT \(refundScope) AS scope, sum(e.amount_cents) AS refunds FROM ledger_entries e \(refundJoin) WHERE \(refundFilter) GROUP BY scope",
                arguments: StatementArguments(refundArguments)
            )
            for row in refunds {
                figures[row["scope"], default: .zero].refundsCents = row["refunds"]
            }
            return figures
        }
    }

    // Lead counts and the funnel read the day counts the schema's triggers keep (`lead_days`,
    // `sale_days`, `sold_lead_days`): a month is a few dozen rows whatever its leads.

    public func leadFunnelByDay(tenantID: String, period: BillingPeriod) async throws -> [DailyLeadFunnel] {
        try await self.database.read { db in
            let arguments = Self.days(tenantID: tenantID, period: period)
            let leads = try Row.fetchAll(
                db,
                sql: """
                    SELECT day, sum(leads) AS created, total(CASE WHEN status IN ('rejected', 'duplicate') THEN leads END) AS dropped
                    FROM lead_days WHERE tenant_id = ? AND day >= ? AND day < ? GROUP BY day HAVING created > 0
                    """,
                arguments: arguments
            ).map { DailyLeadFunnel(epochDay: $0["day"], created: $0["created"], rejectedOrDuplicate: Int($0["dropped"] as Double)) }
            let sales = try Row.fetchAll(
                db,
                sql: """
                    SELECT day, sum(sales) AS sales, total(CASE WHEN status = 'returned' THEN sales END) AS returned
                    FROM sale_days WHERE tenant_id = ? AND day >= ? AND day < ? GROUP BY day HAVING sales > 0
                    """,
                arguments: arguments
            ).map { DailyLeadFunnel(epochDay: $0["day"], sales: $0["sales"], returned: Int($0["returned"] as Double)) }
            let sold = try Row.fetchAll(
                db, sql: "SELECT day, first_of_day FROM sold_lead_days WHERE tenant_id = ? AND day >= ? AND day < ? AND first_of_day > 0",
                arguments: arguments
            ).map { DailyLeadFunnel(epochDay: $0["day"], sold: $0["first_of_day"]) }
            return DailyLeadFunnel.merge(leads: leads, sales: sales + sold)
        }
    }

    public func leadCounts(tenantID: String, period: BillingPeriod) async throws -> LeadCounts {
        try await self.database.read { db in
            let arguments = Self.days(tenantID: tenantID, period: period)
            let leads = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(leads), 0) AS created, total(CASE WHEN status IN ('rejected', 'duplicate') THEN leads END) AS dropped
                    FROM lead_days WHERE tenant_id = ? AND day >= ? AND day < ?
                    """,
                arguments: arguments
            )
            let sold = try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(first_of_month), 0) FROM sold_lead_days WHERE tenant_id = ? AND day >= ? AND day < ?",
                arguments: arguments
            )
            return LeadCounts(created: leads?["created"] ?? 0, rejectedOrDuplicate: Int(leads?["dropped"] ?? 0.0), sold: sold ?? 0)
        }
    }

    /// The tenant and the period as day numbers, `[first, end)`: a month starts and ends at UTC midnight.
    static func days(tenantID: String, period: BillingPeriod) -> StatementArguments {
        [tenantID, period.startMilliseconds / DailyLeadFunnel.millisecondsPerDay, period.endMilliseconds / DailyLeadFunnel.millisecondsPerDay]
    }
}
