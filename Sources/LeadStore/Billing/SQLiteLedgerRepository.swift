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

    public func tenantsWithBuyerEntries() async throws -> [String] {
        try await self.database.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT tenant_id FROM ledger_entries WHERE kind IN ('charge', 'refund') AND buyer_id IS NOT NULL")
        }
    }

    public func lastInvoicedPeriod(tenantID: String) async throws -> BillingPeriod? {
        try await self.database.read { db in
            try String.fetchOne(db, sql: "SELECT max(period) FROM invoices WHERE tenant_id = ? AND buyer_id IS NULL", arguments: [tenantID])
                .flatMap(BillingPeriod.init)
        }
    }

    public func firstBuyerEntry(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> Int64? {
        try await self.database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT min(created_at) FROM ledger_entries
                    WHERE tenant_id = ? AND kind IN ('charge', 'refund') AND buyer_id IS NOT NULL AND created_at >= ? AND created_at < ?
                    """,
                arguments: [tenantID, fromMilliseconds, toMilliseconds]
            )
        }
    }

    public func buyerActivity(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> [BuyerBillingActivity] {
        try await self.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.buyer_id, b.billing_mode, count(*) FILTER (WHERE e.kind = 'charge') AS charges,
                        coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'charge'), 0) AS charged,
                        coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'refund'), 0) AS refunded
                    FROM ledger_entries e JOIN buyers b ON b.id = e.buyer_id
                    WHERE e.tenant_id = ? AND e.kind IN ('charge', 'refund') AND e.created_at >= ? AND e.created_at < ?
                    GROUP BY e.buyer_id
                    """,
                arguments: [tenantID, fromMilliseconds, toMilliseconds]
            ).map { row in
                BuyerBillingActivity(
                    buyerID: row["buyer_id"], mode: try row.required(BillingMode.self, "billing_mode", table: "buyers"), charges: row["charges"],
                    chargedCents: row["charged"], refundedCents: row["refunded"]
                )
            }
        }
    }

    public func insertInvoices(_ invoices: [Invoice]) async throws -> Int {
        try await self.database.write { db in
            var inserted = 0
            for invoice in invoices {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO invoices (id, tenant_id, buyer_id, period, amount_cents, leads, status, created_at, paid_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        invoice.id, invoice.tenantID, invoice.buyerID, invoice.period.description, invoice.amountCents, invoice.leads,
                        invoice.status.rawValue, invoice.createdAt.epochMilliseconds, invoice.paidAt?.epochMilliseconds,
                    ]
                )
                inserted += db.changesCount
            }
            return inserted
        }
    }

    public func openInvoices(tenantID: String) async throws -> [Invoice] {
        try await self.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM invoices WHERE tenant_id = ? AND status = 'open' ORDER BY period, id", arguments: [tenantID])
                .map(Self.invoice(from:))
        }
    }

    public func standing(buyerID: String, beforeMilliseconds: Int64) async throws -> BuyerStanding {
        try await self.database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(amount_cents) FILTER (WHERE kind = 'credit'), 0) AS credited,
                        coalesce(sum(amount_cents) FILTER (WHERE kind = 'charge' AND created_at < ?), 0) AS charged,
                        coalesce(sum(amount_cents) FILTER (WHERE kind = 'refund' AND created_at < ?), 0) AS refunded
                    FROM ledger_entries WHERE buyer_id = ?
                    """,
                arguments: [beforeMilliseconds, beforeMilliseconds, buyerID]
            )
            guard let row else { return BuyerStanding(creditedCents: 0, owedCents: 0) }
            return BuyerStanding(creditedCents: row["credited"], owedCents: (row["charged"] as Int64) - (row["refunded"] as Int64))
        }
    }

    public func markPaid(invoiceIDs: [String], atMilliseconds: Int64) async throws {
        try await self.database.write { db in
            for id in invoiceIDs {
                try db.execute(sql: "UPDATE invoices SET status = 'paid', paid_at = ? WHERE id = ? AND status = 'open'", arguments: [atMilliseconds, id])
            }
        }
    }

    public func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice> {
        try await self.database.read { db in
            var query = PagedQuery(table: "invoices", tenantID: tenantID)
            if let buyerID { query.filter("buyer_id = ?", buyerID) } else { query.conditions.append("buyer_id IS NULL") }
            let result = try query.fetch(db, page: page)
            return Page(items: try result.rows.map(Self.invoice(from:)), total: result.total, request: page)
        }
    }

    private static func invoice(from row: Row) throws -> Invoice {
        let raw: String = row["period"]
        guard let period = BillingPeriod(raw) else { throw CorruptRowError(table: "invoices", column: "period", value: raw) }
        return Invoice(
            id: row["id"], tenantID: row["tenant_id"], buyerID: row["buyer_id"], period: period, amountCents: row["amount_cents"],
            leads: row["leads"], status: try row.required(Invoice.Status.self, "status", table: "invoices"),
            createdAt: ColumnCoding.date(row["created_at"]), paidAt: (row["paid_at"] as Int64?).map(ColumnCoding.date)
        )
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
