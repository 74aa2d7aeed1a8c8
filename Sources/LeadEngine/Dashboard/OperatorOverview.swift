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
    let buyers: any BuyerRepository
    let activity: MarketActivity
    let clock: any EngineClock

    public init(tenants: any TenantRepository, reports: SalesReports, buyers: any BuyerRepository, activity: MarketActivity, clock: any EngineClock) {
        self.tenants = tenants
        self.reports = reports
        self.buyers = buyers
        self.activity = activity
        self.clock = clock
    }

    /// The tenant's name, for the page header; a tenant gone since sign-in is not found.
    public func tenantName(tenantID: String) async throws -> String {
        guard let tenant = try await self.tenants.tenant(id: tenantID) else { throw NotFoundError(entity: "tenant", id: tenantID) }
        return tenant.name
    }

    /// This node's live figures for the tenant.
    public func live(tenantID: String) -> LiveFigures {
        self.activity.live(tenantID: tenantID, nowMilliseconds: self.clock.nowMilliseconds())
    }

    /// Every buyer with the period's sales (the current UTC month when nil), its balance and its last hour here.
    public func buyerBoard(tenantID: String, period: BillingPeriod?) async throws -> BuyerBoard {
        let period = period ?? BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        let lines = try await self.reports.buyerLines(tenantID: tenantID, period: period)
        let buyers = try await SalesReports.everyItem { try await self.buyers.buyers(tenantID: tenantID, filter: BuyerFilter(), page: $0) }
        return BuyerBoard(
            period: period, node: self.activity.node,
            lines: try await self.lines(buyers, sales: Dictionary(lines.map { ($0.id, $0.sales) }, uniquingKeysWith: { $1 }), tenantID: tenantID)
        )
    }

    /// One buyer's sheet; another tenant's buyer is not found.
    public func buyerSheet(id: String, tenantID: String, period: BillingPeriod?) async throws -> BuyerSheet {
        let period = period ?? BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        guard let buyer = try await self.buyers.buyer(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "buyer", id: id) }
        let figures = try await self.reports.figures.salesFigures(tenantID: tenantID, by: .buyer, ids: [id], period: period)
        guard let line = try await self.lines([buyer], sales: figures, tenantID: tenantID).first else { throw NotFoundError(entity: "buyer", id: id) }
        return BuyerSheet(line: line, period: period, node: self.activity.node, sightings: self.activity.sightings(tenantID: tenantID, buyerID: id))
    }

    private func lines(_ buyers: [Buyer], sales: [String: SalesFigures], tenantID: String) async throws -> [BuyerBoard.Line] {
        let accounts = try await self.buyers.performance(buyerIDs: buyers.map(\.id), tenantID: tenantID)
        let activity = self.activity.buyers(tenantID: tenantID, nowMilliseconds: self.clock.nowMilliseconds())
        return buyers.map { buyer in
            BuyerBoard.Line(
                buyer: buyer, sales: sales[buyer.id] ?? .zero, balanceCents: accounts[buyer.id]?.balanceCents ?? 0,
                activity: activity[buyer.id] ?? BuyerActivity(buyerID: buyer.id)
            )
        }
    }

    /// The overview of `period` (the current UTC month when nil).
    public func overview(tenantID: String, period: BillingPeriod?) async throws -> OperatorOverview {
        guard let tenant = try await self.tenants.tenant(id: tenantID) else { throw NotFoundError(entity: "tenant", id: tenantID) }
        return OperatorOverview(tenantName: tenant.name, dashboard: try await self.reports.dashboard(tenantID: tenantID, period: period))
    }
}
