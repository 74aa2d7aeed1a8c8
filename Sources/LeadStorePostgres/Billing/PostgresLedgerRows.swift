import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// Appends ledger entries together with their account's balance change, in the caller's
/// transaction: the two never part. As `LedgerRows` does for SQLite.
enum PostgresLedgerRows {
    /// The columns `entry(from:)` reads, in its order.
    static let columns = "id, tenant_id, buyer_id, lead_id, kind, amount_cents, description, created_at, reason, balance_after_cents"

    /// Appends `entry` and moves its account's balance (the buyer's, or with no buyer the tenant's
    /// own) in the caller's transaction; returns the entry with the balance after it.
    ///
    /// The balance moves in one statement (`UPDATE … SET balance_cents = balance_cents + delta …
    /// RETURNING balance_cents`), which locks the row until the transaction ends: two appends to one
    /// account never lose each other's change, and the balance each one reports is its own.
    /// Throws `StoreRefusal.balanceBelowFloor` when the account would fall below its floor,
    /// `NotFoundError(entity: "buyer")` when the tenant has no such buyer, and
    /// `StoreRefusal.alreadyRefunded` for a second refund of one lead.
    static func append(_ entry: LedgerEntry, on connection: PostgresConnection, logger: Logger) async throws -> LedgerEntry {
        var entry = entry
        let delta = entry.kind.sign * entry.amountCents
        if let buyerID = entry.buyerID {
            let balance = try await PostgresLedgerFloor.translate {
                try await Self.firstBalance(
                    connection.query(
                        """
                        UPDATE buyers SET balance_cents = balance_cents + \(delta)
                        WHERE id = \(buyerID) AND tenant_id = \(entry.tenantID)
                        RETURNING balance_cents
                        """,
                        logger: logger
                    )
                )
            }
            guard let balance else { throw NotFoundError(entity: "buyer", id: buyerID) }
            entry.balanceAfterCents = balance
        } else {
            // As SQLite: a tenant that does not exist is the insert's foreign key failure below.
            entry.balanceAfterCents = try await PostgresLedgerFloor.translate {
                try await Self.firstBalance(
                    connection.query(
                        "UPDATE tenants SET balance_cents = balance_cents + \(delta) WHERE id = \(entry.tenantID) RETURNING balance_cents",
                        logger: logger
                    )
                )
            }
        }
        do {
            try await connection.query(
                """
                INSERT INTO ledger_entries (id, tenant_id, buyer_id, lead_id, kind, amount_cents, description, created_at, reason, balance_after_cents)
                VALUES (\(entry.id), \(entry.tenantID), \(entry.buyerID), \(entry.leadID), \(entry.kind.rawValue), \(entry.amountCents),
                    \(entry.description), \(entry.createdAt.epochMilliseconds), \(entry.reason), \(entry.balanceAfterCents))
                """,
                logger: logger
            )
        } catch where entry.kind == .refund && PostgresFailure.violates(error, PostgresSchema.Constraint.oneRefundPerLead) {
            throw StoreRefusal.alreadyRefunded(leadID: entry.leadID ?? "")
        }
        return entry
    }

    /// The charge a lead's sale wrote, if any.
    static func charge(leadID: String, on connection: PostgresConnection, logger: Logger) async throws -> LedgerEntry? {
        try await Self.entries(
            from: connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM ledger_entries
                WHERE lead_id = \(leadID) AND kind = 'charge' ORDER BY created_at, id LIMIT 1
                """,
                logger: logger
            )
        ).first
    }

    /// The tenant's entries that `filter` keeps, for a page or an export batch.
    static func listing(tenantID: String, filter: LedgerFilter) -> PostgresTenantListing {
        var listing = PostgresTenantListing(table: "ledger_entries", tenantID: tenantID)
        if let kind = filter.kind { listing.filter("kind = $?", kind.rawValue) }
        if let buyerID = filter.buyerID { listing.filter("buyer_id = $?", buyerID) }
        if let after = filter.createdAfter { listing.filter("created_at >= $?", after.epochMilliseconds) }
        if let before = filter.createdBefore { listing.filter("created_at < $?", before.epochMilliseconds) }
        return listing
    }

    /// The entries `rows` holds, selected with `columns`.
    static func entries(from rows: PostgresRowSequence) async throws -> [LedgerEntry] {
        var entries: [LedgerEntry] = []
        for try await (id, tenantID, buyerID, leadID, kind, amount, description, createdAt, reason, balanceAfter) in rows.decode(
            (String, String, String?, String?, String, Int64, String, Int64, String?, Int64?).self
        ) {
            guard let kind = LedgerEntry.Kind(rawValue: kind) else { throw PostgresCorruptRow(table: "ledger_entries", column: "kind", value: kind) }
            entries.append(
                LedgerEntry(
                    id: id, tenantID: tenantID, buyerID: buyerID, leadID: leadID, kind: kind, amountCents: amount, description: description,
                    reason: reason, balanceAfterCents: balanceAfter, createdAt: Date(epochMilliseconds: createdAt)
                )
            )
        }
        return entries
    }

    private static func firstBalance(_ rows: PostgresRowSequence) async throws -> Int64? {
        for try await balance in rows.decode(Int64.self) { return balance }
        return nil
    }
}

/// Turns PostgreSQL's refusal of a balance below its floor (the `buyers_balance_floor` or
/// `tenants_balance_floor` CHECK) into the refusal every store reports: the one place that knows
/// the constraints' names.
enum PostgresLedgerFloor {
    static func translate<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch where PostgresFailure.violates(error, PostgresSchema.Constraint.buyerBalanceFloor)
            || PostgresFailure.violates(error, PostgresSchema.Constraint.tenantBalanceFloor)
        {
            throw StoreRefusal.balanceBelowFloor
        }
    }
}
