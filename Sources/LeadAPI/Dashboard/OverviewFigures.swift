import LeadEngine

/// The overview's figures, by the names `GET /reports/dashboard` and `/dashboard/live` give them.
enum OverviewFigures {
    static func rows(_ dashboard: Dashboard) -> [DashboardFigure] {
        let leads = dashboard.leads
        let sales = dashboard.sales
        return [
            .count("leads_total", "Leads", leads.created), .count("leads_qualified", "Qualified", leads.qualified),
            .count("leads_delivered", "Sold", leads.sold), .count("sales", "Sales", sales.sold), .count("returned", "Returned", sales.returned),
            .ratio("acceptance_rate", "Acceptance rate", sales.acceptanceRate), .cents("revenue_cents", "Revenue", sales.grossCents),
            .cents("refunds_cents", "Refunds", sales.refundsCents), .cents("net_revenue_cents", "Net revenue", sales.netCents),
            .cents("avg_lead_cost_cents", "Average lead price", sales.averageCostCents),
        ]
    }

    /// This node's live figures.
    static func live(_ live: LiveFigures) -> [DashboardFigure] {
        [
            .rate("pings_per_second", "Pings/s", live.pingsPerSecond), .rate("bids_per_second", "Bids/s", live.bidsPerSecond),
            .rate("sales_per_second", "Sales/s", live.salesPerSecond),
            .latency("auction_p50_us", "Auction time p50", microseconds: live.auctionP50Microseconds),
            .latency("auction_p99_us", "Auction time p99", microseconds: live.auctionP99Microseconds),
            .count("pings_last_hour", "Pings, last hour", live.lastHour.pings), .count("bids_last_hour", "Bids, last hour", live.lastHour.bids),
            .count("sales_last_hour", "Sales, last hour", live.lastHour.sales),
        ]
    }
}
