import LeadEngine
import PostgresNIO

/// Export batches in PostgreSQL, as `SQLiteExportRepository` reads them: the listings' filters,
/// read in keyset order (`created_at`, then id) on the tenants' time indexes.
public struct PostgresExportRepository: ExportRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func leads(tenantID: String, filter: LeadFilter, after: ExportCursor?, limit: Int) async throws -> [Lead] {
        try await self.store.read { connection in
            try await PostgresLeadRows.listing(tenantID: tenantID, filter: filter).fetchBatch(
                columns: PostgresLeadRows.columns, after: after, limit: limit, on: connection, logger: self.store.logger, PostgresLeadRows.leads(from:)
            )
        }
    }

    public func transactions(tenantID: String, filter: LedgerFilter, after: ExportCursor?, limit: Int) async throws -> [LedgerEntry] {
        try await self.store.read { connection in
            try await PostgresLedgerRows.listing(tenantID: tenantID, filter: filter).fetchBatch(
                columns: PostgresLedgerRows.columns, after: after, limit: limit, on: connection, logger: self.store.logger,
                PostgresLedgerRows.entries(from:)
            )
        }
    }

    public func pings(tenantID: String, filter: PingFilter, after: ExportCursor?, limit: Int) async throws -> [Ping] {
        try await self.store.read { connection in
            // `PostgresPingRepository.columns` reads from `pings p`.
            var listing = PostgresTenantListing(table: "pings p", tenantID: tenantID)
            if let type = filter.campaignType { listing.filter("campaign_type = $?", type.rawValue) }
            if let after = filter.createdAfter { listing.filter("created_at >= $?", after.epochMilliseconds) }
            if let before = filter.createdBefore { listing.filter("created_at < $?", before.epochMilliseconds) }
            return try await listing.fetchBatch(columns: PostgresPingRepository.columns, after: after, limit: limit, on: connection, logger: self.store.logger) {
                rows in try await PostgresPingRepository.pings(from: rows, on: connection, logger: self.store.logger)
            }
        }
    }
}
