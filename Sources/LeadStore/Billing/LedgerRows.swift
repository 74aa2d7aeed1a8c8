import Foundation
import GRDB
import LeadEngine

/// Appends ledger entries together with their account's balance change: the two never part.
enum LedgerRows {
    /// Appends `entry` and moves its account's balance in the caller's transaction; returns the
    /// entry with the balance after it. A balance pushed below its floor is a 409, not a crash.
    static func append(_ entry: LedgerEntry, _ db: Database) throws -> LedgerEntry {
        var entry = entry
        let delta = entry.kind.sign * entry.amountCents
        if let buyerID = entry.buyerID {
            try LedgerFloor.translate {
                try db.executeCached(
                    sql: "UPDATE buyers SET balance_cents = balance_cents + ? WHERE id = ? AND tenant_id = ?",
                    arguments: [delta, buyerID, entry.tenantID]
                )
            }
            guard db.changesCount == 1 else { throw NotFoundError(entity: "buyer", id: buyerID) }
            entry.balanceAfterCents = try Int64.fetchOne(db.cachedStatement(sql: "SELECT balance_cents FROM buyers WHERE id = ?"), arguments: [buyerID])
        } else {
            try LedgerFloor.translate {
                try db.executeCached(sql: "UPDATE tenants SET balance_cents = balance_cents + ? WHERE id = ?", arguments: [delta, entry.tenantID])
            }
            entry.balanceAfterCents = try Int64.fetchOne(db.cachedStatement(sql: "SELECT balance_cents FROM tenants WHERE id = ?"), arguments: [entry.tenantID])
        }
        do {
            try db.executeCached(
                sql: """
                    INSERT INTO ledger_entries (id, tenant_id, buyer_id, lead_id, kind, amount_cents, description, created_at, reason, balance_after_cents)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.id, entry.tenantID, entry.buyerID, entry.leadID, entry.kind.rawValue, entry.amountCents, entry.description,
                    entry.createdAt.epochMilliseconds, entry.reason, entry.balanceAfterCents,
                ]
            )
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && entry.kind == .refund {
            throw StoreRefusal.alreadyRefunded(leadID: entry.leadID ?? "")
        }
        return entry
    }

    /// The charge a lead's sale wrote, if any.
    static func charge(leadID: String, _ db: Database) throws -> LedgerEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM ledger_entries WHERE lead_id = ? AND kind = 'charge' ORDER BY created_at LIMIT 1", arguments: [leadID])
            .map(Self.entry(from:))
    }

    /// The tenant's entries that `filter` keeps.
    static func query(tenantID: String, filter: LedgerFilter) -> PagedQuery {
        var query = PagedQuery(table: "ledger_entries", tenantID: tenantID)
        if let kind = filter.kind { query.filter("kind = ?", kind.rawValue) }
        if let buyerID = filter.buyerID { query.filter("buyer_id = ?", buyerID) }
        if let after = filter.createdAfter { query.filter("created_at >= ?", after.epochMilliseconds) }
        if let before = filter.createdBefore { query.filter("created_at < ?", before.epochMilliseconds) }
        return query
    }

    static func entry(from row: Row) throws -> LedgerEntry {
        LedgerEntry(
            id: row["id"], tenantID: row["tenant_id"], buyerID: row["buyer_id"], leadID: row["lead_id"],
            kind: try row.required(LedgerEntry.Kind.self, "kind", table: "ledger_entries"), amountCents: row["amount_cents"],
            description: row["description"], reason: row["reason"], balanceAfterCents: row["balance_after_cents"],
            createdAt: ColumnCoding.date(row["created_at"])
        )
    }
}

/// Turns SQLite's refusal of a balance below its floor (the trigger's message, or the tenant's
/// CHECK) into the refusal every store reports.
enum LedgerFloor {
    static func translate<T>(_ write: () throws -> T) throws -> T {
        do {
            return try write()
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_CONSTRAINT && (error.message?.contains("balance below its floor") ?? false)
                || error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK && (error.message?.contains("balance_cents") ?? false)
        {
            throw StoreRefusal.balanceBelowFloor
        }
    }
}
