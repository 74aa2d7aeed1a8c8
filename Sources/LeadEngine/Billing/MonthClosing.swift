import Foundation

/// A buyer's charges and refunds in one period, as the store sums them.
public struct BuyerBillingActivity: Sendable, Equatable {
    public var buyerID: String
    public var mode: BillingMode
    public var charges: Int
    public var chargedCents: Int64
    public var refundedCents: Int64

    public init(buyerID: String, mode: BillingMode, charges: Int, chargedCents: Int64, refundedCents: Int64) {
        self.buyerID = buyerID
        self.mode = mode
        self.charges = charges
        self.chargedCents = chargedCents
        self.refundedCents = refundedCents
    }
}

/// What a buyer has paid in and what it owes up to an instant: its credits (all of them; a
/// payment made late still pays an old month) and its charges less refunds dated before it.
public struct BuyerStanding: Sendable, Equatable {
    public var creditedCents: Int64
    public var owedCents: Int64

    public init(creditedCents: Int64, owedCents: Int64) {
        self.creditedCents = creditedCents
        self.owedCents = owedCents
    }
}

/// The invoice policy, decided here so that every store applies the same one.
///
/// Each finished month (UTC) with charges or refunds gets one invoice per buyer active in it,
/// for its charges less refunds, and one for the tenant summing them. A prepaid buyer's invoice
/// is a statement of what its balance already paid, so it is paid when made; so is one for
/// nothing or less. An invoiced buyer's invoice is paid once its credits cover everything it
/// was charged, less refunds, up to the end of that month; the tenant's invoice for a month once
/// every buyer invoice of that month is.
///
/// Closing is safe to repeat and to run on several nodes at once: a finished month's entries no
/// longer change (refunds are dated when made), the store keeps one invoice per tenant, buyer and
/// period, and an invoice only ever goes from open to paid.
public enum MonthClosing {
    /// The finished months to invoice: those from the month of `firstEntry` up to (not including) `current`.
    public static func months(from firstEntryMilliseconds: Int64, before current: BillingPeriod) -> [BillingPeriod] {
        var months: [BillingPeriod] = []
        var month = BillingPeriod(containingMilliseconds: firstEntryMilliseconds)
        while month < current {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// The invoices of one finished month: the buyers' (by buyer id), then the tenant's. None when nobody was active.
    public static func invoices(
        tenantID: String, period: BillingPeriod, activity: [BuyerBillingActivity], nowMilliseconds: Int64, makeID: () -> String
    ) -> [Invoice] {
        guard !activity.isEmpty else { return [] }
        let now = Date(epochMilliseconds: nowMilliseconds)
        var invoices: [Invoice] = []
        var total: Int64 = 0
        var leads = 0
        for buyer in activity.sorted(by: { $0.buyerID < $1.buyerID }) {
            let amount = buyer.chargedCents - buyer.refundedCents
            let paidWhenMade = buyer.mode == .prepaid || amount <= 0
            total += amount
            leads += buyer.charges
            invoices.append(
                Invoice(
                    id: makeID(), tenantID: tenantID, buyerID: buyer.buyerID, period: period, amountCents: amount, leads: buyer.charges,
                    status: paidWhenMade ? .paid : .open, createdAt: now, paidAt: paidWhenMade ? now : nil
                )
            )
        }
        invoices.append(
            Invoice(
                id: makeID(), tenantID: tenantID, buyerID: nil, period: period, amountCents: total, leads: leads, status: .open, createdAt: now,
                paidAt: nil
            )
        )
        return invoices
    }

    /// Whether an open buyer invoice is paid by the buyer's standing at the end of its month.
    public static func isPaid(by standing: BuyerStanding) -> Bool {
        standing.creditedCents >= standing.owedCents
    }

    /// The open tenant invoices whose month has no open buyer invoice left, once `paidNow` are paid.
    public static func paidTenantInvoices(open: [Invoice], paidNow: Set<String>) -> [Invoice] {
        let stillOpen = Set(open.filter { $0.buyerID != nil && !paidNow.contains($0.id) }.map(\.period))
        return open.filter { $0.buyerID == nil && !stillOpen.contains($0.period) }
    }
}
