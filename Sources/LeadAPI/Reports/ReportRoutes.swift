import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/reports`: the dashboard, the breakdowns by campaign and buyer, and CSV exports.
struct ReportRoutes {
    let reports: SalesReports
    let exports: ReportExports

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("dashboard", use: self.dashboard)
        group.get("campaigns", use: self.campaigns)
        group.get("buyers", use: self.buyers)
        group.get("export", use: self.export)
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let dashboard = try await self.reports.dashboard(tenantID: principal.tenantID, period: period)
        return JSONResponse([
            "period": .string(dashboard.period.description),
            "leads_total": .int(dashboard.leads.created),
            "leads_qualified": .int(dashboard.leads.qualified),
            "leads_delivered": .int(dashboard.leads.sold),
            "acceptance_rate": .ratio(dashboard.sales.acceptanceRate),
            "revenue_cents": .integer(dashboard.sales.grossCents),
            "avg_lead_cost_cents": .integer(dashboard.sales.averageCostCents),
            "sales": .int(dashboard.sales.sold),
            "returned": .int(dashboard.sales.returned),
            "refunds_cents": .integer(dashboard.sales.refundsCents),
            "net_revenue_cents": .integer(dashboard.sales.netCents),
        ])
    }

    @Sendable func campaigns(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let lines = try await self.reports.campaignLines(tenantID: principal.tenantID, period: period)
        return JSONResponse([
            "period": period.map { .string($0.description) } ?? .null,
            "campaigns": .array(
                lines.map { line in
                    [
                        "id": .string(line.id), "name": .string(line.name), "leads": .int(line.sales.sold), "accepted": .int(line.sales.accepted),
                        "returned": .int(line.sales.returned), "revenue_cents": .integer(line.sales.grossCents),
                        "explicitly_accepted": .int(line.sales.explicitlyAccepted), "acceptance_rate": .ratio(line.sales.acceptanceRate),
                        "refunds_cents": .integer(line.sales.refundsCents), "net_revenue_cents": .integer(line.sales.netCents),
                        "avg_lead_cost_cents": .integer(line.sales.averageCostCents),
                    ]
                }
            ),
        ])
    }

    @Sendable func buyers(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let lines = try await self.reports.buyerLines(tenantID: principal.tenantID, period: period)
        return JSONResponse([
            "period": period.map { .string($0.description) } ?? .null,
            "buyers": .array(
                lines.map { line in
                    [
                        "id": .string(line.id), "name": .string(line.name), "leads_purchased": .int(line.sales.sold),
                        "acceptance_rate": .ratio(line.sales.acceptanceRate), "total_spent_cents": .integer(line.sales.grossCents),
                        "accepted": .int(line.sales.accepted), "returned": .int(line.sales.returned),
                        "explicitly_accepted": .int(line.sales.explicitlyAccepted), "refunds_cents": .integer(line.sales.refundsCents),
                        "net_spent_cents": .integer(line.sales.netCents), "avg_lead_cost_cents": .integer(line.sales.averageCostCents),
                    ]
                }
            ),
        ])
    }

    /// The CSV is written as it is read, batch by batch: every input is checked before the first byte.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let kind = query.enumeration("type", ExportKind.self) ?? .leads
        let period = query.period()
        var after = query.instant("created_after")
        var before = query.instant("created_before")
        if let period {
            after = max(after ?? .distantPast, Date(epochMilliseconds: period.startMilliseconds))
            before = min(before ?? .distantFuture, Date(epochMilliseconds: period.endMilliseconds))
        }
        let body: ResponseBody
        let tenantID = principal.tenantID
        let exports = self.exports
        switch kind {
        case .leads:
            let filter = LeadFilter(
                status: query.enumeration("status", LeadStatus.self), campaignType: query.enumeration("campaign_type", CampaignType.self),
                state: query.string("state"), buyerID: query.string("buyer_id"), source: query.string("source"), createdAfter: after,
                createdBefore: before
            )
            if let state = filter.state { FieldRules.state(state, field: "state", into: &query.errors) }
            body = CSVExport.body(header: ExportRecords.leadColumns) { write in
                try await exports.leads(tenantID: tenantID, filter: filter) { try await write($0.map(ExportRecords.leadRecord)) }
            }
        case .transactions:
            let filter = LedgerFilter(
                kind: query.enumeration("transaction_type", LedgerEntry.Kind.self), buyerID: query.string("buyer_id"), createdAfter: after,
                createdBefore: before
            )
            body = CSVExport.body(header: ExportRecords.transactionColumns) { write in
                try await exports.transactions(tenantID: tenantID, filter: filter) { try await write($0.map(ExportRecords.transactionRecord)) }
            }
        case .pings:
            let filter = PingFilter(campaignType: query.enumeration("campaign_type", CampaignType.self), createdAfter: after, createdBefore: before)
            body = CSVExport.body(header: ExportRecords.pingColumns) { write in
                try await exports.pings(tenantID: tenantID, filter: filter) { try await write($0.map(ExportRecords.pingRecord)) }
            }
        }
        try query.errors.throwIfAny()
        let filename = "\(kind.rawValue)-\(period?.description ?? "all").csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store"],
            body: body
        )
    }
}
