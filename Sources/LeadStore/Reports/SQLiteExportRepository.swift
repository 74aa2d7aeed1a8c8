import GRDB
import LeadEngine

/// Export batches: the listings' filters, read in keyset order (`created_at`, then id) on the
/// tenants' time indexes.
public struct SQLiteExportRepository: ExportRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func leads(tenantID: String, filter: LeadFilter, after: ExportCursor?, limit: Int) async throws -> [Lead] {
        try await self.database.read { db in
            try LeadRows.query(tenantID: tenantID, filter: filter).fetchBatch(db, after: after, limit: limit).map(LeadRows.lead(from:))
        }
    }

    public func transactions(tenantID: String, filter: LedgerFilter, after: ExportCursor?, limit: Int) async throws -> [LedgerEntry] {
        try await self.database.read { db in
            try LedgerRows.query(tenantID: tenantID, filter: filter).fetchBatch(db, after: after, limit: limit).map(LedgerRows.entry(from:))
        }
    }

    public func pings(tenantID: String, filter: PingFilter, after: ExportCursor?, limit: Int) async throws -> [Ping] {
        try await self.database.read { db in
            var query = PagedQuery(table: "pings", tenantID: tenantID)
            if let type = filter.campaignType { query.filter("campaign_type = ?", type.rawValue) }
            if let after = filter.createdAfter { query.filter("created_at >= ?", after.epochMilliseconds) }
            if let before = filter.createdBefore { query.filter("created_at < ?", before.epochMilliseconds) }
            return try query.fetchBatch(db, after: after, limit: limit).map { try SQLitePingRepository.ping(from: $0, db) }
        }
    }
}
