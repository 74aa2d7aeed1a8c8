import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// SQL for one page of a tenant's rows plus the total, and for export batches in keyset order:
/// `PagedQuery` of the SQLite store, with PostgreSQL's numbered parameters. Filters are written
/// with `$?` where their value goes; values are always bound, never spliced into the SQL.
struct PostgresTenantListing: Sendable {
    var table: String
    var conditions: [String]
    var binds = PostgresBindings()

    init(table: String, tenantID: String) {
        self.table = table
        self.binds.append(tenantID)
        self.conditions = ["tenant_id = $1"]
    }

    /// Adds `condition`, whose `$?` stands for `value`.
    mutating func filter<Value: PostgresDynamicTypeEncodable>(_ condition: String, _ value: Value) {
        self.binds.append(value)
        self.conditions.append(condition.replacingOccurrences(of: "$?", with: "$\(self.binds.count)"))
    }

    /// Adds a condition that binds nothing.
    mutating func filter(_ condition: String) {
        self.conditions.append(condition)
    }

    private var whereClause: String { self.conditions.joined(separator: " AND ") }

    /// One page, newest first (ties by id, descending), and the total, read on one snapshot.
    func fetch<Item>(
        columns: String, page: PageRequest, on connection: PostgresConnection, logger: Logger,
        _ decode: (PostgresRowSequence) async throws -> [Item]
    ) async throws -> (items: [Item], total: Int) {
        var total = 0
        let counted = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(self.table) WHERE \(self.whereClause)", binds: self.binds), logger: logger
        )
        for try await count in counted.decode(Int.self) { total = count }
        var binds = self.binds
        binds.append(page.perPage)
        binds.append(page.offset)
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(columns) FROM \(self.table) WHERE \(self.whereClause)
                    ORDER BY created_at DESC, id DESC LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
                    """,
                binds: binds
            ),
            logger: logger
        )
        return (try await decode(rows), total)
    }

    /// The next `limit` rows after `after`, oldest first: keyset paging for exports.
    func fetchBatch<Item>(
        columns: String, after: ExportCursor?, limit: Int, on connection: PostgresConnection, logger: Logger,
        _ decode: (PostgresRowSequence) async throws -> [Item]
    ) async throws -> [Item] {
        var listing = self
        if let after {
            // A row value: one range of the (tenant_id, created_at, id) index.
            listing.binds.append(after.createdAtMilliseconds)
            listing.binds.append(after.id)
            listing.conditions.append("(created_at, id) > ($\(listing.binds.count - 1), $\(listing.binds.count))")
        }
        listing.binds.append(limit)
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: "SELECT \(columns) FROM \(self.table) WHERE \(listing.whereClause) ORDER BY created_at, id LIMIT $\(listing.binds.count)",
                binds: listing.binds
            ),
            logger: logger
        )
        return try await decode(rows)
    }
}
