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
            let sales = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(saleScope) AS scope, count(*) AS sold, total(s.price_cents) AS gross,
                        total(s.status = 'returned') AS returned, total(CASE WHEN s.status = 'returned' THEN s.price_cents END) AS returned_cents,
                        total(s.status = 'accepted') AS accepted
                    FROM sales s WHERE \(saleFilter) GROUP BY scope
                    """,
                arguments: StatementArguments(saleArguments)
            )
            for row in sales {
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

    public func leadFunnelByDay(tenantID: String, period: BillingPeriod) async throws -> [DailyLeadFunnel] {
        try await self.database.read { db in
            let arguments: StatementArguments = [DailyLeadFunnel.millisecondsPerDay, tenantID, period.startMilliseconds, period.endMilliseconds]
            let leads = try Row.fetchAll(
                db,
                sql: """
                    SELECT created_at / ? AS day, count(*) AS created, total(status IN ('rejected', 'duplicate')) AS dropped
                    FROM leads WHERE tenant_id = ? AND created_at >= ? AND created_at < ? GROUP BY day
                    """,
                arguments: arguments
            ).map { DailyLeadFunnel(epochDay: $0["day"], created: $0["created"], rejectedOrDuplicate: Int($0["dropped"] as Double)) }
            let sales = try Row.fetchAll(
                db,
                sql: """
                    SELECT sold_at / ? AS day, count(*) AS sales, count(DISTINCT lead_id) AS sold, total(status = 'returned') AS returned
                    FROM sales WHERE tenant_id = ? AND sold_at >= ? AND sold_at < ? GROUP BY day
                    """,
                arguments: arguments
            ).map { DailyLeadFunnel(epochDay: $0["day"], sold: $0["sold"], sales: $0["sales"], returned: Int($0["returned"] as Double)) }
            return DailyLeadFunnel.merge(leads: leads, sales: sales)
        }
    }

    public func leadCounts(tenantID: String, period: BillingPeriod) async throws -> LeadCounts {
        try await self.database.read { db in
            let range: [any DatabaseValueConvertible] = [tenantID, period.startMilliseconds, period.endMilliseconds]
            let leads = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS created, total(status IN ('rejected', 'duplicate')) AS dropped
                    FROM leads WHERE tenant_id = ? AND created_at >= ? AND created_at < ?
                    """,
                arguments: StatementArguments(range)
            )
            let sold = try Int.fetchOne(
                db, sql: "SELECT count(DISTINCT lead_id) FROM sales WHERE tenant_id = ? AND sold_at >= ? AND sold_at < ?",
                arguments: StatementArguments(range)
            )
            return LeadCounts(created: leads?["created"] ?? 0, rejectedOrDuplicate: Int(leads?["dropped"] ?? 0.0), sold: sold ?? 0)
        }
    }
}
