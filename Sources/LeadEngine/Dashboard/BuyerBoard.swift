/// The dashboard's buyers page: every buyer with its sales of the period (the numbers of
/// `GET /reports/buyers`), its account, and what this node saw of its bidding in the last hour.
public struct BuyerBoard: Sendable {
    public struct Line: Sendable {
        public var buyer: Buyer
        /// The period's sales, by the reports' definitions.
        public var sales: SalesFigures
        /// Credits and refunds less charges, from the store.
        public var balanceCents: Int64
        /// This node's last hour.
        public var activity: BuyerActivity
    }

    public var period: BillingPeriod
    public var node: String
    public var lines: [Line]
}

/// One buyer's page: its line of the board and its last pings on this node.
public struct BuyerSheet: Sendable {
    public var line: BuyerBoard.Line
    public var period: BillingPeriod
    public var node: String
    /// Newest first.
    public var sightings: [PingSighting]
}

extension BuyerBoard.Line {
    /// How much of an invoiced buyer's credit its balance uses: nil for a prepaid buyer or
    /// one without a limit.
    public var creditUsedCents: Int64? {
        guard self.buyer.billing.mode == .invoiced, self.buyer.billing.creditLimitCents != nil else { return nil }
        return max(0, -self.balanceCents)
    }
}
