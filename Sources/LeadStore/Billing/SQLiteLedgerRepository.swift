import Foundation
import GRDB
import LeadEngine

public struct SQLiteLedgerRepository: LedgerRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func addCredit(_ entry: LedgerEntry) async throws -> LedgerEntry {
        try await self.database.write { db in try LedgerRows.append(entry, db) }
    }

    public func refund(
        leadID: String, tenantID: String, _ plan: @Sendable (Lead, LedgerEntry?) throws -> RefundPlan
    ) async throws -> LedgerEntry? {
        try await self.database.write { db in
            guard let lead = try LeadRows.fetch(id: leadID, tenantID: tenantID, db) else { return nil }
            let planned = try plan(lead, try LedgerRows.charge(leadID: lead.id, db))
            let entry = try LedgerRows.append(planned.entry, db)
            try LeadRows.insert(planned.events, leadID: lead.id, db)
            return entry
        }
    }

    public func entries(tenantID: String, filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntry> {
        try await self.database.read { db in
            let result = try LedgerRows.query(tenantID: tenantID, filter: filter).fetch(db, page: page)
            return Page(items: try result.rows.map(LedgerRows.entry(from:)), total: result.total, request: page)
        }
    }

    public func totals(tenantID: String, buyerID: String?, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> PeriodTotals {
        try await self.database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(kind = 'charge'), 0) AS charges,
                        coalesce(sum(CASE WHEN kind = 'charge' THEN amount_cents END), 0) AS charged,
                        coalesce(sum(kind = 'refund'), 0) AS refunds,
                        coalesce(sum(CASE WHEN kind = 'refund' THEN amount_cents END), 0) AS refunded,
                        coalesce(sum(CASE WHEN kind = 'credit' THEN amount_cents END), 0) AS credited
                    FROM ledger_entries
                    WHERE tenant_id = ? AND (? IS NULL OR buyer_id = ?) AND created_at >= ? AND created_at < ?
                    """,
                arguments: [tenantID, buyerID, buyerID, fromMilliseconds, toMilliseconds]
            )
            guard let row else { return PeriodTotals() }
            return PeriodTotals(
                charges: row["charges"], chargedCents: row["charged"], refunds: row["refunds"], refundedCents: row["refunded"],
                creditedCents: row["credited"]
            )
        }
    }

    public func balance(tenantID: String, buyerID: String?) async throws -> Int64? {
        try await self.database.read { db in
            if let buyerID {
                return try Int64.fetchOne(db, sql: "SELECT balance_cents FROM buyers WHERE id = ? AND tenant_id = ?", arguments: [buyerID, tenantID])
            }
            return try Int64.fetchOne(db, sql: "SELECT balance_cents FROM tenants WHERE id = ?", arguments: [tenantID])
        }
    }

    public func creditsRemaining(tenantID: String) async throws -> Int64 {
        try await self.database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT (SELECT balance_cents FROM tenants WHERE id = ?)
                        + coalesce((SELECT sum(max(balance_cents, 0)) FROM buyers WHERE tenant_id = ?), 0)
                    """,
                arguments: [tenantID, tenantID]
            ) ?? 0
        }
    }

    public func buyerAccounts() async throws -> [(buyerID: String, terms: BillingTerms, balanceCents: Int64)] {
        try await self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM buyers").map { row in
                (buyerID: row["id"], terms: try SQLiteBuyerRepository.billingTerms(from: row), balanceCents: row["balance_cents"])
            }
        }
    }

    public func closeMonths(
        tenantID: String?, before current: BillingPeriod, nowMilliseconds: Int64, makeID: @Sendable () -> String
    ) async throws -> Int {
        try await self.database.write { db in
            let tenants =
                if let tenantID { [tenantID] } else { try String.fetchAll(db, sql: "SELECT DISTINCT tenant_id FROM ledger_entries") }
            var created = 0
            for tenant in tenants {
                created += try Self.invoiceFinishedMonths(tenantID: tenant, before: current, now: nowMilliseconds, makeID: makeID, db)
                try Self.markPaidInvoices(tenantID: tenant, now: nowMilliseconds, db)
            }
            return created
        }
    }

    /// One invoice per buyer with charges or refunds in a finished month, and one for the tenant
    /// summing them. A prepaid buyer's invoice is a statement of what its balance already paid.
    private static func invoiceFinishedMonths(
        tenantID: String, before current: BillingPeriod, now: Int64, makeID: () -> String, _ db: Database
    ) throws -> Int {
        // Months with charges or refunds, from the newest already invoiced (or the first entry) on.
        let lastInvoiced = try String.fetchOne(
            db, sql: "SELECT max(period) FROM invoices WHERE tenant_id = ? AND buyer_id IS NULL", arguments: [tenantID]
        ).flatMap(BillingPeriod.init)
        let from = lastInvoiced?.next.startMilliseconds ?? Int64.min
        let months = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT strftime('%Y-%m', created_at / 1000, 'unixepoch') FROM ledger_entries
                WHERE tenant_id = ? AND kind IN ('charge', 'refund') AND buyer_id IS NOT NULL AND created_at >= ? AND created_at < ?
                """,
            arguments: [tenantID, from, current.startMilliseconds]
        ).compactMap(BillingPeriod.init).sorted()
        var created = 0
        for period in months {
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.buyer_id, b.billing_mode,
                        coalesce(sum(CASE WHEN e.kind = 'charge' THEN e.amount_cents ELSE -e.amount_cents END), 0) AS amount,
                        coalesce(sum(e.kind = 'charge'), 0) AS leads
                    FROM ledger_entries e JOIN buyers b ON b.id = e.buyer_id
                    WHERE e.tenant_id = ? AND e.kind IN ('charge', 'refund') AND e.created_at >= ? AND e.created_at < ?
                    GROUP BY e.buyer_id ORDER BY e.buyer_id
                    """,
                arguments: [tenantID, period.startMilliseconds, period.endMilliseconds]
            )
            var total: Int64 = 0
            var leads = 0
            for row in rows {
                let amount: Int64 = row["amount"]
                let prepaid = (row["billing_mode"] as String) == BillingMode.prepaid.rawValue
                total += amount
                leads += row["leads"] as Int
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO invoices (id, tenant_id, buyer_id, period, amount_cents, leads, status, created_at, paid_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        makeID(), tenantID, row["buyer_id"] as String, period.description, amount, row["leads"] as Int,
                        prepaid || amount <= 0 ? "paid" : "open", now, prepaid || amount <= 0 ? now : nil,
                    ]
                )
                created += db.changesCount
            }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO invoices (id, tenant_id, buyer_id, period, amount_cents, leads, status, created_at, paid_at)
                    VALUES (?, ?, NULL, ?, ?, ?, 'open', ?, NULL)
                    """,
                arguments: [makeID(), tenantID, period.description, total, leads, now]
            )
            created += db.changesCount
        }
        return created
    }

    /// An invoiced buyer's invoice is paid once its credits (payments) cover everything it was
    /// charged, less refunds, up to the end of that month. The tenant's invoice for a month is
    /// paid once every buyer invoice of that month is.
    private static func markPaidInvoices(tenantID: String, now: Int64, _ db: Database) throws {
        let open = try Row.fetchAll(
            db, sql: "SELECT id, buyer_id, period FROM invoices WHERE tenant_id = ? AND status = 'open' AND buyer_id IS NOT NULL ORDER BY period",
            arguments: [tenantID]
        )
        for invoice in open {
            guard let period = BillingPeriod(invoice["period"] as String) else { continue }
            let covered = try Bool.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(CASE WHEN kind = 'credit' THEN amount_cents ELSE 0 END), 0)
                        >= coalesce(sum(CASE WHEN kind = 'charge' AND created_at < ? THEN amount_cents
                                             WHEN kind = 'refund' AND created_at < ? THEN -amount_cents ELSE 0 END), 0)
                    FROM ledger_entries WHERE buyer_id = ?
                    """,
                arguments: [period.endMilliseconds, period.endMilliseconds, invoice["buyer_id"] as String]
            ) ?? false
            if covered {
                try db.execute(sql: "UPDATE invoices SET status = 'paid', paid_at = ? WHERE id = ?", arguments: [now, invoice["id"] as String])
            }
        }
        try db.execute(
            sql: """
                UPDATE invoices SET status = 'paid', paid_at = ?
                WHERE tenant_id = ? AND buyer_id IS NULL AND status = 'open'
                    AND NOT EXISTS (SELECT 1 FROM invoices b WHERE b.tenant_id = invoices.tenant_id AND b.period = invoices.period
                                    AND b.buyer_id IS NOT NULL AND b.status = 'open')
                """,
            arguments: [now, tenantID]
        )
    }

    public func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice> {
        try await self.database.read { db in
            var query = PagedQuery(table: "invoices", tenantID: tenantID)
            if let buyerID { query.filter("buyer_id = ?", buyerID) } else { query.conditions.append("buyer_id IS NULL") }
            let result = try query.fetch(db, page: page)
            return Page(
                items: try result.rows.map { row in
                    let raw: String = row["period"]
                    guard let period = BillingPeriod(raw) else { throw CorruptRowError(table: "invoices", column: "period", value: raw) }
                    return Invoice(
                        id: row["id"], tenantID: row["tenant_id"], buyerID: row["buyer_id"], period: period, amountCents: row["amount_cents"],
                        leads: row["leads"], status: try row.required(Invoice.Status.self, "status", table: "invoices"),
                        createdAt: ColumnCoding.date(row["created_at"]), paidAt: (row["paid_at"] as Int64?).map(ColumnCoding.date)
                    )
                },
                total: result.total, request: page
            )
        }
    }

    public func verify() async throws -> LedgerVerification {
        try await self.database.read { db in try Self.verify(db) }
    }

    /// The check itself, on any connection: `ezleeds backup` runs it on the copy it made.
    static func verify(_ db: Database) throws -> LedgerVerification {
        let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_entries") ?? 0
        let signedSum = "coalesce(sum(CASE e.kind WHEN 'charge' THEN -e.amount_cents ELSE e.amount_cents END), 0)"
        let buyers = try Row.fetchAll(
            db,
            sql: """
                SELECT b.tenant_id, b.id, b.balance_cents, \(signedSum) AS total
                FROM buyers b LEFT JOIN ledger_entries e ON e.buyer_id = b.id GROUP BY b.id
                """
        )
        let tenants = try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.balance_cents, \(signedSum) AS total
                FROM tenants t LEFT JOIN ledger_entries e ON e.tenant_id = t.id AND e.buyer_id IS NULL GROUP BY t.id
                """
        )
        var mismatches: [LedgerMismatch] = []
        for row in buyers where (row["balance_cents"] as Int64) != (row["total"] as Int64) {
            mismatches.append(
                LedgerMismatch(tenantID: row["tenant_id"], buyerID: row["id"], balanceCents: row["balance_cents"], entriesSumCents: row["total"])
            )
        }
        for row in tenants where (row["balance_cents"] as Int64) != (row["total"] as Int64) {
            mismatches.append(LedgerMismatch(tenantID: row["id"], buyerID: nil, balanceCents: row["balance_cents"], entriesSumCents: row["total"]))
        }
        return LedgerVerification(accountsChecked: buyers.count + tenants.count, entriesChecked: entries, mismatches: mismatches)
    }
}
