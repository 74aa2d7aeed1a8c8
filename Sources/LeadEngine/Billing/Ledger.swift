import Foundation

/// Usage of one billing period, for the tenant or one buyer.
public struct Usage: Sendable, Equatable {
    public var period: BillingPeriod
    public var buyerID: String?
    /// The period's sales and refunds, by the definitions every report shares.
    public var sales: SalesFigures
    /// Unspent credit: the buyer's balance above zero, or for the tenant its own balance plus every buyer's.
    public var creditsRemainingCents: Int64
    /// The ledger's movements dated in the period.
    public var totals: PeriodTotals
    /// The buyer's balance (negative: it owes), or the tenant's own.
    public var balanceCents: Int64
}

/// The billing use cases over the append-only ledger: credits, refunds, listings, usage,
/// monthly invoices and the consistency check.
public struct Ledger: Sendable {
    let repository: any LedgerRepository
    let sales: any SalesFiguresRepository
    let funds: BuyerFunds
    let clock: any EngineClock
    let identifiers: any IdentifierSource

    public init(
        repository: any LedgerRepository, sales: any SalesFiguresRepository, funds: BuyerFunds, clock: any EngineClock,
        identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        self.repository = repository
        self.sales = sales
        self.funds = funds
        self.clock = clock
        self.identifiers = identifiers
    }

    /// Loads every buyer's terms and balance into memory, at start.
    public func loadFunds() async throws {
        for account in try await self.repository.buyerAccounts() {
            self.funds.load(buyerID: account.buyerID, terms: account.terms, balanceCents: account.balanceCents)
        }
    }

    public static let maxCreditCents: Int64 = 100_000_000_000

    /// Adds money to a buyer's account (prepaid funds, or a payment of an invoiced buyer) or to the
    /// tenant's own; invoices the credit now covers are marked paid.
    public func addCredit(amountCents: Int64, reason: String, buyerID: String?, tenantID: String) async throws -> LedgerEntry {
        var errors = FieldErrors()
        if amountCents < 1 || amountCents > Self.maxCreditCents { errors.add("amount_cents", "must be between 1 and \(Self.maxCreditCents)") }
        let reason = reason.trimmingWhitespace()
        if reason.isEmpty || reason.utf8.count > 500 { errors.add("reason", "must be 1 to 500 bytes") }
        try errors.throwIfAny()
        let now = self.clock.nowMilliseconds()
        let entry = try await self.repository.addCredit(
            LedgerEntry(
                id: self.identifiers.make(.credit), tenantID: tenantID, buyerID: buyerID, leadID: nil, kind: .credit, amountCents: amountCents,
                description: buyerID.map { "Credit to buyer \($0)" } ?? "Credit to the account", reason: reason,
                createdAt: Date(epochMilliseconds: now)
            )
        )
        if let buyerID { self.funds.add(buyerID: buyerID, cents: amountCents) }
        try await self.closeMonths(tenantID: tenantID)
        return entry
    }

    /// An admin refund of a lead's charge to its buyer, once per lead (a return counts as one).
    public func refund(leadID: String, reason: ReturnReason, tenantID: String, actorKeyID: String?) async throws -> LedgerEntry {
        let now = self.clock.now()
        let refundID = self.identifiers.make(.refund)
        let entry = try await self.repository.refund(leadID: leadID, tenantID: tenantID) { lead, charge in
            // The ledger says what was charged and to whom; the lead's editable price does not.
            guard let charge, let buyerID = charge.buyerID else {
                throw ConflictError(code: "not_charged", detail: "This lead was never charged to a buyer; there is nothing to refund.")
            }
            let price = charge.amountCents
            let entry = LedgerEntry(
                id: refundID, tenantID: tenantID, buyerID: buyerID, leadID: lead.id, kind: .refund, amountCents: price,
                description: "Lead #\(lead.id.prefix(8)) refunded (\(reason.rawValue))", reason: reason.rawValue, createdAt: now
            )
            let event = LeadEvent(
                .refunded, detail: ["refund_id": .string(refundID), "amount_cents": .integer(price), "reason": .string(reason.rawValue)],
                actorKeyID: actorKeyID, at: now
            )
            return RefundPlan(entry: entry, events: [event])
        }
        guard let entry else { throw NotFoundError(entity: "lead", id: leadID) }
        if let buyerID = entry.buyerID { self.funds.add(buyerID: buyerID, cents: entry.amountCents) }
        return entry
    }

    public func transactions(tenantID: String, filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntry> {
        try await self.repository.entries(tenantID: tenantID, filter: filter, page: page)
    }

    public func usage(tenantID: String, period: BillingPeriod?, buyerID: String?) async throws -> Usage {
        let period = period ?? BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        guard let balance = try await self.repository.balance(tenantID: tenantID, buyerID: buyerID) else {
            throw NotFoundError(entity: "buyer", id: buyerID ?? "")
        }
        let totals = try await self.repository.totals(
            tenantID: tenantID, buyerID: buyerID, fromMilliseconds: period.startMilliseconds, toMilliseconds: period.endMilliseconds
        )
        let sales =
            if let buyerID {
                try await self.sales.salesFigures(tenantID: tenantID, by: .buyer, ids: [buyerID], period: period)[buyerID] ?? .zero
            } else {
                try await self.sales.tenantFigures(tenantID: tenantID, period: period)
            }
        let remaining = buyerID == nil ? try await self.repository.creditsRemaining(tenantID: tenantID) : max(0, balance)
        return Usage(period: period, buyerID: buyerID, sales: sales, creditsRemainingCents: remaining, totals: totals, balanceCents: balance)
    }

    /// The invoices, after closing every finished month that has none yet.
    public func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice> {
        try await self.closeMonths(tenantID: tenantID)
        return try await self.repository.invoices(tenantID: tenantID, buyerID: buyerID, page: page)
    }

    /// Invoices every month that has ended (in UTC) and has none yet; all tenants when nil.
    /// Returns how many invoices it made. The policy is `MonthClosing`'s; the store only sums and stores.
    @discardableResult
    public func closeMonths(tenantID: String? = nil) async throws -> Int {
        let now = self.clock.nowMilliseconds()
        let current = BillingPeriod(containingMilliseconds: now)
        let tenants = if let tenantID { [tenantID] } else { try await self.repository.tenantsWithBuyerEntries() }
        var created = 0
        for tenant in tenants {
            created += try await self.invoiceFinishedMonths(tenantID: tenant, before: current, nowMilliseconds: now)
            try await self.markPaidInvoices(tenantID: tenant, nowMilliseconds: now)
        }
        return created
    }

    private func invoiceFinishedMonths(tenantID: String, before current: BillingPeriod, nowMilliseconds: Int64) async throws -> Int {
        let from = try await self.repository.lastInvoicedPeriod(tenantID: tenantID)?.next.startMilliseconds ?? Int64.min
        guard
            let first = try await self.repository.firstBuyerEntry(tenantID: tenantID, fromMilliseconds: from, toMilliseconds: current.startMilliseconds)
        else { return 0 }
        var invoices: [Invoice] = []
        for month in MonthClosing.months(from: first, before: current) {
            let activity = try await self.repository.buyerActivity(
                tenantID: tenantID, fromMilliseconds: month.startMilliseconds, toMilliseconds: month.endMilliseconds
            )
            invoices += MonthClosing.invoices(
                tenantID: tenantID, period: month, activity: activity, nowMilliseconds: nowMilliseconds, makeID: { self.identifiers.make(.invoice) }
            )
        }
        return invoices.isEmpty ? 0 : try await self.repository.insertInvoices(invoices)
    }

    private func markPaidInvoices(tenantID: String, nowMilliseconds: Int64) async throws {
        let open = try await self.repository.openInvoices(tenantID: tenantID)
        var paid: Set<String> = []
        for invoice in open {
            guard let buyerID = invoice.buyerID else { continue }
            let standing = try await self.repository.standing(buyerID: buyerID, beforeMilliseconds: invoice.period.endMilliseconds)
            if MonthClosing.isPaid(by: standing) { paid.insert(invoice.id) }
        }
        paid.formUnion(MonthClosing.paidTenantInvoices(open: open, paidNow: paid).map(\.id))
        if !paid.isEmpty { try await self.repository.markPaid(invoiceIDs: paid.sorted(), atMilliseconds: nowMilliseconds) }
    }

    public func verify() async throws -> LedgerVerification {
        try await self.repository.verify()
    }
}
