/// The tenant's month at a glance (`GET /reports/dashboard`).
public struct Dashboard: Sendable, Equatable {
    public var period: BillingPeriod
    public var leads: LeadCounts
    /// The month's sales and refunds, by the definitions every report shares.
    public var sales: SalesFigures

    public init(period: BillingPeriod, leads: LeadCounts, sales: SalesFigures) {
        self.period = period
        self.leads = leads
        self.sales = sales
    }
}

/// One line of a breakdown: a campaign or a buyer with its figures.
public struct ReportLine: Sendable, Equatable {
    public var id: String
    public var name: String
    public var sales: SalesFigures

    public init(id: String, name: String, sales: SalesFigures) {
        self.id = id
        self.name = name
        self.sales = sales
    }
}
