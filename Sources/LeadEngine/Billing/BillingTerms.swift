/// How a buyer pays for leads.
public enum BillingMode: String, CaseIterable, Sendable {
    /// Pays ahead: each sale draws on its balance, which never goes below zero.
    case prepaid
    /// Pays monthly invoices: its balance goes negative as it buys, down to its credit limit if it has one.
    case invoiced
}

/// A buyer's billing terms: how it pays and how it may return leads.
public struct BillingTerms: Sendable, Equatable {
    public static let defaultReturnWindowHours = 72
    public static let maxReturnWindowHours = 24 * 90

    public var mode: BillingMode
    /// For an invoiced buyer, how far below zero its balance may go; nil for no limit.
    public var creditLimitCents: Int64?
    /// Hours after delivery during which the buyer may return a lead.
    public var returnWindowHours: Int
    /// The most a buyer may return in a calendar month, as a percentage of that month's purchases; nil for no cap.
    public var maxReturnPercent: Int?

    public init(
        mode: BillingMode = .invoiced, creditLimitCents: Int64? = nil, returnWindowHours: Int = BillingTerms.defaultReturnWindowHours,
        maxReturnPercent: Int? = nil
    ) {
        self.mode = mode
        self.creditLimitCents = creditLimitCents
        self.returnWindowHours = returnWindowHours
        self.maxReturnPercent = maxReturnPercent
    }

    /// The lowest balance the terms allow; nil when nothing limits spending.
    public var balanceFloorCents: Int64? {
        switch self.mode {
        case .prepaid: 0
        case .invoiced: self.creditLimitCents.map { -$0 }
        }
    }
}
