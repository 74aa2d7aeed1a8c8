import Foundation

/// What a seller pings: anonymous lead data, and how long it will wait for bids.
public struct PingRequest: Sendable, Equatable {
    public static let defaultTmaxMilliseconds = 300
    public static let maxTmaxMilliseconds = 2000

    public var campaignType: CampaignType
    public var state: String
    public var zipCode: String
    public var source: String
    public var tmaxMilliseconds: Int
    /// Whether the lead is on a do-not-call list: nil for a seller's anonymous ping, known when
    /// the engine routes a lead it holds whole (inbound).
    public var listedOnDoNotCall: Bool?

    public init(
        campaignType: CampaignType, state: String, zipCode: String, source: String, tmaxMilliseconds: Int = PingRequest.defaultTmaxMilliseconds,
        listedOnDoNotCall: Bool? = nil
    ) {
        self.listedOnDoNotCall = listedOnDoNotCall
        self.campaignType = campaignType
        self.state = state
        self.zipCode = zipCode
        self.source = source
        self.tmaxMilliseconds = tmaxMilliseconds
    }

    /// Checks a ping as a seller sent it; nil fields were absent.
    public static func validated(
        campaignType: String?, state: String?, zipCode: String?, source: String?, tmaxMilliseconds: Int?
    ) throws(ValidationError) -> PingRequest {
        var errors = FieldErrors()
        var type: CampaignType?
        if let campaignType {
            type = FieldRules.campaignType(campaignType, field: "campaign_type", into: &errors)
        } else {
            errors.add("campaign_type", "is required")
        }
        if let state { FieldRules.state(state, field: "state", into: &errors) } else { errors.add("state", "is required") }
        if let zipCode { FieldRules.zipCode(zipCode, field: "zip_code", into: &errors) } else { errors.add("zip_code", "is required") }
        if let source {
            if source.isEmpty || source.utf8.count > 200 { errors.add("source", "must be 1 to 200 bytes") }
        } else {
            errors.add("source", "is required")
        }
        let tmax = tmaxMilliseconds ?? Self.defaultTmaxMilliseconds
        if tmax < 1 || tmax > Self.maxTmaxMilliseconds { errors.add("tmax_ms", "must be between 1 and \(Self.maxTmaxMilliseconds)") }
        try errors.throwIfAny()
        return PingRequest(campaignType: type ?? .legalPI, state: state ?? "", zipCode: zipCode ?? "", source: source ?? "", tmaxMilliseconds: tmax)
    }
}

/// A ping after its auction: the bids on offer until it expires, and why every other buyer passed.
public struct Ping: Sendable, Equatable {
    /// Bids are good for one minute.
    public static let lifetimeMilliseconds: Int64 = 60_000

    public var id: String
    public var tenantID: String
    public var request: PingRequest
    public var floorPriceCents: Int64
    /// Highest first.
    public var bids: [Bid]
    /// One per buyer considered, bid or not.
    public var outcomes: [BuyerOutcome]
    public var createdAtMilliseconds: Int64
    public var expiresAtMilliseconds: Int64
    /// Buyers the lead has been sold to through this ping.
    public var soldTo: [String]
    /// Static buyers that bid but were not among the best kept; counted, not listed.
    public var outrankedStaticBuyers: Int

    public init(
        id: String, tenantID: String, request: PingRequest, floorPriceCents: Int64, bids: [Bid], outcomes: [BuyerOutcome],
        createdAtMilliseconds: Int64, soldTo: [String] = [], outrankedStaticBuyers: Int = 0
    ) {
        self.id = id
        self.tenantID = tenantID
        self.request = request
        self.floorPriceCents = floorPriceCents
        self.bids = bids
        self.outcomes = outcomes
        self.createdAtMilliseconds = createdAtMilliseconds
        self.expiresAtMilliseconds = createdAtMilliseconds + Self.lifetimeMilliseconds
        self.soldTo = soldTo
        self.outrankedStaticBuyers = outrankedStaticBuyers
    }

    public var createdAt: Date { Date(epochMilliseconds: self.createdAtMilliseconds) }
    public var expiresAt: Date { Date(epochMilliseconds: self.expiresAtMilliseconds) }

    public func isExpired(atMilliseconds now: Int64) -> Bool { now >= self.expiresAtMilliseconds }
}
