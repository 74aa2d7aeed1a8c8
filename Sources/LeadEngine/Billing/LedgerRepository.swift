import Foundation

/// Filters of a transaction listing.
public struct LedgerFilter: Sendable, Equatable {
    public var kind: LedgerEntry.Kind?
    public var buyerID: String?
    public var createdAfter: Date?
    public var createdBefore: Date?

    public init(kind: LedgerEntry.Kind? = nil, buyerID: String? = nil, createdAfter: Date? = nil, createdBefore: Date? = nil) {
        self.kind = kind
        self.buyerID = buyerID
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
    }
}

/// Sums of the ledger over one period, for the tenant or one buyer.
public struct PeriodTotals: Sendable, Equatable {
    public var charges: Int
    public var chargedCents: Int64
    public var refunds: Int
    public var refundedCents: Int64
    public var creditedCents: Int64

    public init(charges: Int = 0, chargedCents: Int64 = 0, refunds: Int = 0, refundedCents: Int64 = 0, creditedCents: Int64 = 0) {
        self.charges = charges
        self.chargedCents = chargedCents
        self.refunds = refunds
        self.refundedCents = refundedCents
        self.creditedCents = creditedCents
    }
}

/// A monthly statement: for one buyer (what it was charged less refunds in the month), or for the
/// tenant (the sum over its buyers).
public struct Invoice: Sendable, Equatable {
    public enum Status: String, CaseIterable, Sendable {
        case open
        case paid
    }

    public var id: String
    public var tenantID: String
    /// Nil for the tenant's invoice.
    public var buyerID: String?
    public var period: BillingPeriod
    public var amountCents: Int64
    public var leads: Int
    public var status: Status
    public var createdAt: Date
    public var paidAt: Date?

    public init(
        id: String, tenantID: String, buyerID: String?, period: BillingPeriod, amountCents: Int64, leads: Int, status: Status, createdAt: Date,
        paidAt: Date?
    ) {
        self.id = id
        self.tenantID = tenantID
        self.buyerID = buyerID
        self.period = period
        self.amountCents = amountCents
        self.leads = leads
        self.status = status
        self.createdAt = createdAt
        self.paidAt = paidAt
    }
}

/// An account whose stored balance is not the sum of its entries.
public struct LedgerMismatch: Sendable, Equatable, CustomStringConvertible {
    public var tenantID: String
    /// Nil for the tenant's own account.
    public var buyerID: String?
    public var balanceCents: Int64
    public var entriesSumCents: Int64

    public init(tenantID: String, buyerID: String?, balanceCents: Int64, entriesSumCents: Int64) {
        self.tenantID = tenantID
        self.buyerID = buyerID
        self.balanceCents = balanceCents
        self.entriesSumCents = entriesSumCents
    }

    public var description: String {
        "tenant \(self.tenantID) account \(self.buyerID ?? "(tenant)"): balance \(self.balanceCents), entries sum to \(self.entriesSumCents)"
    }
}

/// What `ezleeds ledger verify` found.
public struct LedgerVerification: Sendable {
    public var accountsChecked: Int
    public var entriesChecked: Int
    public var mismatches: [LedgerMismatch]

    public init(accountsChecked: Int, entriesChecked: Int, mismatches: [LedgerMismatch]) {
        self.accountsChecked = accountsChecked
        self.entriesChecked = entriesChecked
        self.mismatches = mismatches
    }
}

/// The refund of one lead's charge, as `Ledger.refund` plans it from the stored lead.
public struct RefundPlan: Sendable {
    public var entry: LedgerEntry
    public var events: [LeadEvent]

    public init(entry: LedgerEntry, events: [LeadEvent]) {
        self.entry = entry
        self.events = events
    }
}

/// Storage of the ledger and of balances. Every entry changes its account's balance in the same
/// transaction; the store refuses a balance below the account's floor.
public protocol LedgerRepository: Sendable {
    /// Appends a credit and raises its account's balance; returns the entry with the balance
    /// after it. Throws `NotFoundError` when the tenant has no such buyer.
    func addCredit(_ entry: LedgerEntry) async throws -> LedgerEntry
    /// Refunds a lead's charge once, as `plan` decides from the stored lead and its charge in the
    /// ledger (nil: never charged); nil when the tenant has no such lead. A second refund of a
    /// lead throws `StoreRefusal.alreadyRefunded`.
    func refund(leadID: String, tenantID: String, _ plan: @Sendable (Lead, LedgerEntry?) throws -> RefundPlan) async throws -> LedgerEntry?
    func entries(tenantID: String, filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntry>
    /// Totals of entries dated in `[from, to)`, for one buyer or (nil) the whole tenant.
    func totals(tenantID: String, buyerID: String?, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> PeriodTotals
    /// The balance of a buyer's account, or (nil) of the tenant's; nil when the tenant has no such buyer.
    func balance(tenantID: String, buyerID: String?) async throws -> Int64?
    /// Credits still unspent: the tenant's own balance plus every buyer's balance above zero.
    func creditsRemaining(tenantID: String) async throws -> Int64
    /// Every buyer's terms and balance, to load `BuyerFunds` at start.
    func buyerAccounts() async throws -> [(buyerID: String, terms: BillingTerms, balanceCents: Int64)]
    /// Tenants with charges or refunds of buyers, for closing every tenant's months.
    func tenantsWithBuyerEntries() async throws -> [String]
    /// The newest period of the tenant's own invoices; nil when it has none.
    func lastInvoicedPeriod(tenantID: String) async throws -> BillingPeriod?
    /// When the earliest charge or refund of a buyer of the tenant dated in `[from, to)` was made; nil when none was.
    func firstBuyerEntry(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> Int64?
    /// Each buyer's charges and refunds dated in `[from, to)`, with its billing mode; buyers with neither are left out.
    func buyerActivity(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> [BuyerBillingActivity]
    /// Stores the invoices the store does not hold yet (it keeps one per tenant, buyer and period); returns how many it stored.
    func insertInvoices(_ invoices: [Invoice]) async throws -> Int
    /// The tenant's open invoices, oldest period first.
    func openInvoices(tenantID: String) async throws -> [Invoice]
    /// The buyer's credits, and its charges less refunds dated before `beforeMilliseconds`.
    func standing(buyerID: String, beforeMilliseconds: Int64) async throws -> BuyerStanding
    /// Marks the invoices paid, those still open.
    func markPaid(invoiceIDs: [String], atMilliseconds: Int64) async throws
    func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice>
    /// Checks that every balance equals the sum of its entries.
    func verify() async throws -> LedgerVerification
}
