import Foundation

public enum CampaignStatus: String, CaseIterable, Sendable {
    case active
    case paused
    case archived
}

/// A lead-generation campaign: a vertical, the states it targets, its budget and daily volume,
/// where its leads are delivered and, optionally, the buyer it buys for.
public struct Campaign: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var campaignType: CampaignType
    public var states: [String]
    public var budgetCents: Int64
    /// Nil means no daily limit.
    public var maxLeadsPerDay: Int?
    public var deliveryWebhook: String?
    public var buyerID: String?
    /// Funds only leads on no do-not-call list: a listed lead is not sold to its buyer through it.
    public var requireDNCClear: Bool
    public var status: CampaignStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, name: String, campaignType: CampaignType, states: [String], budgetCents: Int64,
        maxLeadsPerDay: Int? = nil, deliveryWebhook: String? = nil, buyerID: String? = nil, requireDNCClear: Bool = false,
        status: CampaignStatus = .active,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.campaignType = campaignType
        self.states = states
        self.budgetCents = budgetCents
        self.maxLeadsPerDay = maxLeadsPerDay
        self.deliveryWebhook = deliveryWebhook
        self.buyerID = buyerID
        self.requireDNCClear = requireDNCClear
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Delivery facts about a campaign, computed from recorded sales.
public struct CampaignPerformance: Sendable, Equatable {
    /// All time, by the definitions of `SalesFigures`.
    public var sales: SalesFigures

    public init(sales: SalesFigures = .zero) {
        self.sales = sales
    }

    public static let none = CampaignPerformance()

    /// What the budget has spent: sale prices less those of returned leads. A return gives the
    /// budget back; an admin refund does not (the tenant's gesture, not a lead given back).
    public var budgetSpentCents: Int64 { self.sales.grossCents - self.sales.returnedCents }

    public func budgetRemainingCents(of campaign: Campaign) -> Int64 {
        max(0, campaign.budgetCents - self.budgetSpentCents)
    }
}
