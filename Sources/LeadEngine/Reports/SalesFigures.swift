/// The sales of one scope (the tenant, a buyer, a campaign) over one period, and every metric
/// derived from them: the one definition of each number, which reports, buyer and campaign
/// details and billing usage all show, so that one number never has two values.
///
/// - A sale counts in the period of its `sold_at`; returned and refunded sales stay counted as sold.
/// - Refunds (returns inside the window and admin refunds) count in the period they were made.
public struct SalesFigures: Sendable, Equatable {
    /// Sales in the period, whatever happened to them after.
    public var sold: Int
    /// The sum of their sale prices: `revenue_cents`, or for a buyer `total_spent_cents`.
    public var grossCents: Int64
    /// Of those, how many the buyer returned, and their prices.
    public var returned: Int
    public var returnedCents: Int64
    /// Of those, how many the buyer accepted explicitly (`POST /leads/{id}/accept`).
    public var explicitlyAccepted: Int
    /// Money given back in the period: returns and admin refunds.
    public var refundsCents: Int64

    public init(
        sold: Int = 0, grossCents: Int64 = 0, returned: Int = 0, returnedCents: Int64 = 0, explicitlyAccepted: Int = 0, refundsCents: Int64 = 0
    ) {
        self.sold = sold
        self.grossCents = grossCents
        self.returned = returned
        self.returnedCents = returnedCents
        self.explicitlyAccepted = explicitlyAccepted
        self.refundsCents = refundsCents
    }

    public static let zero = SalesFigures()

    /// Sales the buyer kept: sold less returned.
    public var accepted: Int { self.sold - self.returned }

    /// Accepted over sold; 0 when nothing was sold. (The API shows it to three decimals.)
    public var acceptanceRate: Double {
        self.sold == 0 ? 0 : Double(self.accepted) / Double(self.sold)
    }

    /// Gross over sold, rounded half up to the cent; 0 when nothing was sold.
    public var averageCostCents: Int64 {
        self.sold == 0 ? 0 : (self.grossCents + Int64(self.sold) / 2) / Int64(self.sold)
    }

    /// Gross less refunds: `net_revenue_cents`, or for a buyer `net_spent_cents`.
    public var netCents: Int64 { self.grossCents - self.refundsCents }

    /// Two scopes' figures together (the tenant's from its buyers', a report's total).
    public static func + (lhs: SalesFigures, rhs: SalesFigures) -> SalesFigures {
        SalesFigures(
            sold: lhs.sold + rhs.sold, grossCents: lhs.grossCents + rhs.grossCents, returned: lhs.returned + rhs.returned,
            returnedCents: lhs.returnedCents + rhs.returnedCents, explicitlyAccepted: lhs.explicitlyAccepted + rhs.explicitlyAccepted, refundsCents: lhs.refundsCents + rhs.refundsCents
        )
    }
}
