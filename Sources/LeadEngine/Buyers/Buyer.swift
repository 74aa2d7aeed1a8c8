import Foundation

public enum BuyerStatus: String, CaseIterable, Sendable {
    case active
    case paused
}

/// A buyer of leads: what it wants (verticals, states, ZIPs), what it pays, and where leads and
/// bid requests go.
public struct Buyer: Sendable, Equatable {
    public static let defaultBidTimeoutMilliseconds = 250
    public static let maxBidTimeoutMilliseconds = 2000

    public var id: String
    public var tenantID: String
    public var name: String
    public var campaignTypes: [CampaignType]
    public var states: [String]
    /// A static buyer's bid; the ceiling for a real-time bidder's answers.
    public var maxPriceCents: Int64
    public var webhookURL: String?
    /// Write-only: signs deliveries and bid requests, never shown by the API.
    public var webhookSecret: String?
    /// Real-time bid endpoint; without one the buyer bids `maxPriceCents`.
    public var bidURL: String?
    public var bidTimeoutMilliseconds: Int
    public var exclusivity: Exclusivity
    /// ZIP allow-list; nil means every ZIP of the buyer's states.
    public var zipCodes: [String]?
    /// Leads a day at most; nil means no cap.
    public var dailyCap: Int?
    /// IANA time zone whose calendar days `dailyCap` counts.
    public var timeZone: String
    /// How it pays (prepaid or invoiced, credit limit) and how it may return leads.
    public var billing: BillingTerms
    /// Buys only leads on no do-not-call list (federal, the lead's state, the tenant's internal).
    public var requireDNCClear: Bool
    public var status: BuyerStatus
    /// Bumped on every update so the in-memory index never applies an older version over a newer.
    public var revision: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, name: String, campaignTypes: [CampaignType], states: [String],
        maxPriceCents: Int64, webhookURL: String? = nil, webhookSecret: String? = nil, bidURL: String? = nil,
        bidTimeoutMilliseconds: Int = Buyer.defaultBidTimeoutMilliseconds, exclusivity: Exclusivity = .shared,
        zipCodes: [String]? = nil, dailyCap: Int? = nil, timeZone: String = "UTC", billing: BillingTerms = BillingTerms(), requireDNCClear: Bool = false, status: BuyerStatus = .active,
        revision: Int64 = 1,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.campaignTypes = campaignTypes
        self.states = states
        self.maxPriceCents = maxPriceCents
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.bidURL = bidURL
        self.bidTimeoutMilliseconds = bidTimeoutMilliseconds
        self.exclusivity = exclusivity
        self.zipCodes = zipCodes
        self.dailyCap = dailyCap
        self.timeZone = timeZone
        self.billing = billing
        self.requireDNCClear = requireDNCClear
        self.status = status
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the buyer takes leads from this ZIP code (always, without an allow-list).
    public func accepts(zipCode: String?) -> Bool {
        guard let zipCodes else { return true }
        guard let zipCode else { return false }
        return zipCodes.contains(zipCode)
    }
}

/// Performance facts about a buyer, computed from recorded sales.
public struct BuyerPerformance: Sendable, Equatable {
    /// All time, by the definitions of `SalesFigures`.
    public var sales: SalesFigures
    public var averageResponseTimeMilliseconds: Int
    /// The buyer's account: credits and refunds less charges (negative: it owes).
    public var balanceCents: Int64

    public init(sales: SalesFigures = .zero, averageResponseTimeMilliseconds: Int = 0, balanceCents: Int64 = 0) {
        self.sales = sales
        self.averageResponseTimeMilliseconds = averageResponseTimeMilliseconds
        self.balanceCents = balanceCents
    }

    public static let none = BuyerPerformance()
}
