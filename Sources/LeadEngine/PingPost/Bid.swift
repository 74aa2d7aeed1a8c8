/// Where a bid came from: the buyer's fixed price, or its real-time bid endpoint.
public enum BidSource: String, Sendable, Equatable {
    case `static`
    case realTime = "real_time"
}

/// A buyer's offer for a pinged lead, in cents, already capped to the buyer's `max_price_cents`.
public struct Bid: Sendable, Equatable {
    public var buyerID: String
    public var buyerName: String
    public var bidCents: Int64
    public var exclusivity: Exclusivity
    public var source: BidSource
    /// How long the buyer took to answer; zero for static bids.
    public var responseMilliseconds: Int

    public init(buyerID: String, buyerName: String, bidCents: Int64, exclusivity: Exclusivity, source: BidSource, responseMilliseconds: Int = 0) {
        self.buyerID = buyerID
        self.buyerName = buyerName
        self.bidCents = bidCents
        self.exclusivity = exclusivity
        self.source = source
        self.responseMilliseconds = responseMilliseconds
    }
}

/// Why a buyer that was considered for a ping did not bid: the answer to "why didn't my lead sell?".
public enum NoBidReason: String, Sendable, Equatable, CaseIterable {
    /// The buyer is paused.
    case paused
    /// The lead's ZIP code is not on the buyer's allow-list.
    case filteredZip = "filtered_zip"
    /// The buyer bought its `daily_cap` leads today.
    case dailyCap = "daily_cap"
    /// The buyer's budget cannot pay its bid.
    case budget
    /// The lead is on a do-not-call list and the buyer (or every campaign that could fund it)
    /// requires clean leads. Only routing knows the phone: an anonymous ping never gets this.
    case dnc
    /// The bid endpoint did not answer within the buyer's timeout or the seller's deadline.
    case timeout
    /// The bid endpoint could not be reached (refused, reset, DNS).
    case unreachable
    /// The outbound target policy refused the bid_url, or an address its host resolves to.
    case targetNotAllowed = "target_not_allowed"
    /// The bid endpoint answered with a status other than 200 or 204.
    case httpError = "http_error"
    /// The bid endpoint answered 200 with a body that is not a valid bid.
    case badResponse = "bad_response"
    /// The buyer declined: 204, or `bid_cents` 0.
    case declined
    /// The bid was under the floor price.
    case belowFloor = "below_floor"
    /// The bid was valid but not among the best the ping keeps.
    case outranked
}

/// What happened with one buyer in one ping: a bid, or a typed reason for none.
public struct BuyerOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case bid(Bid)
        case noBid(NoBidReason, detail: String?)
    }

    public var buyerID: String
    public var buyerName: String
    public var result: Result
    /// Milliseconds the buyer's endpoint took, when it was asked.
    public var responseMilliseconds: Int?

    public init(buyerID: String, buyerName: String, result: Result, responseMilliseconds: Int? = nil) {
        self.buyerID = buyerID
        self.buyerName = buyerName
        self.result = result
        self.responseMilliseconds = responseMilliseconds
    }

    public var bid: Bid? {
        if case .bid(let bid) = self.result { return bid }
        return nil
    }
}

extension BuyerOutcome {
    /// The outcome of a buyer that bid: static bids have no response time.
    public init(bid: Bid) {
        self.init(
            buyerID: bid.buyerID, buyerName: bid.buyerName, result: .bid(bid),
            responseMilliseconds: bid.source == .static ? nil : bid.responseMilliseconds
        )
    }
}
