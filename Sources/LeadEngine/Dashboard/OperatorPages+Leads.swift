extension OperatorPages {
    /// The period's lead funnel by UTC day, oldest first; its days sum to the overview's figures.
    public func leadFunnel(tenantID: String, period: BillingPeriod) async throws -> [DailyLeadFunnel] {
        try await self.reports.figures.leadFunnelByDay(tenantID: tenantID, period: period)
    }

    /// Every buyer's id and name, for pickers and for naming buyers in lists.
    public func buyerNames(tenantID: String) async throws -> [(id: String, name: String)] {
        try await SalesReports.everyItem { try await self.buyers.buyers(tenantID: tenantID, filter: BuyerFilter(), page: $0) }.map { ($0.id, $0.name) }
    }
}
