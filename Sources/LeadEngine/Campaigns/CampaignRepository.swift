public struct CampaignFilter: Sendable, Equatable {
    public var status: CampaignStatus?
    public var campaignType: CampaignType?

    public init(status: CampaignStatus? = nil, campaignType: CampaignType? = nil) {
        self.status = status
        self.campaignType = campaignType
    }
}

/// Storage of campaigns, every call scoped to a tenant.
public protocol CampaignRepository: Sendable {
    func insert(_ campaign: Campaign) async throws
    /// Reads, transforms and writes the campaign in one transaction; nil when the tenant has none such.
    func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Campaign) throws -> Void
    ) async throws -> Campaign?
    func campaign(id: String, tenantID: String) async throws -> Campaign?
    func campaigns(tenantID: String, filter: CampaignFilter, page: PageRequest) async throws -> Page<Campaign>
    func performance(campaignIDs: [String], tenantID: String) async throws -> [String: CampaignPerformance]
    /// Every campaign with a buyer, with its spend net of returns and its sales since `todayStartMilliseconds`, to load budgets.
    func fundedCampaigns(todayStartMilliseconds: Int64) async throws -> [(campaign: Campaign, spentCents: Int64, soldToday: Int)]
}
