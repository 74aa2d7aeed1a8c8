/// What a real-time buyer's bid endpoint answered, before the auction's rules apply.
public enum BidAnswer: Sendable, Equatable {
    /// 200 with `bid_cents` (and optionally `exclusivity`).
    case bid(cents: Int64, exclusivity: Exclusivity?)
    /// 204, or an explicit no-bid.
    case declined
    /// No usable answer; the reason is one of the transport or protocol no-bid reasons.
    case failed(NoBidReason, detail: String?)
}

/// The body of a bid request, as the buyer bid protocol defines it.
public struct BidRequestPayload: Sendable, Equatable {
    public var pingID: String
    public var campaignType: CampaignType
    public var state: String
    public var zipCode: String
    public var source: String
    public var floorPriceCents: Int64
    public var expiresAtMilliseconds: Int64
    public var tmaxMilliseconds: Int

    public init(
        pingID: String, campaignType: CampaignType, state: String, zipCode: String, source: String, floorPriceCents: Int64,
        expiresAtMilliseconds: Int64, tmaxMilliseconds: Int
    ) {
        self.pingID = pingID
        self.campaignType = campaignType
        self.state = state
        self.zipCode = zipCode
        self.source = source
        self.floorPriceCents = floorPriceCents
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.tmaxMilliseconds = tmaxMilliseconds
    }
}

/// Asks one buyer's bid endpoint for a bid. Implementations never throw: every failure is an answer.
public protocol BidRequester: Sendable {
    /// - Parameter timeoutMilliseconds: the buyer's whole budget, connect to last byte.
    func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer
}
