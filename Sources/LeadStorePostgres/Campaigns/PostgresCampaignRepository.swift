import Foundation
import LeadEngine
import PostgresNIO

/// Campaigns in PostgreSQL; behaves as `SQLiteCampaignRepository` does. `update` reads the row
/// with `SELECT … FOR UPDATE`, so concurrent updates of one campaign each see the one before.
public struct PostgresCampaignRepository: CampaignRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    static let columns = """
        id, tenant_id, name, campaign_type, states, budget_cents, max_leads_per_day, delivery_webhook, buyer_id, status, created_at, \
        updated_at, require_dnc_clear
        """

    public func insert(_ campaign: Campaign) async throws {
        try await self.store.write { connection in
            // Every node's campaigns in memory are read again once this commits.
            try await PostgresChangeFeed.announce(.campaigns, on: connection, logger: self.store.logger)
            _ = try await connection.query(
                """
                INSERT INTO campaigns (id, tenant_id, name, campaign_type, states, budget_cents, max_leads_per_day,
                    delivery_webhook, buyer_id, status, created_at, updated_at, require_dnc_clear)
                VALUES (\(campaign.id), \(campaign.tenantID), \(campaign.name), \(campaign.campaignType.rawValue),
                    \(PostgresBuyerRows.json(campaign.states)), \(campaign.budgetCents), \(campaign.maxLeadsPerDay), \(campaign.deliveryWebhook),
                    \(campaign.buyerID), \(campaign.status.rawValue), \(campaign.createdAt.epochMilliseconds), \(campaign.updatedAt.epochMilliseconds),
                    \(campaign.requireDNCClear))
                """,
                logger: self.store.logger
            )
        }
    }

    public func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Campaign) throws -> Void
    ) async throws -> Campaign? {
        try await self.store.write { connection -> Campaign? in
            // Every node's campaigns in memory are read again once this commits.
            try await PostgresChangeFeed.announce(.campaigns, on: connection, logger: self.store.logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM campaigns WHERE id = \(id) AND tenant_id = \(tenantID) FOR UPDATE", logger: self.store.logger
            )
            guard var campaign = try await Self.campaigns(from: rows).first else { return nil }
            try transform(&campaign)
            try await connection.query(
                """
                UPDATE campaigns SET name = \(campaign.name), campaign_type = \(campaign.campaignType.rawValue),
                    states = \(PostgresBuyerRows.json(campaign.states)), budget_cents = \(campaign.budgetCents),
                    max_leads_per_day = \(campaign.maxLeadsPerDay), delivery_webhook = \(campaign.deliveryWebhook), buyer_id = \(campaign.buyerID),
                    status = \(campaign.status.rawValue), created_at = \(campaign.createdAt.epochMilliseconds),
                    updated_at = \(campaign.updatedAt.epochMilliseconds), require_dnc_clear = \(campaign.requireDNCClear)
                WHERE id = \(campaign.id) AND tenant_id = \(campaign.tenantID)
                """,
                logger: self.store.logger
            )
            return campaign
        }
    }

    public func campaign(id: String, tenantID: String) async throws -> Campaign? {
        try await self.store.read { connection in
            try await Self.campaigns(
                from: connection.query(
                    "SELECT \(unescaped: Self.columns) FROM campaigns WHERE id = \(id) AND tenant_id = \(tenantID)", logger: self.store.logger
                )
            ).first
        }
    }

    public func campaigns(tenantID: String, filter: CampaignFilter, page: PageRequest) async throws -> Page<Campaign> {
        try await self.store.read { connection in
            var listing = PostgresTenantListing(table: "campaigns", tenantID: tenantID)
            if let status = filter.status { listing.filter("status = $?", status.rawValue) }
            if let type = filter.campaignType { listing.filter("campaign_type = $?", type.rawValue) }
            let result = try await listing.fetch(columns: Self.columns, page: page, on: connection, logger: self.store.logger, Self.campaigns(from:))
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func performance(campaignIDs: [String], tenantID: String) async throws -> [String: CampaignPerformance] {
        try await PostgresSalesFiguresRepository(store: self.store)
            .salesFigures(tenantID: tenantID, by: .campaign, ids: campaignIDs, period: nil)
            .mapValues { CampaignPerformance(sales: $0) }
    }

    public func fundedCampaigns(todayStartMilliseconds: Int64) async throws -> [(campaign: Campaign, spentCents: Int64, soldToday: Int)] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.columns),
                    (SELECT coalesce(sum(price_cents), 0)::bigint FROM sales
                        WHERE sales.campaign_id = campaigns.id AND sales.status <> 'returned'),
                    (SELECT count(*) FROM sales WHERE sales.campaign_id = campaigns.id AND sales.sold_at >= \(todayStartMilliseconds))
                FROM campaigns WHERE buyer_id IS NOT NULL
                """,
                logger: self.store.logger
            )
            var funded: [(campaign: Campaign, spentCents: Int64, soldToday: Int)] = []
            for try await row in rows {
                let (id, tenantID, name, type, states, budget, maxLeads, webhook, buyerID, status, createdAt, updatedAt, requireDNCClear, spent, soldToday) =
                    try row.decode((String, String, String, String, String, Int64, Int?, String?, String?, String, Int64, Int64, Bool, Int64, Int).self)
                let campaign = try Self.campaign(
                    id: id, tenantID: tenantID, name: name, type: type, states: states, budget: budget, maxLeads: maxLeads, webhook: webhook,
                    buyerID: buyerID, status: status, createdAt: createdAt, updatedAt: updatedAt, requireDNCClear: requireDNCClear
                )
                funded.append((campaign, spent, soldToday))
            }
            return funded
        }
    }

    /// The campaigns `rows` holds, selected with `columns`.
    static func campaigns(from rows: PostgresRowSequence) async throws -> [Campaign] {
        var campaigns: [Campaign] = []
        for try await (id, tenantID, name, type, states, budget, maxLeads, webhook, buyerID, status, createdAt, updatedAt, requireDNCClear) in rows.decode(
            (String, String, String, String, String, Int64, Int?, String?, String?, String, Int64, Int64, Bool).self
        ) {
            campaigns.append(
                try Self.campaign(
                    id: id, tenantID: tenantID, name: name, type: type, states: states, budget: budget, maxLeads: maxLeads, webhook: webhook,
                    buyerID: buyerID, status: status, createdAt: createdAt, updatedAt: updatedAt, requireDNCClear: requireDNCClear
                )
            )
        }
        return campaigns
    }

    private static func campaign(
        id: String, tenantID: String, name: String, type: String, states: String, budget: Int64, maxLeads: Int?, webhook: String?,
        buyerID: String?, status: String, createdAt: Int64, updatedAt: Int64, requireDNCClear: Bool
    ) throws -> Campaign {
        Campaign(
            id: id, tenantID: tenantID, name: name, campaignType: try PostgresBuyerRows.required(CampaignType.self, type, table: "campaigns", "campaign_type"),
            states: try PostgresBuyerRows.strings(fromJSON: states, table: "campaigns", "states"), budgetCents: budget, maxLeadsPerDay: maxLeads,
            deliveryWebhook: webhook, buyerID: buyerID, requireDNCClear: requireDNCClear,
            status: try PostgresBuyerRows.required(CampaignStatus.self, status, table: "campaigns", "status"),
            createdAt: Date(epochMilliseconds: createdAt), updatedAt: Date(epochMilliseconds: updatedAt)
        )
    }
}
