import Foundation

/// What `GET /reports/export` can export.
public enum ExportKind: String, Sendable, CaseIterable {
    case leads
    case transactions
    case pings
}

/// Where an export has got to: the last row written, in the export's order (`created_at`, then id).
public struct ExportCursor: Sendable, Equatable {
    public var createdAtMilliseconds: Int64
    public var id: String

    public init(createdAtMilliseconds: Int64, id: String) {
        self.createdAtMilliseconds = createdAtMilliseconds
        self.id = id
    }
}

/// Filters of a ping export.
public struct PingFilter: Sendable, Equatable {
    public var campaignType: CampaignType?
    public var createdAfter: Date?
    public var createdBefore: Date?

    public init(campaignType: CampaignType? = nil, createdAfter: Date? = nil, createdBefore: Date? = nil) {
        self.campaignType = campaignType
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
    }
}

/// Reads exports in keyset batches, oldest first: each batch starts after the last row of the one
/// before, so a million rows cost a million rows' reading once, never an offset scan.
public protocol ExportRepository: Sendable {
    func leads(tenantID: String, filter: LeadFilter, after: ExportCursor?, limit: Int) async throws -> [Lead]
    func transactions(tenantID: String, filter: LedgerFilter, after: ExportCursor?, limit: Int) async throws -> [LedgerEntry]
    func pings(tenantID: String, filter: PingFilter, after: ExportCursor?, limit: Int) async throws -> [Ping]
}

/// Exports a tenant's rows batch by batch, handing each batch on before reading the next, so
/// memory stays flat whatever the export's size.
public struct ReportExports: Sendable {
    public static let batchSize = 1_000

    let repository: any ExportRepository
    let batchSize: Int

    public init(repository: any ExportRepository, batchSize: Int = ReportExports.batchSize) {
        self.repository = repository
        self.batchSize = batchSize
    }

    public func leads(tenantID: String, filter: LeadFilter, _ write: ([Lead]) async throws -> Void) async throws {
        try await self.stream(write, position: { ExportCursor(createdAtMilliseconds: $0.createdAt.epochMilliseconds, id: $0.id) }) { after, limit in
            try await self.repository.leads(tenantID: tenantID, filter: filter, after: after, limit: limit)
        }
    }

    public func transactions(tenantID: String, filter: LedgerFilter, _ write: ([LedgerEntry]) async throws -> Void) async throws {
        try await self.stream(write, position: { ExportCursor(createdAtMilliseconds: $0.createdAt.epochMilliseconds, id: $0.id) }) { after, limit in
            try await self.repository.transactions(tenantID: tenantID, filter: filter, after: after, limit: limit)
        }
    }

    public func pings(tenantID: String, filter: PingFilter, _ write: ([Ping]) async throws -> Void) async throws {
        try await self.stream(write, position: { ExportCursor(createdAtMilliseconds: $0.createdAtMilliseconds, id: $0.id) }) { after, limit in
            try await self.repository.pings(tenantID: tenantID, filter: filter, after: after, limit: limit)
        }
    }

    private func stream<Row>(
        _ write: ([Row]) async throws -> Void, position: (Row) -> ExportCursor,
        batch: (ExportCursor?, Int) async throws -> [Row]
    ) async throws {
        var cursor: ExportCursor?
        while true {
            let rows = try await batch(cursor, self.batchSize)
            if !rows.isEmpty { try await write(rows) }
            guard rows.count == self.batchSize, let last = rows.last else { return }
            cursor = position(last)
        }
    }
}
