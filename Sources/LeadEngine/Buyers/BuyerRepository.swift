/// Filters of a buyer listing.
public struct BuyerFilter: Sendable, Equatable {
    public var status: BuyerStatus?
    public var campaignType: CampaignType?
    public var state: String?

    public init(status: BuyerStatus? = nil, campaignType: CampaignType? = nil, state: String? = nil) {
        self.status = status
        self.campaignType = campaignType
        self.state = state
    }
}

/// Storage of buyers. Every call is scoped to a tenant except `allBuyers`, which builds the index.
public protocol BuyerRepository: Sendable {
    func insert(_ buyer: Buyer) async throws
    /// Reads, transforms and writes the buyer in one transaction; nil when the tenant has no such buyer.
    func update(
        id: String, tenantID: String, _ transform: @Sendable (inout Buyer) throws -> Void
    ) async throws -> Buyer?
    func buyer(id: String, tenantID: String) async throws -> Buyer?
    func buyers(tenantID: String, filter: BuyerFilter, page: PageRequest) async throws -> Page<Buyer>
    func allBuyers() async throws -> [Buyer]
    func performance(buyerIDs: [String], tenantID: String) async throws -> [String: BuyerPerformance]
}
