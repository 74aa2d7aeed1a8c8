import Foundation
import LeadEngine

/// The overview's figures: each with the name and raw value `GET /reports/dashboard` gives it
/// (in `data-figure` and `data-value`), and the text a person reads.
enum OverviewFigures {
    struct Row {
        var name: String
        var label: String
        var value: String
        var shown: String
    }

    static func rows(_ dashboard: Dashboard) -> [Row] {
        let sales = dashboard.sales
        return [
            Row(name: "leads_total", label: "Leads", value: "\(dashboard.leads.created)", shown: DashboardFormat.count(dashboard.leads.created)),
            Row(name: "leads_qualified", label: "Qualified", value: "\(dashboard.leads.qualified)", shown: DashboardFormat.count(dashboard.leads.qualified)),
            Row(name: "leads_delivered", label: "Sold", value: "\(dashboard.leads.sold)", shown: DashboardFormat.count(dashboard.leads.sold)),
            Row(name: "sales", label: "Sales", value: "\(sales.sold)", shown: DashboardFormat.count(sales.sold)),
            Row(name: "returned", label: "Returned", value: "\(sales.returned)", shown: DashboardFormat.count(sales.returned)),
            Row(
                name: "acceptance_rate", label: "Acceptance rate", value: DashboardFormat.ratio(sales.acceptanceRate),
                shown: DashboardFormat.percent(sales.acceptanceRate)
            ),
            Row(name: "revenue_cents", label: "Revenue", value: "\(sales.grossCents)", shown: DashboardFormat.dollars(sales.grossCents)),
            Row(name: "refunds_cents", label: "Refunds", value: "\(sales.refundsCents)", shown: DashboardFormat.dollars(sales.refundsCents)),
            Row(name: "net_revenue_cents", label: "Net revenue", value: "\(sales.netCents)", shown: DashboardFormat.dollars(sales.netCents)),
            Row(name: "avg_lead_cost_cents", label: "Average lead price", value: "\(sales.averageCostCents)", shown: DashboardFormat.dollars(sales.averageCostCents)),
        ]
    }

    /// The live figures of this node, by the names `/dashboard/live` gives them.
    static func live(_ live: LiveFigures) -> [Row] {
        func rate(_ name: String, _ label: String, _ value: Double) -> Row {
            Row(name: name, label: label, value: String(format: "%.1f", value), shown: DashboardFormat.perSecond(value))
        }
        func count(_ name: String, _ label: String, _ value: Int) -> Row {
            Row(name: name, label: label, value: "\(value)", shown: DashboardFormat.count(value))
        }
        func latency(_ name: String, _ label: String, _ microseconds: Int?) -> Row {
            Row(name: name, label: label, value: microseconds.map { "\($0)" } ?? "", shown: DashboardFormat.milliseconds(microseconds: microseconds))
        }
        return [
            rate("pings_per_second", "Pings/s", live.pingsPerSecond), rate("bids_per_second", "Bids/s", live.bidsPerSecond),
            rate("sales_per_second", "Sales/s", live.salesPerSecond),
            latency("auction_p50_us", "Auction time p50", live.auctionP50Microseconds),
            latency("auction_p99_us", "Auction time p99", live.auctionP99Microseconds),
            count("pings_last_hour", "Pings, last hour", live.lastHour.pings), count("bids_last_hour", "Bids, last hour", live.lastHour.bids),
            count("sales_last_hour", "Sales, last hour", live.lastHour.sales),
        ]
    }
}
