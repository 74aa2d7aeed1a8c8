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

/// A bid endpoint's answer and when it came.
public struct TimedBidAnswer: Sendable, Equatable {
    public var answer: BidAnswer
    public var answeredAt: ContinuousClock.Instant

    public init(answer: BidAnswer, answeredAt: ContinuousClock.Instant) {
        self.answer = answer
        self.answeredAt = answeredAt
    }
}

/// Asks buyers' bid endpoints for bids. Implementations never throw: every failure is an answer.
public protocol BidRequester: Sendable {
    /// - Parameter timeoutMilliseconds: the buyer's whole budget, connect to last byte.
    func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer

    /// Asks every buyer at once, each within its own timeout, and returns when all have answered
    /// or `deadline` has passed: one answer per buyer, in order, nil for those still unanswered.
    /// A requester that can fan out without a task per buyer should; the default makes one.
    func requestBids(
        from buyers: [Buyer], payload: BidRequestPayload, timeoutsMilliseconds: [Int], deadline: ContinuousClock.Instant
    ) async -> [TimedBidAnswer?]
}

extension BidRequester {
    public func requestBids(
        from buyers: [Buyer], payload: BidRequestPayload, timeoutsMilliseconds: [Int], deadline: ContinuousClock.Instant
    ) async -> [TimedBidAnswer?] {
        var answers = [TimedBidAnswer?](repeating: nil, count: buyers.count)
        await withTaskGroup(of: (Int, TimedBidAnswer)?.self) { group in
            for (index, buyer) in buyers.enumerated() {
                let timeout = timeoutsMilliseconds[index]
                group.addTask {
                    let answer = await self.requestBid(from: buyer, payload: payload, timeoutMilliseconds: timeout)
                    return (index, TimedBidAnswer(answer: answer, answeredAt: .now))
                }
            }
            // The deadline is a member of the group: whichever comes first, all answers or it, ends the wait.
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            var answered = 0
            for await result in group {
                guard let (index, answer) = result else { break }
                answers[index] = answer
                answered += 1
                if answered == buyers.count { break }
            }
            group.cancelAll()
        }
        return answers
    }
}
