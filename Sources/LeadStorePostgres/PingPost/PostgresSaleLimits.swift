import LeadEngine
import Logging
import PostgresNIO

/// Holds a sale to its `SaleLimits` across nodes, in the sale's own transaction: reads what the
/// store holds under the row locks that serialise the ping's, the buyer's and the campaign's
/// sales (in that order, everywhere, so two sales never wait on each other in a circle), and lets
/// the engine's rule decide. A refusal aborts the transaction: nothing of the sale is written.
enum PostgresSaleLimits {
    /// Call after the ping's row is written (the upsert holds its lock until commit).
    static func hold(_ record: SaleRecord, on connection: PostgresConnection, logger: Logger) async throws {
        guard let limits = record.limits, let buyerID = record.lead.buyerID else { return }
        var soldTo: [String] = []
        let sold = try await connection.query("SELECT buyer_id FROM sales WHERE ping_id = \(record.ping.id) ORDER BY sold_at, id", logger: logger)
        for try await buyer in sold.decode(String?.self) { if let buyer { soldTo.append(buyer) } }
        try await connection.query("SELECT 1 FROM buyers WHERE id = \(buyerID) FOR NO KEY UPDATE", logger: logger)
        var standing = SaleLimits.Standing(
            pingSoldTo: soldTo,
            buyerSalesToday: try await Self.count(
                "SELECT count(*) FROM sales WHERE buyer_id = \(buyerID) AND sold_at >= \(limits.dayStartMilliseconds)", on: connection, logger: logger
            )
        )
        if let campaign = limits.campaign {
            let tenantID = record.lead.tenantID
            try await connection.query("SELECT 1 FROM campaigns WHERE id = \(campaign.id) FOR NO KEY UPDATE", logger: logger)
            let rows = try await connection.query(
                """
                SELECT coalesce(sum(price_cents) FILTER (WHERE status <> 'returned'), 0)::bigint,
                    count(*) FILTER (WHERE sold_at >= \(campaign.dayStartMilliseconds))
                FROM sales WHERE tenant_id = \(tenantID) AND campaign_id = \(campaign.id)
                """,
                logger: logger
            )
            for try await (spent, today) in rows.decode((Int64, Int).self) {
                standing.campaignSpentCents = spent
                standing.campaignSalesToday = today
            }
        }
        if let refusal = limits.refusal(of: record, given: standing) { throw refusal }
    }

    private static func count(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        for try await count in try await connection.query(query, logger: logger).decode(Int.self) { return count }
        return 0
    }
}
