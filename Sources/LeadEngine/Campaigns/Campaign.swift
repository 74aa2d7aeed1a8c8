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
    public var leadsDelivered: Int
    public var leadsAccepted: Int
    public var leadsReturned: Int
    /// Spend net of returned leads, which are credited back.
    public var spentCents: Int64

    public init(leadsDelivered: Int = 0, leadsAccepted: Int = 0, leadsReturned: Int = 0, spentCents: Int64 = 0) {
        self.leadsDelivered = leadsDelivered
        self.leadsAccepted = leadsAccepted
        self.leadsReturned = leadsReturned
        self.spentCents = spentCents
    }

    public static let none = CampaignPerformance()

    /// Accepted over delivered; zero before the first delivery.
    public var acceptanceRate: Double {
        self.leadsDelivered == 0 ? 0 : Double(self.leadsAccepted) / Double(self.leadsDelivered)
    }

    /// Net spend over leads kept, rounded to the nearest cent; zero before the first sale.
    public var averageCostCents: Int64 {
        let kept = Int64(self.leadsDelivered - self.leadsReturned)
        return kept <= 0 ? 0 : (self.spentCents + kept / 2) / kept
    }

    public func budgetRemainingCents(of campaign: Campaign) -> Int64 {
        max(0, campaign.budgetCents - self.spentCents)
    }
}
