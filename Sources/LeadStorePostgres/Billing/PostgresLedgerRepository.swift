import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// The ledger, balances and invoices in PostgreSQL; behaves as `SQLiteLedgerRepository` does.
///
/// Balances move with their entry in one statement (`PostgresLedgerRows.append`), so concurrent
/// writers on several nodes never lose a change. The invoice policy is the engine's
/// (`MonthClosing`): the store only sums entries and stores the invoices it is given, once each
/// (`ON CONFLICT DO NOTHING` on `invoices_once`), so nodes closing the same month at once store
/// one set.
public struct PostgresLedgerRepository: LedgerRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func addCredit(_ entry: LedgerEntry) async throws -> LedgerEntry {
        try await self.store.write { connection in
            // Other nodes read balances again: a credit raises what their buyers may spend. (Their
            // charges are not announced: a node that misses one only lets the store refuse a post.)
            try await PostgresChangeFeed.announce(.funds, on: connection, logger: self.store.logger)
            return try await PostgresLedgerRows.append(entry, on: connection, logger: self.store.logger)
        }
    }

    /// Locks the lead's row first, so two refunds of one lead (or a refund and a return) queue;
    /// the second is then refused by `ledger_one_refund_per_lead` as `alreadyRefunded`.
    public func refund(
        leadID: String, tenantID: String, _ plan: @Sendable (Lead, LedgerEntry?) throws -> RefundPlan
    ) async throws -> LedgerEntry? {
        try await self.store.write { connection in
            let logger = self.store.logger
            guard let lead = try await PostgresLeadRows.fetchForUpdate(id: leadID, tenantID: tenantID, on: connection, logger: logger) else {
                return nil
            }
            let planned = try plan(lead, try await PostgresLedgerRows.charge(leadID: lead.id, on: connection, logger: logger))
            let entry = try await PostgresLedgerRows.append(planned.entry, on: connection, logger: logger)
            try await PostgresLeadRows.insertEvents(planned.events, leadID: lead.id, on: connection, logger: logger)
            return entry
        }
    }

    public func entries(tenantID: String, filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntry> {
        try await self.store.read { connection in
            let result = try await PostgresLedgerRows.listing(tenantID: tenantID, filter: filter).fetch(
                columns: PostgresLedgerRows.columns, page: page, on: connection, logger: self.store.logger, PostgresLedgerRows.entries(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func totals(tenantID: String, buyerID: String?, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> PeriodTotals {
        try await self.store.read { connection in
            let sums = """
                SELECT count(*) FILTER (WHERE kind = 'charge'), coalesce(sum(amount_cents) FILTER (WHERE kind = 'charge'), 0)::bigint,
                    count(*) FILTER (WHERE kind = 'refund'), coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund'), 0)::bigint,
                    coalesce(sum(amount_cents) FILTER (WHERE kind = 'credit'), 0)::bigint
                FROM ledger_entries
                """
            let rows: PostgresRowSequence
            if let buyerID {
                rows = try await connection.query(
                    """
                    \(unescaped: sums) WHERE tenant_id = \(tenantID) AND buyer_id = \(buyerID)
                        AND created_at >= \(fromMilliseconds) AND created_at < \(toMilliseconds)
                    """,
                    logger: self.store.logger
                )
            } else {
                rows = try await connection.query(
                    "\(unescaped: sums) WHERE tenant_id = \(tenantID) AND created_at >= \(fromMilliseconds) AND created_at < \(toMilliseconds)",
                    logger: self.store.logger
                )
            }
            for try await (charges, charged, refunds, refunded, credited) in rows.decode((Int, Int64, Int, Int64, Int64).self) {
                return PeriodTotals(charges: charges, chargedCents: charged, refunds: refunds, refundedCents: refunded, creditedCents: credited)
            }
            return PeriodTotals()
        }
    }

    public func balance(tenantID: String, buyerID: String?) async throws -> Int64? {
        try await self.store.read { connection in
            let rows =
                if let buyerID {
                    try await connection.query(
                        "SELECT balance_cents FROM buyers WHERE id = \(buyerID) AND tenant_id = \(tenantID)", logger: self.store.logger
                    )
                } else {
                    try await connection.query("SELECT balance_cents FROM tenants WHERE id = \(tenantID)", logger: self.store.logger)
                }
            for try await balance in rows.decode(Int64.self) { return balance }
            return nil
        }
    }

    public func creditsRemaining(tenantID: String) async throws -> Int64 {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT ((SELECT balance_cents FROM tenants WHERE id = \(tenantID))
                    + coalesce((SELECT sum(GREATEST(balance_cents, 0)) FROM buyers WHERE tenant_id = \(tenantID)), 0))::bigint
                """,
                logger: self.store.logger
            )
            for try await remaining in rows.decode(Int64?.self) { return remaining ?? 0 }
            return 0
        }
    }

    public func buyerAccounts() async throws -> [(buyerID: String, terms: BillingTerms, balanceCents: Int64)] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT id, billing_mode, credit_limit_cents, return_window_hours, max_return_percent, balance_cents FROM buyers",
                logger: self.store.logger
            )
            var accounts: [(buyerID: String, terms: BillingTerms, balanceCents: Int64)] = []
            for try await (id, mode, creditLimit, returnWindow, maxReturn, balance) in rows.decode((String, String, Int64?, Int, Int?, Int64).self) {
                let terms = try PostgresBuyerRows.billingTerms(
                    mode: mode, creditLimitCents: creditLimit, returnWindowHours: returnWindow, maxReturnPercent: maxReturn
                )
                accounts.append((id, terms, balance))
            }
            return accounts
        }
    }

    public func tenantsWithBuyerEntries() async throws -> [String] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT DISTINCT tenant_id FROM ledger_entries WHERE kind IN ('charge', 'refund') AND buyer_id IS NOT NULL ORDER BY tenant_id",
                logger: self.store.logger
            )
            var tenants: [String] = []
            for try await tenantID in rows.decode(String.self) { tenants.append(tenantID) }
            return tenants
        }
    }

    public func lastInvoicedPeriod(tenantID: String) async throws -> BillingPeriod? {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT max(period) FROM invoices WHERE tenant_id = \(tenantID) AND buyer_id IS NULL", logger: self.store.logger
            )
            for try await period in rows.decode(String?.self) { return period.flatMap(BillingPeriod.init) }
            return nil
        }
    }

    public func firstBuyerEntry(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> Int64? {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT min(created_at) FROM ledger_entries
                WHERE tenant_id = \(tenantID) AND kind IN ('charge', 'refund') AND buyer_id IS NOT NULL
                    AND created_at >= \(fromMilliseconds) AND created_at < \(toMilliseconds)
                """,
                logger: self.store.logger
            )
            for try await first in rows.decode(Int64?.self) { return first }
            return nil
        }
    }

    public func buyerActivity(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> [BuyerBillingActivity] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT e.buyer_id, b.billing_mode, count(*) FILTER (WHERE e.kind = 'charge'),
                    coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'charge'), 0)::bigint,
                    coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'refund'), 0)::bigint
                FROM ledger_entries e JOIN buyers b ON b.id = e.buyer_id
                WHERE e.tenant_id = \(tenantID) AND e.kind IN ('charge', 'refund')
                    AND e.created_at >= \(fromMilliseconds) AND e.created_at < \(toMilliseconds)
                GROUP BY e.buyer_id, b.billing_mode ORDER BY e.buyer_id
                """,
                logger: self.store.logger
            )
            var activity: [BuyerBillingActivity] = []
            for try await (buyerID, mode, charges, charged, refunded) in rows.decode((String, String, Int, Int64, Int64).self) {
                activity.append(
                    BuyerBillingActivity(
                        buyerID: buyerID, mode: try PostgresBuyerRows.required(BillingMode.self, mode, "billing_mode"), charges: charges,
                        chargedCents: charged, refundedCents: refunded
                    )
                )
            }
            return activity
        }
    }

    /// Stores each invoice unless the store holds it (its id, or one for the same tenant, buyer
    /// and period: `invoices_once`); counts those it stored.
    public func insertInvoices(_ invoices: [Invoice]) async throws -> Int {
        try await self.store.write { connection in
            var inserted = 0
            for invoice in invoices {
                let rows = try await connection.query(
                    """
                    INSERT INTO invoices (id, tenant_id, buyer_id, period, amount_cents, leads, status, created_at, paid_at)
                    VALUES (\(invoice.id), \(invoice.tenantID), \(invoice.buyerID), \(invoice.period.description), \(invoice.amountCents),
                        \(invoice.leads), \(invoice.status.rawValue), \(invoice.createdAt.epochMilliseconds), \(invoice.paidAt?.epochMilliseconds))
                    ON CONFLICT DO NOTHING
                    RETURNING 1
                    """,
                    logger: self.store.logger
                )
                inserted += try await rows.collect().count
            }
            return inserted
        }
    }

    public func openInvoices(tenantID: String) async throws -> [Invoice] {
        try await self.store.read { connection in
            try await Self.invoices(
                from: connection.query(
                    "SELECT \(unescaped: Self.invoiceColumns) FROM invoices WHERE tenant_id = \(tenantID) AND status = 'open' ORDER BY period, id",
                    logger: self.store.logger
                )
            )
        }
    }

    public func standing(buyerID: String, beforeMilliseconds: Int64) async throws -> BuyerStanding {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT coalesce(sum(amount_cents) FILTER (WHERE kind = 'credit'), 0)::bigint,
                    coalesce(sum(amount_cents) FILTER (WHERE kind = 'charge' AND created_at < \(beforeMilliseconds)), 0)::bigint,
                    coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund' AND created_at < \(beforeMilliseconds)), 0)::bigint
                FROM ledger_entries WHERE buyer_id = \(buyerID)
                """,
                logger: self.store.logger
            )
            for try await (credited, charged, refunded) in rows.decode((Int64, Int64, Int64).self) {
                return BuyerStanding(creditedCents: credited, owedCents: charged - refunded)
            }
            return BuyerStanding(creditedCents: 0, owedCents: 0)
        }
    }

    public func markPaid(invoiceIDs: [String], atMilliseconds: Int64) async throws {
        guard !invoiceIDs.isEmpty else { return }
        try await self.store.write { connection in
            _ = try await connection.query(
                "UPDATE invoices SET status = 'paid', paid_at = \(atMilliseconds) WHERE id = ANY(\(invoiceIDs)) AND status = 'open'",
                logger: self.store.logger
            )
        }
    }

    public func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice> {
        try await self.store.read { connection in
            var listing = PostgresTenantListing(table: "invoices", tenantID: tenantID)
            if let buyerID { listing.filter("buyer_id = $?", buyerID) } else { listing.filter("buyer_id IS NULL") }
            let result = try await listing.fetch(columns: Self.invoiceColumns, page: page, on: connection, logger: self.store.logger, Self.invoices(from:))
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func verify() async throws -> LedgerVerification {
        try await self.store.read { connection in try await Self.verify(on: connection, logger: self.store.logger) }
    }

    /// The check itself, on any connection (one snapshot, so balances and entries agree).
    static func verify(on connection: PostgresConnection, logger: Logger) async throws -> LedgerVerification {
        var entries = 0
        for try await count in try await connection.query("SELECT count(*) FROM ledger_entries", logger: logger).decode(Int.self) { entries = count }
        let signedSum = "coalesce(sum(CASE e.kind WHEN 'charge' THEN -e.amount_cents ELSE e.amount_cents END), 0)::bigint"
        var accounts = 0
        var mismatches: [LedgerMismatch] = []
        let buyers = try await connection.query(
            """
            SELECT b.tenant_id, b.id, b.balance_cents, \(unescaped: signedSum)
            FROM buyers b LEFT JOIN ledger_entries e ON e.buyer_id = b.id GROUP BY b.id ORDER BY b.id
            """,
            logger: logger
        )
        for try await (tenantID, buyerID, balance, total) in buyers.decode((String, String, Int64, Int64).self) {
            accounts += 1
            if balance != total {
                mismatches.append(LedgerMismatch(tenantID: tenantID, buyerID: buyerID, balanceCents: balance, entriesSumCents: total))
            }
        }
        let tenants = try await connection.query(
            """
            SELECT t.id, t.balance_cents, \(unescaped: signedSum)
            FROM tenants t LEFT JOIN ledger_entries e ON e.tenant_id = t.id AND e.buyer_id IS NULL GROUP BY t.id ORDER BY t.id
            """,
            logger: logger
        )
        for try await (tenantID, balance, total) in tenants.decode((String, Int64, Int64).self) {
            accounts += 1
            if balance != total {
                mismatches.append(LedgerMismatch(tenantID: tenantID, buyerID: nil, balanceCents: balance, entriesSumCents: total))
            }
        }
        return LedgerVerification(accountsChecked: accounts, entriesChecked: entries, mismatches: mismatches)
    }

    static let invoiceColumns = "id, tenant_id, buyer_id, period, amount_cents, leads, status, created_at, paid_at"

    private static func invoices(from rows: PostgresRowSequence) async throws -> [Invoice] {
        var invoices: [Invoice] = []
        for try await (id, tenantID, buyerID, period, amount, leads, status, createdAt, paidAt) in rows.decode(
            (String, String, String?, String, Int64, Int, String, Int64, Int64?).self
        ) {
            guard let billingPeriod = BillingPeriod(period) else { throw PostgresCorruptRow(table: "invoices", column: "period", value: period) }
            invoices.append(
                Invoice(
                    id: id, tenantID: tenantID, buyerID: buyerID, period: billingPeriod, amountCents: amount, leads: leads,
                    status: try PostgresBuyerRows.required(Invoice.Status.self, status, table: "invoices", "status"),
                    createdAt: Date(epochMilliseconds: createdAt), paidAt: paidAt.map(Date.init(epochMilliseconds:))
                )
            )
        }
        return invoices
    }
}
