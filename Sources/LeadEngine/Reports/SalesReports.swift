/// The Reports use cases: the dashboard and the breakdowns by campaign and by buyer, all built on
/// `SalesFigures` so that they agree with buyer and campaign details and with billing usage.
public struct SalesReports: Sendable {
    let figures: any SalesFiguresRepository
    let buyers: any BuyerRepository
    let campaigns: any CampaignRepository
    let clock: any EngineClock

    public init(figures: any SalesFiguresRepository, buyers: any BuyerRepository, campaigns: any CampaignRepository, clock: any EngineClock) {
        self.figures = figures
        self.buyers = buyers
        self.campaigns = campaigns
        self.clock = clock
    }

    /// The month `period`, or the current one (UTC).
    public func dashboard(tenantID: String, period: BillingPeriod?) async throws -> Dashboard {
        let period = period ?? BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        // Two independent reads, at once: a store with several readers answers in the time of the longer.
        async let leads = self.figures.leadCounts(tenantID: tenantID, period: period)
        async let sales = self.figures.tenantFigures(tenantID: tenantID, period: period)
        return Dashboard(period: period, leads: try await leads, sales: try await sales)
    }

    /// Every campaign of the tenant, newest first as listed, with its figures for `period` (all time when nil).
    public func campaignLines(tenantID: String, period: BillingPeriod?) async throws -> [ReportLine] {
        let campaigns = try await Self.everyItem { try await self.campaigns.campaigns(tenantID: tenantID, filter: CampaignFilter(), page: $0) }
        let figures = try await self.figures.salesFigures(tenantID: tenantID, by: .campaign, ids: nil, period: period)
        return campaigns.map { ReportLine(id: $0.id, name: $0.name, sales: figures[$0.id] ?? .zero) }
    }

    /// Every buyer of the tenant, newest first as listed, with its figures for `period` (all time when nil).
    public func buyerLines(tenantID: String, period: BillingPeriod?) async throws -> [ReportLine] {
        let buyers = try await Self.everyItem { try await self.buyers.buyers(tenantID: tenantID, filter: BuyerFilter(), page: $0) }
        let figures = try await self.figures.salesFigures(tenantID: tenantID, by: .buyer, ids: nil, period: period)
        return buyers.map { ReportLine(id: $0.id, name: $0.name, sales: figures[$0.id] ?? .zero) }
    }

    /// Every item of a paged listing, page by page.
    static func everyItem<Item>(_ page: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var request = PageRequest(page: 1, perPage: PageRequest.maxPerPage)
        while true {
            let next = try await page(request)
            items += next.items
            if next.items.count < request.perPage || items.count >= next.total { return items }
            request.page += 1
        }
    }
}
