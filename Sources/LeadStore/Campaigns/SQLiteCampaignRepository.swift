import Foundation
import GRDB
import LeadEngine

public struct SQLiteCampaignRepository: CampaignRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ campaign: Campaign) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO campaigns (id, tenant_id, name, campaign_type, states, budget_cents, max_leads_per_day,
                        delivery_webhook, buyer_id, status, created_at, updated_at, require_dnc_clear)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(Self.columnValues(campaign))
            )
        }
    }

    public func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Campaign) throws -> Void
    ) async throws -> Campaign? {
        try await self.database.write { db -> Campaign? in
            guard var campaign = try Self.fetch(id: id, tenantID: tenantID, db) else { return nil }
            try transform(&campaign)
            try db.execute(
                sql: """
                    UPDATE campaigns SET name = ?, campaign_type = ?, states = ?, budget_cents = ?, max_leads_per_day = ?,
                        delivery_webhook = ?, buyer_id = ?, status = ?, created_at = ?, updated_at = ?, require_dnc_clear = ?
                    WHERE id = ? AND tenant_id = ?
                    """,
                arguments: StatementArguments(Self.columnValues(campaign).dropFirst(2)) + [campaign.id, campaign.tenantID]
            )
            return campaign
        }
    }

    public func campaign(id: String, tenantID: String) async throws -> Campaign? {
        try await self.database.read { db in try Self.fetch(id: id, tenantID: tenantID, db) }
    }

    public func campaigns(tenantID: String, filter: CampaignFilter, page: PageRequest) async throws -> Page<Campaign> {
        try await self.database.read { db in
            var query = PagedQuery(table: "campaigns", tenantID: tenantID)
            if let status = filter.status { query.filter("status = ?", status.rawValue) }
            if let type = filter.campaignType { query.filter("campaign_type = ?", type.rawValue) }
            let result = try query.fetch(db, page: page)
            return Page(items: try result.rows.map(Self.campaign(from:)), total: result.total, request: page)
        }
    }

    public func performance(campaignIDs: [String], tenantID: String) async throws -> [String: CampaignPerformance] {
        try await SQLiteSalesFiguresRepository(database: self.database)
            .salesFigures(tenantID: tenantID, by: .campaign, ids: campaignIDs, period: nil)
            .mapValues { CampaignPerformance(sales: $0) }
    }

    public func fundedCampaigns(todayStartMilliseconds: Int64) async throws -> [(campaign: Campaign, spentCents: Int64, soldToday: Int)] {
        try await self.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT campaigns.*,
                        (SELECT coalesce(sum(price_cents), 0) FROM sales WHERE sales.campaign_id = campaigns.id AND sales.status != 'returned') AS spent,
                        (SELECT count(*) FROM sales WHERE sales.campaign_id = campaigns.id AND sales.sold_at >= ?) AS sold_today
                    FROM campaigns WHERE buyer_id IS NOT NULL
                    """,
                arguments: [todayStartMilliseconds]
            ).map { row in (try Self.campaign(from: row), row["spent"], row["sold_today"]) }
        }
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> Campaign? {
        try Row.fetchOne(db, sql: "SELECT * FROM campaigns WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID])
            .map(Self.campaign(from:))
    }

    private static func columnValues(_ campaign: Campaign) -> [(any DatabaseValueConvertible)?] {
        [
            campaign.id, campaign.tenantID, campaign.name, campaign.campaignType.rawValue, ColumnCoding.json(campaign.states),
            campaign.budgetCents, campaign.maxLeadsPerDay, campaign.deliveryWebhook, campaign.buyerID, campaign.status.rawValue,
            ColumnCoding.milliseconds(campaign.createdAt), ColumnCoding.milliseconds(campaign.updatedAt), campaign.requireDNCClear,
        ]
    }

    private static func campaign(from row: Row) throws -> Campaign {
        Campaign(
            id: row["id"], tenantID: row["tenant_id"], name: row["name"],
            campaignType: try row.required(CampaignType.self, "campaign_type", table: "campaigns"),
            states: try ColumnCoding.strings(fromJSON: row["states"]), budgetCents: row["budget_cents"],
            maxLeadsPerDay: row["max_leads_per_day"], deliveryWebhook: row["delivery_webhook"], buyerID: row["buyer_id"],
            requireDNCClear: row["require_dnc_clear"], status: try row.required(CampaignStatus.self, "status", table: "campaigns"),
            createdAt: ColumnCoding.date(row["created_at"]), updatedAt: ColumnCoding.date(row["updated_at"])
        )
    }
}
