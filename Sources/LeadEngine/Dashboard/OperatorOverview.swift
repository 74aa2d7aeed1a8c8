/// What the dashboard's overview shows: the period's figures, by the definitions the reports API
/// uses (`SalesReports.dashboard`), so a number on the page and in `GET /reports/dashboard` is
/// always the same number.
public struct OperatorOverview: Sendable, Equatable {
    public var tenantName: String
    public var dashboard: Dashboard

    /// The lead funnel of the period, widest first: created → qualified → sold → accepted.
    public var funnel: [(stage: String, count: Int)] {
        [
            ("Leads", self.dashboard.leads.created), ("Qualified", self.dashboard.leads.qualified), ("Sold", self.dashboard.leads.sold),
            ("Accepted", self.dashboard.sales.accepted),
        ]
    }
}

/// The dashboard's pages as use cases: each reads what its page shows for one tenant.
public struct OperatorPages: Sendable {
    let tenants: any TenantRepository
    let reports: SalesReports

    public init(tenants: any TenantRepository, reports: SalesReports) {
        self.tenants = tenants
        self.reports = reports
    }

    /// The overview of `period` (the current UTC month when nil).
    public func overview(tenantID: String, period: BillingPeriod?) async throws -> OperatorOverview {
        guard let tenant = try await self.tenants.tenant(id: tenantID) else { throw NotFoundError(entity: "tenant", id: tenantID) }
        return OperatorOverview(tenantName: tenant.name, dashboard: try await self.reports.dashboard(tenantID: tenantID, period: period))
    }
}
