import LeadEngine
import Testing

@Suite("Market activity: a node's last hour of pings, bids, sales and deliveries")
struct MarketActivityTests {
    static let start: Int64 = 1_776_000_000_000

    static func ping(
        _ id: String, tenantID: String = "ten_1", at: Int64, bids: [(String, Int64)] = [], noBids: [(String, NoBidReason)] = [], outranked: Int = 0
    ) -> Ping {
        let bidList = bids.map { Bid(buyerID: $0.0, buyerName: "Buyer \($0.0)", bidCents: $0.1, exclusivity: .shared, source: .static) }
        let outcomes = bidList.map(BuyerOutcome.init(bid:)) + noBids.map { BuyerOutcome(buyerID: $0.0, buyerName: "Buyer \($0.0)", result: .noBid($0.1, detail: "why")) }
        return Ping(
            id: id, tenantID: tenantID, request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "web"), floorPriceCents: 0,
            bids: bidList, outcomes: outcomes, createdAtMilliseconds: at, outrankedStaticBuyers: outranked
        )
    }

    @Test("rates are over the last 10 complete seconds; the hour counts pings, bids (outranked static ones too) and sales")
    func liveFigures() {
        let activity = MarketActivity(node: "node-a")
        let pings = (0..<20).map { Self.ping("ping_\($0)", at: Self.start + Int64($0) * 400, bids: [("buy_a", 1000), ("buy_b", 900)], outranked: 3) }
        activity.record(pings)
        activity.recordSale(tenantID: "ten_1", buyerID: "buy_a", pingID: "ping_0", atMilliseconds: Self.start + 100)
        activity.record([Self.ping("ping_other", tenantID: "ten_2", at: Self.start, bids: [("buy_z", 5)])])
        // Pings span 0 … 7.6 s; at 8.0 s the complete seconds 0 … 7 hold all 20.
        let live = activity.live(tenantID: "ten_1", nowMilliseconds: Self.start - Self.start % 1000 + 8_000)
        #expect(live.node == "node-a")
        #expect(live.pingsPerSecond == 2.0 && live.bidsPerSecond == 10.0 && live.salesPerSecond == 0.1)
        #expect(live.lastHour == LiveFigures.Counts(pings: 20, bids: 100, sales: 1))
        #expect(live.pingsPerMinute.count == 60 && live.pingsPerMinute.reduce(0, +) == 20)
        // The second still filling is not a rate yet; a minute on, the rates are zero and the hour still counts.
        #expect(activity.live(tenantID: "ten_1", nowMilliseconds: Self.start + 70_000).pingsPerSecond == 0)
        #expect(activity.live(tenantID: "ten_1", nowMilliseconds: Self.start + 70_000).lastHour.pings == 20)
        #expect(activity.live(tenantID: "ten_1", nowMilliseconds: Self.start + 61 * 60_000).lastHour == LiveFigures.Counts(), "an hour later, gone")
        #expect(activity.live(tenantID: "ten_2", nowMilliseconds: Self.start + 1_000).lastHour.pings == 1, "each tenant its own")
        #expect(activity.live(tenantID: "ten_3", nowMilliseconds: Self.start).lastHour == LiveFigures.Counts())
    }

    @Test("auction times: p50 and p99 over the hour, within a bucket's 12.5 %")
    func auctionTimes() throws {
        let activity = MarketActivity(node: "n")
        for microseconds in 1...1000 { activity.recordAuction(tenantID: "ten_1", atMilliseconds: Self.start, microseconds: microseconds) }
        activity.recordAuction(tenantID: "ten_1", atMilliseconds: Self.start - 3_601_000, microseconds: 900_000)
        let live = activity.live(tenantID: "ten_1", nowMilliseconds: Self.start)
        let p50 = try #require(live.auctionP50Microseconds)
        let p99 = try #require(live.auctionP99Microseconds)
        #expect(p50 >= 500 && p50 <= 563, "\(p50)")
        #expect(p99 >= 990 && p99 <= 1114, "\(p99): the slow auction over an hour ago is not counted")
        #expect(activity.live(tenantID: "ten_2", nowMilliseconds: Self.start).auctionP50Microseconds == nil)
    }

    @Test("latency buckets: exact below 8, then within 12.5 %, never below the value")
    func histogram() {
        for value in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1_000, 123_456, 10_000_000] {
            var histogram = LatencyHistogram()
            histogram.record(microseconds: value)
            let bound = histogram.percentile(0.5) ?? -1
            #expect(bound >= value && Double(bound) <= Double(value) * 1.125 + 1, "\(value) → \(bound)")
        }
        #expect(LatencyHistogram().percentile(0.99) == nil)
    }

    @Test("each buyer: pings considered, bids, wins, no-bid reasons and delivery failures; the last 20 pings, sold ones marked")
    func buyers() throws {
        let activity = MarketActivity(node: "n")
        // A post often commits before the journal writes its ping: the sighting must still read sold.
        activity.recordSale(tenantID: "ten_1", buyerID: "buy_a", pingID: "ping_1", atMilliseconds: Self.start + 5)
        var pings: [Ping] = []
        for index in 0..<25 {
            pings.append(
                Self.ping(
                    "ping_\(index)", at: Self.start + Int64(index), bids: [("buy_a", 1000 + Int64(index % 2) * 100)],
                    noBids: [("buy_p", .paused), ("buy_z", index % 5 == 0 ? .filteredZip : .belowFloor)]
                )
            )
        }
        activity.record(pings)
        activity.recordSale(tenantID: "ten_1", buyerID: "buy_a", pingID: "ping_24", atMilliseconds: Self.start + 30)
        activity.recordDeliveryAttempt(tenantID: "ten_1", buyerID: "buy_a", succeeded: false, gaveUp: false, atMilliseconds: Self.start + 31)
        activity.recordDeliveryAttempt(tenantID: "ten_1", buyerID: "buy_a", succeeded: true, gaveUp: false, atMilliseconds: Self.start + 32)
        let board = activity.buyers(tenantID: "ten_1", nowMilliseconds: Self.start + 60_000)
        let a = try #require(board["buy_a"])
        #expect(a.considered == 25 && a.bids == 25 && a.wins == 2 && a.bidRate == 1 && a.winRate == 0.08)
        #expect(a.averageBidCents == 1048, "(13 × 1000 + 12 × 1100) / 25 = 1048")
        #expect(a.deliveryAttempts == 2 && a.failedDeliveryAttempts == 1 && a.deliveriesGivenUp == 0)
        let z = try #require(board["buy_z"])
        #expect(z.bidRate == 0 && z.noBids == [.filteredZip: 5, .belowFloor: 20])
        #expect(z.noBidsByCount.map(\.reason) == [.belowFloor, .filteredZip])
        #expect(board["buy_p"]?.noBids == [.paused: 25])

        let sightings = activity.sightings(tenantID: "ten_1", buyerID: "buy_a")
        #expect(sightings.count == MarketActivity.sightingsPerBuyer)
        #expect(sightings.first?.pingID == "ping_24" && sightings.last?.pingID == "ping_5", "newest first, the last 20")
        #expect(sightings.filter(\.sold).map(\.pingID) == ["ping_24"], "ping_1 fell out of the 20; ping_24 sold after the journal")
        #expect(activity.sightings(tenantID: "ten_2", buyerID: "buy_a").isEmpty)
        #expect(activity.buyers(tenantID: "ten_1", nowMilliseconds: Self.start + 2 * 3_600_000)["buy_a"]?.considered == 0, "out of the hour")
    }

    @Test("a sale recorded before its ping is journaled marks the sighting sold")
    func saleBeforeJournal() {
        let activity = MarketActivity(node: "n")
        activity.recordSale(tenantID: "ten_1", buyerID: "buy_a", pingID: "ping_1", atMilliseconds: Self.start)
        activity.record([Self.ping("ping_1", at: Self.start, bids: [("buy_a", 500), ("buy_b", 400)])])
        #expect(activity.sightings(tenantID: "ten_1", buyerID: "buy_a").map(\.sold) == [true])
        #expect(activity.sightings(tenantID: "ten_1", buyerID: "buy_b").map(\.sold) == [false])
    }
}
