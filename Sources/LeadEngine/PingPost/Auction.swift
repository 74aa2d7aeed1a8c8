/// The pure rules of a ping's auction: cap, floor, rank. No I/O, no clock.
public enum Auction {
    /// The bids a ping keeps and answers with, best first. A slot can hold a thousand static
    /// buyers; a seller needs the best few, and a ping must stay small in memory and in the store.
    public static let defaultMaxBids = 10

    /// Turns what the buyers offered into ranked bids and no-bid outcomes.
    ///
    /// A bid under the floor becomes a `below_floor` outcome. Bids rank by price, highest first;
    /// equal prices go to the faster answer, then to the buyer id, so the order is stable. Only the
    /// best `maxBids` are kept; the rest become `outranked`. Static buyers that were outranked are
    /// only counted, not listed: they are the many, and their reason is the same.
    public static func rank(
        _ outcomes: [BuyerOutcome], floorCents: Int64, maxBids: Int = Auction.defaultMaxBids
    ) -> (bids: [Bid], outcomes: [BuyerOutcome], outrankedStatic: Int) {
        var bids: [Bid] = []
        var settled: [BuyerOutcome] = []
        settled.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            guard let bid = outcome.bid else {
                settled.append(outcome)
                continue
            }
            if bid.bidCents < floorCents {
                var refused = outcome
                refused.result = .noBid(.belowFloor, detail: "bid \(bid.bidCents) under floor \(floorCents)")
                settled.append(refused)
            } else {
                bids.append(bid)
            }
        }
        bids.sort { lhs, rhs in
            if lhs.bidCents != rhs.bidCents { return lhs.bidCents > rhs.bidCents }
            if lhs.responseMilliseconds != rhs.responseMilliseconds { return lhs.responseMilliseconds < rhs.responseMilliseconds }
            return lhs.buyerID < rhs.buyerID
        }
        let kept = Array(bids.prefix(maxBids))
        var outrankedStatic = 0
        let best = kept.last?.bidCents ?? 0
        for bid in bids.dropFirst(maxBids) {
            if bid.source == .static {
                outrankedStatic += 1
            } else {
                settled.append(
                    BuyerOutcome(
                        buyerID: bid.buyerID, buyerName: bid.buyerName,
                        result: .noBid(.outranked, detail: "bid \(bid.bidCents); the lowest kept bid was \(best)"),
                        responseMilliseconds: bid.responseMilliseconds
                    )
                )
            }
        }
        let bidOutcomes = kept.map(BuyerOutcome.init(bid:))
        return (kept, bidOutcomes + settled, outrankedStatic)
    }

    /// What a real-time buyer's answer is worth: capped to its ceiling, or a reason it is no bid.
    public static func settle(answer: BidAnswer, buyer: Buyer, elapsedMilliseconds: Int) -> BuyerOutcome {
        let result: BuyerOutcome.Result
        switch answer {
        case .bid(let cents, let exclusivity):
            if cents <= 0 {
                result = .noBid(.declined, detail: nil)
            } else {
                result = .bid(
                    Bid(
                        buyerID: buyer.id, buyerName: buyer.name, bidCents: min(cents, buyer.maxPriceCents),
                        exclusivity: exclusivity ?? buyer.exclusivity, source: .realTime, responseMilliseconds: elapsedMilliseconds
                    )
                )
            }
        case .declined:
            result = .noBid(.declined, detail: nil)
        case .failed(let reason, let detail):
            result = .noBid(reason, detail: detail)
        }
        return BuyerOutcome(buyerID: buyer.id, buyerName: buyer.name, result: result, responseMilliseconds: elapsedMilliseconds)
    }
}
