/// Runs a ping's auction: finds the tenant's buyers for the lead, takes static bids at once, asks
/// real-time bidders in parallel under the seller's deadline, ranks, and keeps the result in the
/// ping book for 60 s. The answer never waits past the deadline, whatever a buyer does.
public struct Auctioneer: Sendable {
    /// Time kept back from the seller's deadline for what happens outside the auction: the request
    /// waiting to be read, ranking, writing the answer. A twentieth of `tmax_ms`, 1 to 5 ms: on a
    /// busy machine 2 ms let one deadline-bound ping in forty answer more than 5 ms late.
    static func answerReserveMilliseconds(tmaxMilliseconds: Int) -> Int {
        min(5, max(1, tmaxMilliseconds / 20))
    }

    let buyers: BuyerIndex
    let book: PingBook
    let floors: FloorPrices
    let journal: PingJournal
    let dailySales: DailySales
    let budgets: CampaignBudgets
    let bidRequester: any BidRequester
    let clock: any EngineClock
    let funds: BuyerFunds
    let activity: MarketActivity

    public init(
        buyers: BuyerIndex, book: PingBook, floors: FloorPrices, journal: PingJournal, dailySales: DailySales = DailySales(),
        budgets: CampaignBudgets = CampaignBudgets(), funds: BuyerFunds = BuyerFunds(), bidRequester: any BidRequester, clock: any EngineClock,
        activity: MarketActivity = MarketActivity(node: "local")
    ) {
        self.activity = activity
        self.funds = funds
        self.budgets = budgets
        self.buyers = buyers
        self.book = book
        self.floors = floors
        self.journal = journal
        self.dailySales = dailySales
        self.bidRequester = bidRequester
        self.clock = clock
    }

    /// A ping's auction before any real-time bidder is asked: the static bids and every buyer
    /// that cannot bid, decided from memory without suspending.
    struct OpenAuction {
        var pingID: String
        var createdAt: Int64
        var floor: Int64
        var outcomes: [BuyerOutcome]
        /// Real-time bidders still to ask.
        var bidders: [Buyer]
        var staticOutranked: Int
    }

    public func ping(_ request: PingRequest, tenantID: String) async throws(PingBookFull) -> Ping {
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(
            request.tmaxMilliseconds - Self.answerReserveMilliseconds(tmaxMilliseconds: request.tmaxMilliseconds)
        )
        var auction = self.open(request, tenantID: tenantID, pingID: self.book.makePingID())
        if !auction.bidders.isEmpty {
            let payload = BidRequestPayload(
                pingID: auction.pingID, campaignType: request.campaignType, state: request.state, zipCode: request.zipCode,
                source: request.source, floorPriceCents: auction.floor, expiresAtMilliseconds: auction.createdAt + Ping.lifetimeMilliseconds,
                tmaxMilliseconds: request.tmaxMilliseconds
            )
            let answers = await self.askRealTimeBidders(auction.bidders, payload: payload, started: started, deadline: deadline)
            // A real-time bid must still be one its campaigns and its balance can pay.
            let funds = self.funds.snapshot()
            auction.outcomes += answers.map { outcome in
                guard let bid = outcome.bid, let buyer = self.buyers.buyer(id: bid.buyerID) else { return outcome }
                var refused = outcome
                let verdict = self.budgets.verdict(
                    buyerID: buyer.id, campaignType: request.campaignType, state: request.state, priceCents: bid.bidCents,
                    nowMilliseconds: auction.createdAt, listedOnDoNotCall: request.listedOnDoNotCall == true
                )
                if verdict == .exhausted {
                    refused.result = .noBid(.budget, detail: "no campaign can pay \(bid.bidCents)")
                } else if verdict == .refusesListedLead {
                    refused.result = .noBid(.dnc, detail: Self.listedLeadRefusedByCampaigns)
                } else if !funds.canPay(buyerID: bid.buyerID, priceCents: bid.bidCents) {
                    refused.result = .noBid(.budget, detail: "the buyer's balance cannot pay \(bid.bidCents)")
                } else {
                    return outcome
                }
                return refused
            }
        }
        let ping = self.close(auction, request: request, tenantID: tenantID)
        self.recordAuctionTime(ping, since: started)
        try await self.book.insert(ping)
        self.journal.record(ping)
        return ping
    }

    /// Whether a ping like this one would ask real-time bidders, and so must be able to suspend.
    public func asksRealTimeBidders(_ request: PingRequest, tenantID: String) -> Bool {
        self.buyers.hasRealTimeBidders(tenantID: tenantID, campaignType: request.campaignType, state: request.state)
    }

    /// The whole ping without suspending, for a caller already running on the executor of book
    /// shard `shardIndex` (an event loop's): the new ping's id names that shard. Nil, with nothing
    /// kept, when real-time bidders must be asked: only the async `ping` can wait for them.
    public func pingWithoutSuspending(_ request: PingRequest, tenantID: String, shardIndex: Int) throws(PingBookFull) -> Ping? {
        let started = ContinuousClock.now
        let auction = self.open(request, tenantID: tenantID, pingID: self.book.makePingID(shard: shardIndex))
        guard auction.bidders.isEmpty else { return nil }
        let ping = self.close(auction, request: request, tenantID: tenantID)
        self.recordAuctionTime(ping, since: started)
        try self.book.insertWithoutSuspending(ping)
        self.journal.record(ping)
        return ping
    }

    func open(_ request: PingRequest, tenantID: String, pingID: String) -> OpenAuction {
        let createdAt = self.clock.nowMilliseconds()
        let floor = self.floors.floor(tenantID: tenantID, campaignType: request.campaignType)
        var outcomes: [BuyerOutcome] = []
        var bidders: [Buyer] = []
        // The slot is sorted by price, highest first, so past the best `maxBids` eligible static
        // buyers at or over the floor the rest are outranked: counted, never materialised, and
        // their budgets not even looked up.
        var staticKept = 0
        var staticOutranked = 0
        let soldToday = self.dailySales.snapshot(nowMilliseconds: createdAt)
        let budgets = self.budgets.snapshot()
        let funds = self.funds.snapshot()
        let listed = request.listedOnDoNotCall == true
        let slot = self.buyers.candidates(tenantID: tenantID, campaignType: request.campaignType, state: request.state)
        // Borrowed through a pointer, never copied: a Buyer copy retains a dozen fields, and a slot
        // may hold thousands. Only the buyers that appear in the answer or the outcomes are read whole.
        slot.withUnsafeBufferPointer { slot in
            guard let first = slot.baseAddress else { return }
            for index in slot.indices {
                let buyer = first + index
                let isStatic = buyer.pointee.bidURL == nil
                if let reason = Self.ineligibility(of: buyer, for: request, soldToday: soldToday) {
                    outcomes.append(BuyerOutcome(buyerID: buyer.pointee.id, buyerName: buyer.pointee.name, result: .noBid(reason, detail: nil)))
                } else if isStatic && staticKept >= Auction.defaultMaxBids && buyer.pointee.maxPriceCents >= floor {
                    staticOutranked += 1
                } else if case let verdict = budgets.verdict(
                    buyerID: buyer.pointee.id, campaignType: request.campaignType, state: request.state,
                    // Static buyers need their price; a real-time bidder is not asked when nothing is left at all.
                    priceCents: isStatic ? buyer.pointee.maxPriceCents : 1, nowMilliseconds: createdAt, listedOnDoNotCall: listed
                ), verdict == .exhausted || verdict == .refusesListedLead
                    || !funds.canPay(buyerID: buyer.pointee.id, priceCents: isStatic ? buyer.pointee.maxPriceCents : 1)
                {
                    let refusal: BuyerOutcome.Result =
                        verdict == .refusesListedLead ? .noBid(.dnc, detail: Self.listedLeadRefusedByCampaigns) : .noBid(.budget, detail: nil)
                    outcomes.append(BuyerOutcome(buyerID: buyer.pointee.id, buyerName: buyer.pointee.name, result: refusal))
                } else if !isStatic {
                    bidders.append(buyer.pointee)
                } else {
                    if buyer.pointee.maxPriceCents >= floor { staticKept += 1 }
                    let bid = Bid(
                        buyerID: buyer.pointee.id, buyerName: buyer.pointee.name, bidCents: buyer.pointee.maxPriceCents,
                        exclusivity: buyer.pointee.exclusivity, source: .static
                    )
                    outcomes.append(BuyerOutcome(buyerID: bid.buyerID, buyerName: bid.buyerName, result: .bid(bid)))
                }
            }
        }
        return OpenAuction(
            pingID: pingID, createdAt: createdAt, floor: floor, outcomes: outcomes, bidders: bidders, staticOutranked: staticOutranked
        )
    }

    func close(_ auction: OpenAuction, request: PingRequest, tenantID: String) -> Ping {
        let ranked = Auction.rank(auction.outcomes, floorCents: auction.floor)
        return Ping(
            id: auction.pingID, tenantID: tenantID, request: request, floorPriceCents: auction.floor, bids: ranked.bids,
            outcomes: ranked.outcomes, createdAtMilliseconds: auction.createdAt,
            outrankedStaticBuyers: auction.staticOutranked + ranked.outrankedStatic
        )
    }

    /// The auction's time for the dashboard: one uncontended lock, the only cost on the answer path.
    private func recordAuctionTime(_ ping: Ping, since started: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        self.activity.recordAuction(
            tenantID: ping.tenantID, atMilliseconds: ping.createdAtMilliseconds,
            microseconds: Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
        )
    }

    static let listedLeadRefusedByCampaigns = "the lead is on a do-not-call list and every campaign that could fund it requires clean leads"

    /// Why a buyer in the slot cannot bid on this lead at all, before anyone is asked.
    static func ineligibility(of buyer: UnsafePointer<Buyer>, for request: PingRequest, soldToday: DailySales.Snapshot) -> NoBidReason? {
        if buyer.pointee.status != .active { return .paused }
        if buyer.pointee.zipCodes != nil && !buyer.pointee.accepts(zipCode: request.zipCode) { return .filteredZip }
        if let cap = buyer.pointee.dailyCap, soldToday[buyer.pointee.id] >= cap { return .dailyCap }
        if buyer.pointee.requireDNCClear && request.listedOnDoNotCall == true { return .dnc }
        return nil
    }

    /// Asks every real-time bidder at once; each gets its own timeout, never past the deadline.
    /// Bidders that have not answered at the deadline are cut off and recorded as timeouts.
    private func askRealTimeBidders(
        _ bidders: [Buyer], payload: BidRequestPayload, started: ContinuousClock.Instant, deadline: ContinuousClock.Instant
    ) async -> [BuyerOutcome] {
        let remaining = Self.milliseconds(deadline - ContinuousClock.now)
        // A bidder with no time left is not asked; it is a timeout like any other.
        let asked = remaining > 0 ? bidders : []
        let answers = await self.bidRequester.requestBids(
            from: asked, payload: payload, timeoutsMilliseconds: asked.map { min($0.bidTimeoutMilliseconds, remaining) }, deadline: deadline
        )
        let elapsed = Self.milliseconds(ContinuousClock.now - started)
        return bidders.indices.map { index in
            let buyer = bidders[index]
            if index < answers.count, let timed = answers[index] {
                return Auction.settle(answer: timed.answer, buyer: buyer, elapsedMilliseconds: Self.milliseconds(timed.answeredAt - started))
            }
            return BuyerOutcome(
                buyerID: buyer.id, buyerName: buyer.name,
                result: .noBid(.timeout, detail: "no answer within \(min(buyer.bidTimeoutMilliseconds, payload.tmaxMilliseconds)) ms"),
                responseMilliseconds: elapsed
            )
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
