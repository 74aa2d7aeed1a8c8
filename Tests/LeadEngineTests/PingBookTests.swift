import LeadEngine
import Testing

/// The ping book keeps live pings as compact records, or whole when they do not fit one: either
/// way a ping comes back as it went in (less its outcomes), and posts change it in place.
@Suite("Ping book: compact live pings")
struct PingBookTests {
    static let created: Int64 = 1_795_651_200_000

    static func bid(_ buyer: String, _ cents: Int64, exclusivity: Exclusivity = .shared, source: BidSource = .static, response: Int = 0) -> Bid {
        Bid(buyerID: buyer, buyerName: buyer.uppercased() + " Leads", bidCents: cents, exclusivity: exclusivity, source: source, responseMilliseconds: response)
    }

    /// A ping as the auctioneer leaves it: bids, their outcomes, a do-not-call answer.
    static func ping(
        _ id: String, tenant: String = "ten_1", state: String = "NV", zipCode: String = "08901", source: String = "google_ads_legal_pi_q4",
        at created: Int64 = PingBookTests.created
    ) -> Ping {
        let bids = [Self.bid("buyer_a", 4200), Self.bid("buyer_b", 3100, exclusivity: .exclusive, source: .realTime, response: 87)]
        return Ping(
            id: id, tenantID: tenant,
            request: PingRequest(campaignType: .autoInsurance, state: state, zipCode: zipCode, source: source, tmaxMilliseconds: 450, listedOnDoNotCall: false),
            floorPriceCents: 2500, bids: bids, outcomes: bids.map(BuyerOutcome.init(bid:)), createdAtMilliseconds: created,
            soldTo: [], outrankedStaticBuyers: 4
        )
    }

    static func rejection(_ result: Result<(ping: Ping, bid: Bid), PostRejection>) -> PostRejection? {
        if case .failure(let rejection) = result { return rejection }
        return nil
    }

    static func post(
        _ shard: inout PingShard, _ id: String, tenant: String = "ten_1", buyer: String = "buyer_a", state: String = "NV", zipCode: String = "08901"
    ) -> Result<(ping: Ping, bid: Bid), PostRejection> {
        shard.claim(pingID: id, tenantID: tenant, buyerID: buyer, state: state, zipCode: zipCode, nowMilliseconds: Self.created, maxSharedBuyers: 3)
    }

    static func withoutOutcomes(_ ping: Ping) -> Ping {
        var ping = ping
        ping.outcomes = []
        return ping
    }

    @Test("a ping comes back equal, less its outcomes, whether its id is random, sequential or made by hand")
    func roundTrip() async throws {
        let random = PingBook(shardCount: 4)
        let sequential = PingBook(shardCount: 4, identifiers: SequentialIdentifiers())
        for book in [random, sequential] {
            var pings: [Ping] = []
            for shard in 0..<4 {
                pings.append(Self.ping(book.makePingID(shard: shard)))
            }
            pings.append(Self.ping("ping_" + String(repeating: "f", count: 30)))
            for ping in pings { try await book.insert(ping) }
            for ping in pings {
                #expect(await book.ping(id: ping.id, tenantID: ping.tenantID, nowMilliseconds: Self.created) == Self.withoutOutcomes(ping))
            }
        }
        // SequentialIdentifiers makes short ids, `ping_037`: still of the book's form.
        let short = sequential.makePingID(shard: 3)
        #expect(short.hasPrefix("ping_03") && short.count < 10)
    }

    @Test("pings of any shape come back equal: those that do not fit a compact record are kept whole")
    func wholePings() throws {
        var shard = PingShard(maxLivePingsPerTenant: 100)
        var pings: [Ping] = [
            Self.ping("p1"), Self.ping("ping_AB"), Self.ping("ping_"), Self.ping("ping_" + String(repeating: "0", count: 31)),
            Self.ping("ping_1c", state: "Nevada"), Self.ping("ping_2c", zipCode: "08901-1234"), Self.ping("ping_3c", zipCode: "8901"),
            Self.ping("ping_4c", state: ""), Self.ping("ping_9c", state: "ZZ"), Self.ping("ping_8c", source: ""),
        ]
        var big = Self.ping("ping_5c")
        big.floorPriceCents = Int64(Int32.max) + 1
        big.outrankedStaticBuyers = 70_000
        big.request.tmaxMilliseconds = 70_000
        var stretched = Self.ping("ping_6c")
        stretched.expiresAtMilliseconds += 1
        var sold = Self.ping("ping_7c")
        sold.soldTo = ["buyer_a", "buyer_z"]
        // Insertion order is expiry order: the ping that lives longer goes last.
        pings += [big, sold, stretched]
        for ping in pings { try shard.insert(ping) }
        #expect(shard.count == pings.count)
        for ping in pings {
            #expect(shard.ping(id: ping.id, nowMilliseconds: Self.created) == Self.withoutOutcomes(ping), "\(ping.id)")
        }
        #expect(shard.sweep(nowMilliseconds: Self.created + Ping.lifetimeMilliseconds) == pings.count - 1)
        #expect(shard.ping(id: "p1", nowMilliseconds: Self.created) == nil)
        // The stretched ping is queued at its own expiry, a millisecond later.
        #expect(shard.sweep(nowMilliseconds: Self.created + Ping.lifetimeMilliseconds + 1) == 1)
        #expect(shard.count == 0)
        // A hand-made id is free again once its ping is swept.
        let later = Self.created + 2 * Ping.lifetimeMilliseconds
        try shard.insert(Self.ping("p1", source: "later", at: later))
        #expect(shard.ping(id: "p1", nowMilliseconds: later)?.request.source == "later")
    }

    @Test("ids differing in leading zeros or letter case are different pings; an id never inserted is unknown")
    func distinctIDs() throws {
        var shard = PingShard(maxLivePingsPerTenant: 100)
        let ids = ["ping_a", "ping_0a", "ping_00a", "ping_A", "ping_a0"]
        for (index, id) in ids.enumerated() { try shard.insert(Self.ping(id, tenant: "ten_\(index)")) }
        for (index, id) in ids.enumerated() {
            #expect(shard.ping(id: id, nowMilliseconds: Self.created)?.tenantID == "ten_\(index)", "\(id)")
        }
        for unknown in ["ping_b", "ping_0b", "ping_B", "ping_", "ping_zz", "ping", "", "ping_a ", "ping_" + String(repeating: "a", count: 40)] {
            #expect(shard.ping(id: unknown, nowMilliseconds: Self.created) == nil, "\(unknown)")
            let posted = Self.post(&shard, unknown, tenant: "ten_0")
            #expect(Self.rejection(posted) == .unknownPing)
            let updated = shard.update(Self.ping(unknown))
            #expect(!updated)
        }
    }

    @Test("every hex digit in every place of an id counts; a character that is not a lowercase hex digit makes an id of another form")
    func idDigits() throws {
        var shard = PingShard(maxLivePingsPerTenant: 1_000)
        let digits = Array("0123456789abcdef")
        var ids: [String] = digits.map { "ping_" + String(repeating: $0, count: 26) }
        for place in 0..<26 {
            ids.append("ping_" + String(repeating: "0", count: place) + "1" + String(repeating: "0", count: 25 - place))
        }
        for (index, id) in ids.enumerated() { try shard.insert(Self.ping(id, tenant: "ten_\(index)")) }
        #expect(shard.count == ids.count)
        for (index, id) in ids.enumerated() {
            #expect(shard.ping(id: id, nowMilliseconds: Self.created)?.tenantID == "ten_\(index)", "\(id)")
        }
        // Characters next to the digits in ASCII, upper case, and beyond ASCII, in each place.
        // The valid id is live, so that one of these read as it would be found.
        let valid = "ping_0123456789abcdef0123456789"
        try shard.insert(Self.ping(valid))
        for place in 5..<valid.utf8.count {
            let here = Array(valid)[place]
            // The letter in upper case reads as the valid id's if case were ignored.
            let upper = here.isLetter ? [here.uppercased()] : []
            for odd in ["/", ":", "@", "`", "g", "A", "F", "\u{0}", "é"] + upper {
                var characters = Array(valid)
                characters[place] = Character(odd)
                let id = String(characters)
                #expect(shard.ping(id: id, nowMilliseconds: Self.created) == nil, "\(id)")
            }
        }
    }

    @Test("claims, releases and updates change compact and whole pings in place")
    func postsChangePings() throws {
        for id in ["ping_0123456789abcdef0123456789", "hand-made"] {
            var shard = PingShard(maxLivePingsPerTenant: 100)
            let ping = Self.ping(id)
            try shard.insert(ping)
            let claimed = try Self.post(&shard, id).get()
            #expect(claimed.bid == ping.bids[0])
            #expect(claimed.ping.soldTo == ["buyer_a"])
            #expect(shard.ping(id: id, nowMilliseconds: Self.created)?.soldTo == ["buyer_a"])
            // The second bid is exclusive: a shared sale already made rules it out.
            let exclusive = Self.post(&shard, id, buyer: "buyer_b")
            #expect(Self.rejection(exclusive) == .alreadySold("an exclusive lead sells once; this one is sold"))
            let mismatched = Self.post(&shard, id, state: "CA", zipCode: "08902")
            #expect(Self.rejection(mismatched) == .pingMismatch(fields: ["lead.state", "lead.zip_code"]))
            let otherTenant = Self.post(&shard, id, tenant: "ten_2")
            #expect(Self.rejection(otherTenant) == .unknownPing)
            shard.release(pingID: id, buyerID: "buyer_a")
            #expect(shard.ping(id: id, nowMilliseconds: Self.created) == Self.withoutOutcomes(ping))

            // An update keeps what it is given, outcomes too, and the ping's place in the expiry queue.
            var updated = ping
            updated.soldTo = ["buyer_b"]
            updated.request.source = "partner_feed_acme"
            var found = shard.update(updated)
            #expect(found && shard.ping(id: id, nowMilliseconds: Self.created) == updated)
            updated.outcomes = []
            found = shard.update(updated)
            #expect(found && shard.ping(id: id, nowMilliseconds: Self.created) == updated)
            let freed = shard.sweep(nowMilliseconds: ping.expiresAtMilliseconds)
            #expect(freed == 1)
            found = shard.update(updated)
            #expect(!found)
        }
    }

    @Test("a tenant's live count follows inserts, re-inserts, updates to another tenant, and sweeps")
    func tenantCounts() throws {
        var shard = PingShard(maxLivePingsPerTenant: 2)
        try shard.insert(Self.ping("ping_1", tenant: "ten_a"))
        // Inserting a live id again replaces its ping: still one live ping, living until its new expiry.
        try shard.insert(Self.ping("ping_1", tenant: "ten_a", source: "again", at: Self.created + 10))
        #expect(shard.count == 1)
        try shard.insert(Self.ping("ping_2", tenant: "ten_a", at: Self.created + 20))
        #expect(throws: PingBookFull.self) { try shard.insert(Self.ping("ping_3", tenant: "ten_a", at: Self.created + 30)) }
        // Moving a ping to another tenant frees its place in the first.
        let moved = Self.withoutOutcomes(Self.ping("ping_2", tenant: "ten_b", at: Self.created + 20))
        let found = shard.update(moved)
        #expect(found)
        try shard.insert(Self.ping("ping_3", tenant: "ten_a", at: Self.created + 30))
        #expect(shard.ping(id: "ping_2", nowMilliseconds: Self.created + 30) == moved)
        #expect(shard.sweep(nowMilliseconds: Self.created + Ping.lifetimeMilliseconds) == 0)
        #expect(shard.ping(id: "ping_1", nowMilliseconds: Self.created + Ping.lifetimeMilliseconds)?.request.source == "again")
        #expect(shard.sweep(nowMilliseconds: Self.created + Ping.lifetimeMilliseconds + 30) == 3)
        #expect(shard.count == 0)
        // Every count went back to zero: each tenant has both its places again.
        for (id, tenant) in [("ping_4", "ten_a"), ("ping_5", "ten_a"), ("ping_6", "ten_b"), ("ping_7", "ten_b")] {
            try shard.insert(Self.ping(id, tenant: tenant, at: Self.created + 100_000))
        }
        #expect(shard.count == 4)
    }

    @Test("pings stay in expiry order as the book grows past pings already swept")
    func growsInOrder() throws {
        var shard = PingShard(maxLivePingsPerTenant: 10_000)
        var next = 0
        func insert(_ count: Int) throws {
            for _ in 0..<count {
                try shard.insert(Self.ping("ping_\(String(next, radix: 16))", at: Self.created + Int64(next)))
                next += 1
            }
        }
        // Sweeping frees the oldest first, so later pings wrap around; then the book grows several times over.
        for (inserted, swept) in [(20, 10), (30, 25), (200, 100), (1_000, 900)] {
            try insert(inserted)
            let oldest = next - shard.count
            #expect(shard.sweep(nowMilliseconds: Self.created + Int64(oldest + swept - 1) + Ping.lifetimeMilliseconds) == swept)
        }
        let live = (next - shard.count)..<next
        #expect(live.count == 1_250 - 1_035)
        for index in live {
            #expect(shard.ping(id: "ping_\(String(index, radix: 16))", nowMilliseconds: Self.created + Int64(index)) != nil)
        }
        #expect(shard.ping(id: "ping_\(String(live.lowerBound - 1, radix: 16))", nowMilliseconds: Self.created) == nil)
        #expect(shard.sweep(nowMilliseconds: Self.created + Int64(next) + Ping.lifetimeMilliseconds) == live.count)
        #expect(shard.count == 0)
    }

    @Test("sources and tenants freed by the sweep are reused without mixing up live pings")
    func slotsAreReused() throws {
        var shard = PingShard(maxLivePingsPerTenant: 1_000)
        var live: [Ping] = []
        for round in 0..<5 {
            let at = Self.created + Int64(round) * Ping.lifetimeMilliseconds
            shard.sweep(nowMilliseconds: at)
            live = (0..<20).map { index in
                Self.ping("ping_\(round)\(String(index, radix: 16))", tenant: "ten_\((index + round) % 3)", source: "source_\((index * round) % 7)", at: at)
            }
            for ping in live { try shard.insert(ping) }
            #expect(shard.count == 20)
            for ping in live { #expect(shard.ping(id: ping.id, nowMilliseconds: at) == Self.withoutOutcomes(ping)) }
        }
    }
}
