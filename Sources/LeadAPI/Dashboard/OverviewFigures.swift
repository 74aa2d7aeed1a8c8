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
            Row(name: "leads_total", label: "Leads", value: "\(dashboard.leads.created)", shown: Self.count(dashboard.leads.created)),
            Row(name: "leads_qualified", label: "Qualified", value: "\(dashboard.leads.qualified)", shown: Self.count(dashboard.leads.qualified)),
            Row(name: "leads_delivered", label: "Sold", value: "\(dashboard.leads.sold)", shown: Self.count(dashboard.leads.sold)),
            Row(name: "sales", label: "Sales", value: "\(sales.sold)", shown: Self.count(sales.sold)),
            Row(name: "returned", label: "Returned", value: "\(sales.returned)", shown: Self.count(sales.returned)),
            Row(
                name: "acceptance_rate", label: "Acceptance rate", value: Self.ratio(sales.acceptanceRate),
                shown: String(format: "%.1f %%", sales.acceptanceRate * 100)
            ),
            Row(name: "revenue_cents", label: "Revenue", value: "\(sales.grossCents)", shown: Self.dollars(sales.grossCents)),
            Row(name: "refunds_cents", label: "Refunds", value: "\(sales.refundsCents)", shown: Self.dollars(sales.refundsCents)),
            Row(name: "net_revenue_cents", label: "Net revenue", value: "\(sales.netCents)", shown: Self.dollars(sales.netCents)),
            Row(name: "avg_lead_cost_cents", label: "Average lead price", value: "\(sales.averageCostCents)", shown: Self.dollars(sales.averageCostCents)),
        ]
    }

    /// As the API rounds a ratio: to three decimals.
    static func ratio(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func count(_ value: Int) -> String {
        value.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
    }

    static func dollars(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let whole = Int64(magnitude / 100).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        return "\(sign)$\(whole).\(String(format: "%02d", Int(magnitude % 100)))"
    }
}
