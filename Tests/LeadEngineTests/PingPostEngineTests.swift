import Foundation
import LeadEngine
import Synchronization
import Testing

@Suite("Ping-post engine: auction rules, ping book, deadlines, signatures")
struct PingPostEngineTests {
    static func bid(_ buyer: String, _ cents: Int64, response: Int = 0, exclusivity: Exclusivity = .shared) -> BuyerOutcome {
        BuyerOutcome(
            buyerID: buyer, buyerName: buyer.uppercased(),
            result: .bid(Bid(buyerID: buyer, buyerName: buyer.uppercased(), bidCents: cents, exclusivity: exclusivity, source: .realTime, responseMilliseconds: response))
        )
    }

    @Test("ranking: highest first, faster answer breaks ties, under the floor becomes below_floor")
    func rank() {
        let outcomes = [
            Self.bid("b", 30_000, response: 20), Self.bid("a", 30_000, response: 5), Self.bid("c", 50_000), Self.bid("d", 24_999),
            BuyerOutcome(buyerID: "e", buyerName: "E", result: .noBid(.timeout, detail: nil)),
        ]
        let ranked = Auction.rank(outcomes, floorCents: 25_000)
        #expect(ranked.bids.map(\.buyerID) == ["c", "a", "b"])
        #expect(ranked.outcomes.count == 5)
        let d = ranked.outcomes.first { $0.buyerID == "d" }
        guard case .noBid(.belowFloor, _)? = d?.result else {
            Issue.record("expected below_floor, got \(String(describing: d))")
            return
        }
        #expect(Auction.rank(outcomes, floorCents: 0).bids.count == 4)
    }

    @Test("only the best bids are kept: outranked real-time bidders are listed, outranked static buyers counted")
    func maxBids() {
        let statics = (0..<20).map { index in
            BuyerOutcome(
                buyerID: "s\(index)", buyerName: "S",
                result: .bid(Bid(buyerID: "s\(index)", buyerName: "S", bidCents: Int64(100 + index), exclusivity: .shared, source: .static))
            )
        }
        let ranked = Auction.rank(statics + [Self.bid("rtb", 50)], floorCents: 0, maxBids: 3)
        #expect(ranked.bids.map(\.buyerID) == ["s19", "s18", "s17"])
        #expect(ranked.outrankedStatic == 17)
        #expect(ranked.outcomes.count == 4)
        #expect(ranked.outcomes.last?.result == .noBid(.outranked, detail: "bid 50; the lowest kept bid was 117"))
    }

    @Test("a real-time bid over the buyer's ceiling is capped; zero and 204 are declines")
    func settle() {
        let buyer = Buyer(id: "buyer_1", tenantID: "t", name: "B", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 1000, exclusivity: .shared, createdAt: .now, updatedAt: .now)
        #expect(Auction.settle(answer: .bid(cents: 5000, exclusivity: .exclusive), buyer: buyer, elapsedMilliseconds: 7).bid?.bidCents == 1000)
        #expect(Auction.settle(answer: .bid(cents: 5000, exclusivity: .exclusive), buyer: buyer, elapsedMilliseconds: 7).bid?.exclusivity == .exclusive)
        #expect(Auction.settle(answer: .bid(cents: 500, exclusivity: nil), buyer: buyer, elapsedMilliseconds: 7).bid?.exclusivity == .shared)
        #expect(Auction.settle(answer: .bid(cents: 0, exclusivity: nil), buyer: buyer, elapsedMilliseconds: 7).result == .noBid(.declined, detail: nil))
        #expect(Auction.settle(answer: .declined, buyer: buyer, elapsedMilliseconds: 7).result == .noBid(.declined, detail: nil))
    }

    static func ping(_ id: String, tenant: String = "t1", at created: Int64) -> Ping {
        Ping(
            id: id, tenantID: tenant, request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s"),
            floorPriceCents: 0, bids: [], outcomes: [], createdAtMilliseconds: created
        )
    }

    @Test("a ping lives exactly 60 seconds and is freed by the sweep")
    func expiryEdge() {
        var shard = PingShard(maxLivePingsPerTenant: 10)
        try? shard.insert(Self.ping("p1", at: 1_000))
        #expect(shard.ping(id: "p1", nowMilliseconds: 60_999) != nil)
        #expect(shard.ping(id: "p1", nowMilliseconds: 61_000) == nil)
        #expect(shard.sweep(nowMilliseconds: 60_999) == 0)
        #expect(shard.count == 1)
        #expect(shard.sweep(nowMilliseconds: 61_000) == 1)
        #expect(shard.count == 0)
    }

    @Test("live pings are bounded per tenant, with the wait until the oldest expires")
    func bound() throws {
        var shard = PingShard(maxLivePingsPerTenant: 2)
        try shard.insert(Self.ping("p1", at: 0))
        try shard.insert(Self.ping("p2", at: 10_000))
        try shard.insert(Self.ping("q1", tenant: "t2", at: 10_000))
        let full = #expect(throws: PingBookFull.self) { try shard.insert(Self.ping("p3", at: 20_000)) }
        #expect(full?.retryAfterMilliseconds == 40_000)
        // Once the oldest expires, its place is free again.
        try shard.insert(Self.ping("p4", at: 60_000))
        #expect(shard.count == 3)
    }

    @Test("the ping book finds a ping by id in its tenant only, until it expires")
    func book() async throws {
        let book = PingBook(shardCount: 4)
        let id = book.makePingID()
        #expect(id.hasPrefix("ping_"))
        #expect(id.count == 5 + 2 + 24)
        try await book.insert(Self.ping(id, at: 0))
        #expect(await book.ping(id: id, tenantID: "t1", nowMilliseconds: 59_999)?.id == id)
        #expect(await book.ping(id: id, tenantID: "t2", nowMilliseconds: 1) == nil)
        #expect(await book.ping(id: "ping_zz", tenantID: "t1", nowMilliseconds: 1) == nil)
        #expect(await book.ping(id: id, tenantID: "t1", nowMilliseconds: 60_000) == nil)
        #expect(await book.sweep(nowMilliseconds: 60_000) == 1)
        #expect(await book.liveCount() == 0)
    }

    /// A serial executor of the test's own, standing in for an event loop's.
    final class QueueExecutor: SerialExecutor {
        let queue = DispatchQueue(label: "ping-shard")
        let jobs = Mutex(0)

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            self.jobs.withLock { $0 += 1 }
            self.queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
        }
    }

    @Test("ping book shards run on the executors they are given, one per shard")
    func shardExecutors() async throws {
        let executors = [QueueExecutor(), QueueExecutor()]
        let book = PingBook(executors: executors)
        var ids: [String] = []
        for index in 0..<20 {
            let id = book.makePingID()
            ids.append(id)
            try await book.insert(Self.ping(id, at: Int64(index)))
        }
        for id in ids { #expect(await book.ping(id: id, tenantID: "t1", nowMilliseconds: 100)?.id == id) }
        #expect(await book.liveCount() == 20)
        // Every shard operation ran as a job on one of the two executors.
        let jobs: [Int] = executors.map { executor in executor.jobs.withLock { $0 } }
        #expect(jobs.allSatisfy { $0 > 0 })
        #expect(jobs.reduce(0, +) >= 42)
    }

    /// A bid endpoint stand-in that answers after a delay, or never.
    struct ScriptedBidder: BidRequester {
        var delays: [String: Duration]

        func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer {
            let delay = self.delays[buyer.id] ?? .zero
            // A bidder without a delay answers at once, so a test machine that stalls for a while
            // cannot make it miss a deadline it beat.
            if delay > .zero {
                do {
                    try await Task.sleep(for: min(delay, .milliseconds(timeoutMilliseconds)))
                } catch {
                    return .failed(.timeout, detail: "cancelled")
                }
            }
            return delay > .milliseconds(timeoutMilliseconds) ? .failed(.timeout, detail: nil) : .bid(cents: 100, exclusivity: nil)
        }
    }

    @Test("the auction answers by the seller's deadline; late bidders are timeouts")
    func deadline() async throws {
        let clock = ManualClock()
        let index = BuyerIndex()
        func buyer(_ id: String, timeout: Int) -> Buyer {
            Buyer(
                id: id, tenantID: "t1", name: id, campaignTypes: [.solar], states: ["TX"], maxPriceCents: 500, bidURL: "http://127.0.0.1/\(id)",
                bidTimeoutMilliseconds: timeout, createdAt: .now, updatedAt: .now
            )
        }
        index.upsert(buyer("fast", timeout: 2000))
        index.upsert(buyer("slow", timeout: 2000))
        index.upsert(buyer("tight", timeout: 20))
        let auctioneer = Auctioneer(
            buyers: index, book: PingBook(), floors: FloorPrices(), journal: PingJournal(),
            bidRequester: ScriptedBidder(delays: ["fast": .zero, "slow": .seconds(60), "tight": .milliseconds(200)]), clock: clock
        )
        let started = ContinuousClock.now
        // A deadline generous enough that a busy test machine still runs the fast bidder in time.
        let ping = try await auctioneer.ping(PingRequest(campaignType: .solar, state: "TX", zipCode: "75001", source: "s", tmaxMilliseconds: 2000), tenantID: "t1")
        let elapsed = ContinuousClock.now - started
        // Not the slow bidder's minute; loose above the deadline, as a loaded machine is slow to wake.
        #expect(elapsed < .milliseconds(2000 + 8000), "answered after \(elapsed)")
        #expect(ping.bids.map(\.buyerID) == ["fast"])
        let reasons = Dictionary(uniqueKeysWithValues: ping.outcomes.map { ($0.buyerID, $0.result) })
        guard case .noBid(.timeout, _)? = reasons["slow"], case .noBid(.timeout, _)? = reasons["tight"] else {
            Issue.record("slow and tight should be timeouts: \(reasons)")
            return
        }
    }

    @Test("the non-suspending ping runs on its shard's executor, names that shard, and refuses pings that need bidders")
    func pingWithoutSuspending() async throws {
        let executors = [QueueExecutor(), QueueExecutor()]
        let book = PingBook(executors: executors)
        let index = BuyerIndex()
        func buyer(_ id: String, price: Int64, bidURL: String? = nil, state: String) -> Buyer {
            Buyer(
                id: id, tenantID: "t1", name: id, campaignTypes: [.solar], states: [state], maxPriceCents: price, bidURL: bidURL,
                createdAt: .now, updatedAt: .now
            )
        }
        index.upsert(buyer("cheap", price: 100, state: "TX"))
        index.upsert(buyer("dear", price: 900, state: "TX"))
        index.upsert(buyer("realtime", price: 500, bidURL: "http://127.0.0.1/bid", state: "CA"))
        let journal = PingJournal()
        let auctioneer = Auctioneer(
            buyers: index, book: book, floors: FloorPrices(), journal: journal, bidRequester: ScriptedBidder(delays: [:]), clock: ManualClock()
        )
        let texas = PingRequest(campaignType: .solar, state: "TX", zipCode: "75001", source: "s")
        #expect(!auctioneer.asksRealTimeBidders(texas, tenantID: "t1"))
        let ping = try await book.shard(at: 1).run { try auctioneer.pingWithoutSuspending(texas, tenantID: "t1", shardIndex: 1) }
        let answered = try #require(ping)
        #expect(answered.id.hasPrefix("ping_01"))
        #expect(answered.bids.map(\.buyerID) == ["dear", "cheap"])
        #expect(await book.ping(id: answered.id, tenantID: "t1", nowMilliseconds: answered.createdAtMilliseconds)?.bids == answered.bids)
        #expect(journal.count == 1)

        let california = PingRequest(campaignType: .solar, state: "CA", zipCode: "90001", source: "s")
        #expect(auctioneer.asksRealTimeBidders(california, tenantID: "t1"))
        let refused = try await book.shard(at: 0).run { try auctioneer.pingWithoutSuspending(california, tenantID: "t1", shardIndex: 0) }
        #expect(refused == nil)
        #expect(await book.liveCount() == 1)
        #expect(journal.count == 1)
    }

    @Test("a listed lead: buyers and campaigns requiring clean leads pass with dnc, real-time bidders are not asked; an anonymous ping asks all")
    func doNotCallListing() async throws {
        let index = BuyerIndex()
        func buyer(_ id: String, price: Int64, bidURL: String? = nil, requireClean: Bool = false) -> Buyer {
            Buyer(
                id: id, tenantID: "t1", name: id, campaignTypes: [.solar], states: ["TX"], maxPriceCents: price, bidURL: bidURL,
                requireDNCClear: requireClean, createdAt: .now, updatedAt: .now
            )
        }
        index.upsert(buyer("strict", price: 900, requireClean: true))
        index.upsert(buyer("strict-rtb", price: 800, bidURL: "http://127.0.0.1/bid", requireClean: true))
        index.upsert(buyer("funded", price: 700))
        index.upsert(buyer("plain", price: 100))
        let budgets = CampaignBudgets()
        func campaign(_ id: String, requireClean: Bool) -> Campaign {
            Campaign(
                id: id, tenantID: "t1", name: id, campaignType: .solar, states: ["TX"], budgetCents: 10_000, buyerID: "funded",
                requireDNCClear: requireClean, createdAt: .now, updatedAt: .now
            )
        }
        budgets.upsert(campaign("strict-campaign", requireClean: true))
        let auctioneer = Auctioneer(
            buyers: index, book: PingBook(), floors: FloorPrices(), journal: PingJournal(), budgets: budgets,
            bidRequester: ScriptedBidder(delays: ["strict-rtb": .zero]), clock: ManualClock()
        )
        func request(listed: Bool?) -> PingRequest {
            PingRequest(campaignType: .solar, state: "TX", zipCode: "75001", source: "s", tmaxMilliseconds: 2000, listedOnDoNotCall: listed)
        }
        func reasons(_ ping: Ping) -> [String: NoBidReason] {
            ping.outcomes.reduce(into: [:]) { reasons, outcome in
                if case .noBid(let reason, _) = outcome.result { reasons[outcome.buyerID] = reason }
            }
        }

        let listed = try await auctioneer.ping(request(listed: true), tenantID: "t1")
        #expect(listed.bids.map(\.buyerID) == ["plain"])
        #expect(reasons(listed) == ["strict": .dnc, "strict-rtb": .dnc, "funded": .dnc])

        for unknownOrClean in [nil, false] as [Bool?] {
            let ping = try await auctioneer.ping(request(listed: unknownOrClean), tenantID: "t1")
            #expect(ping.bids.map(\.buyerID) == ["strict", "funded", "plain", "strict-rtb"], "listed: \(String(describing: unknownOrClean))")
        }

        // A second campaign that takes listed leads funds the buyer again; an empty budget is still `budget`.
        budgets.upsert(campaign("lenient-campaign", requireClean: false))
        #expect(
            budgets.verdict(buyerID: "funded", campaignType: .solar, state: "TX", priceCents: 700, nowMilliseconds: 0, listedOnDoNotCall: true)
                == .funded(campaignID: "lenient-campaign")
        )
        #expect(try await auctioneer.ping(request(listed: true), tenantID: "t1").bids.map(\.buyerID) == ["funded", "plain"])
        #expect(
            budgets.verdict(buyerID: "funded", campaignType: .solar, state: "TX", priceCents: 20_000, nowMilliseconds: 0, listedOnDoNotCall: true)
                == .exhausted
        )
    }

    @Test("a drained journal batch stays readable until it is written; a failed one goes back ahead of newer pings")
    func journalBatches() throws {
        let journal = PingJournal()
        journal.record(Self.ping("ping_00a", at: 0))
        journal.record(Self.ping("ping_00b", at: 1))
        let batch = journal.drain()
        #expect(batch.map(\.id) == ["ping_00a", "ping_00b"])
        #expect(journal.count == 0)
        // Being written: neither pending nor stored yet, still found.
        #expect(journal.pending(id: "ping_00a")?.id == "ping_00a")
        journal.record(Self.ping("ping_00c", at: 2))
        journal.restore(batch)
        #expect(journal.drain().map(\.id) == ["ping_00a", "ping_00b", "ping_00c"])
        journal.written(batch)
        #expect(journal.pending(id: "ping_00a") == nil)
        #expect(journal.pending(id: "ping_00c")?.id == "ping_00c")
    }

    @Test("signatures match the published GitHub and Standard Webhooks test vectors")
    func signatureVectors() {
        #expect(
            WebhookSignature.ezleeds(body: Array("Hello, World!".utf8), secret: "It's a Secret to Everybody")
                == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        )
        #expect(
            WebhookSignature.standard(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
                secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            ) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        )
        let body = Array(#"{"lead_id": "a1"}"#.utf8)
        let signature = WebhookSignature.ezleeds(body: body, secret: "whsec_abc123")
        #expect(WebhookSignature.isValidEZLeeds(signature: signature, body: body, secret: "whsec_abc123"))
        #expect(WebhookSignature.isValidEZLeeds(signature: signature.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body, secret: "whsec_abc123"))
        #expect(!WebhookSignature.isValidEZLeeds(signature: signature, body: body + [0x20], secret: "whsec_abc123"))
        #expect(!WebhookSignature.isValidEZLeeds(signature: signature, body: body, secret: "whsec_abc124"))
        #expect(!WebhookSignature.isValidEZLeeds(signature: "sha256=", body: body, secret: "whsec_abc123"))
    }

    @Test("ping validation names every bad field; tmax_ms defaults to 300 and is at most 2000")
    func validation() throws {
        let error = #expect(throws: ValidationError.self) {
            try PingRequest.validated(campaignType: "cooking", state: "ZZ", zipCode: "123", source: nil, tmaxMilliseconds: 2001)
        }
        #expect(Set(error?.fields.map(\.field) ?? []) == ["campaign_type", "state", "zip_code", "source", "tmax_ms"])
        #expect(try PingRequest.validated(campaignType: "legal_pi", state: "NV", zipCode: "89101", source: "x", tmaxMilliseconds: nil).tmaxMilliseconds == 300)
    }
}
