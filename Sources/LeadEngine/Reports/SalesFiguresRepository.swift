/// Which scope sales figures are summed by.
public enum SalesGrouping: Sendable, Equatable {
    /// The whole tenant, under the key "".
    case tenant
    /// Each buyer, by buyer id.
    case buyer
    /// Each campaign, by campaign id; sales no campaign funded are left out.
    case campaign
}

/// Counts of the leads created in a period, for the dashboard.
public struct LeadCounts: Sendable, Equatable {
    /// Leads created in the period, whatever their status.
    public var created: Int
    /// Of those, how many are `rejected` or `duplicate`.
    public var rejectedOrDuplicate: Int
    /// Distinct leads sold in the period (a lead sold to two buyers is one lead, two sales).
    public var sold: Int

    public init(created: Int = 0, rejectedOrDuplicate: Int = 0, sold: Int = 0) {
        self.created = created
        self.rejectedOrDuplicate = rejectedOrDuplicate
        self.sold = sold
    }

    /// Leads neither rejected nor duplicate (a posted lead was qualified by its seller).
    public var qualified: Int { self.created - self.rejectedOrDuplicate }
}

/// Reads the raw sums `SalesFigures` are made of: sales by `sold_at`, refunds by the time they
/// were made. `period` nil means all time.
public protocol SalesFiguresRepository: Sendable {
    /// The figures of each scope of `grouping` that has any (of `ids` only, when given).
    func salesFigures(tenantID: String, by grouping: SalesGrouping, ids: [String]?, period: BillingPeriod?) async throws -> [String: SalesFigures]
    func leadCounts(tenantID: String, period: BillingPeriod) async throws -> LeadCounts
    /// `leadCounts` and the sales' counts by UTC day of the period: only days with any, oldest first.
    func leadFunnelByDay(tenantID: String, period: BillingPeriod) async throws -> [DailyLeadFunnel]
}

extension SalesFiguresRepository {
    /// The tenant's figures, zero when it sold nothing.
    public func tenantFigures(tenantID: String, period: BillingPeriod?) async throws -> SalesFigures {
        try await self.salesFigures(tenantID: tenantID, by: .tenant, ids: nil, period: period)[""] ?? .zero
    }
}
