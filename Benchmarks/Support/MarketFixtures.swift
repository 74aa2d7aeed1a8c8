import Foundation
import LeadEngine

/// Buyers, bids and pings shaped like a busy marketplace, always the same for a given seed.
public enum MarketFixtures {
    /// 2026-11-26T00:00:00Z: every fixture time counts from here.
    public static let epochMilliseconds: Int64 = 1_795_651_200_000

    public static let tenantID = "ten_5c0e9a1f77b4d2a9c3e8f101"

    /// Several tenants, because the ping book bounds live pings per tenant (200,000 by default).
    public static let tenantIDs: [String] = {
        var generator = SeededGenerator(seed: 7)
        return (0..<10).map { _ in "ten_" + generator.hex(byteCount: 12) }
    }()

    static let nameWords = ["Acme", "Summit", "Harbor", "Pioneer", "Keystone", "Liberty", "Granite", "Beacon"]
    static let nameKinds = ["Legal Partners", "Insurance Group", "Solar Direct", "Home Pros", "Financial"]

    /// `count` buyers of one tenant spread over every state and campaign type: buyer *i* always
    /// takes state *i* mod 51 and type *i* mod 17, plus a few random others, as real buyers do.
    /// One in ten is paused and one in ten has a ZIP allow-list, so `match` has filtering to do.
    public static func buyers(count: Int, tenantID: String = MarketFixtures.tenantID, seed: UInt64 = 1) -> [Buyer] {
        var generator = SeededGenerator(seed: seed)
        let types = CampaignType.allCases
        let states = USState.codes
        let created = Date(epochMilliseconds: Self.epochMilliseconds)
        return (0..<count).map { index in
            var buyerTypes: Set<CampaignType> = [types[index % types.count]]
            for _ in 0..<Int.random(in: 0...2, using: &generator) { buyerTypes.insert(types.randomElement(using: &generator)!) }
            var buyerStates: Set<String> = [states[index % states.count]]
            for _ in 0..<Int.random(in: 2...11, using: &generator) { buyerStates.insert(states.randomElement(using: &generator)!) }
            let name = "\(nameWords.randomElement(using: &generator)!) \(nameKinds.randomElement(using: &generator)!) \(index)"
            let zipCodes: [String]? = index % 10 == 3 ? (0..<20).map { _ in Self.zipCode(using: &generator) } : nil
            return Buyer(
                id: "buyer_" + generator.hex(byteCount: 12), tenantID: tenantID, name: name,
                campaignTypes: buyerTypes.sorted(), states: buyerStates.sorted(),
                maxPriceCents: Int64.random(in: 500...60_000, using: &generator),
                webhookURL: "https://buyer\(index).example.com/leads", webhookSecret: "whsec_" + generator.hex(byteCount: 16),
                exclusivity: index % 5 == 0 ? .exclusive : .shared, zipCodes: zipCodes,
                status: index % 10 == 7 ? .paused : .active,
                createdAt: created.addingTimeInterval(Double(index)), updatedAt: created.addingTimeInterval(Double(index))
            )
        }
    }

    /// A lead profile to match: campaign type, state, ZIP.
    public struct LeadProfile: Sendable {
        public var campaignType: CampaignType
        public var state: String
        public var zipCode: String
    }

    public static func leadProfiles(count: Int, seed: UInt64 = 2) -> [LeadProfile] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            LeadProfile(
                campaignType: CampaignType.allCases.randomElement(using: &generator)!,
                state: USState.codes.randomElement(using: &generator)!, zipCode: Self.zipCode(using: &generator)
            )
        }
    }

    public static func zipCode(using generator: inout SeededGenerator) -> String {
        String(Int.random(in: 10_000...99_999, using: &generator))
    }

    /// What `count` buyers answered one ping, before ranking: mostly static bids, some real-time
    /// bids (faster and slower), some real-time no-bids; prices straddle `floorCents`, and one
    /// in four bids is exclusive.
    public static func buyerOutcomes(count: Int, seed: UInt64 = 3) -> [BuyerOutcome] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let buyerID = "buyer_" + generator.hex(byteCount: 12)
            let buyerName = "\(nameWords[index % nameWords.count]) \(nameKinds[index % nameKinds.count]) \(index)"
            let exclusivity: Exclusivity = index % 4 == 0 ? .exclusive : .shared
            let cents = Int64.random(in: 500...50_000, using: &generator)
            switch index % 10 {
            case 0..<6:
                let bid = Bid(buyerID: buyerID, buyerName: buyerName, bidCents: cents, exclusivity: exclusivity, source: .static)
                return BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid))
            case 6..<9:
                let elapsed = Int.random(in: 20...280, using: &generator)
                let bid = Bid(buyerID: buyerID, buyerName: buyerName, bidCents: cents, exclusivity: exclusivity, source: .realTime, responseMilliseconds: elapsed)
                return BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid), responseMilliseconds: elapsed)
            default:
                let reason: NoBidReason = index % 20 == 9 ? .timeout : .declined
                return BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .noBid(reason, detail: nil), responseMilliseconds: 250)
            }
        }
    }
}

/// Makes pings as the auctioneer leaves them in the book: three static bids from a pool of
/// buyers, ranked by `Auction.rank`, with the buyer strings shared with that pool (as they are
/// shared with the buyer index in the server) and the per-ping strings (id, source) fresh.
public struct PingFactory {
    private var generator: SeededGenerator
    private let pool: [Buyer]
    private static let sources = ["landing_page_v3", "google_ads_legal_pi_q4", "facebook_lead_form_2026", "partner_feed_acme"]

    public init(seed: UInt64 = 4, buyerPoolSize: Int = 300) {
        self.generator = SeededGenerator(seed: seed)
        self.pool = MarketFixtures.buyers(count: buyerPoolSize, seed: seed &+ 1)
    }

    /// - Parameters:
    ///   - id: from `PingBook.makePingID()`, so that the id names a shard of that book.
    ///   - bidCount: bids on the ping (three by default, the brief's "realistic" ping).
    public mutating func ping(id: String, tenantID: String, createdAtMilliseconds: Int64, bidCount: Int = 3) -> Ping {
        var outcomes: [BuyerOutcome] = []
        outcomes.reserveCapacity(bidCount)
        var chosen: Set<Int> = []
        while chosen.count < bidCount { chosen.insert(Int.random(in: 0..<self.pool.count, using: &self.generator)) }
        for index in chosen.sorted() {
            let buyer = self.pool[index]
            let bid = Bid(
                buyerID: buyer.id, buyerName: buyer.name, bidCents: Int64.random(in: 2_500...50_000, using: &self.generator),
                exclusivity: .shared, source: .static
            )
            outcomes.append(BuyerOutcome(buyerID: buyer.id, buyerName: buyer.name, result: .bid(bid)))
        }
        let floor: Int64 = 2_500
        let ranked = Auction.rank(outcomes, floorCents: floor)
        // A fresh copy, as the JSON parser gives every request its own string.
        let source = String(decoding: Array(Self.sources.randomElement(using: &self.generator)!.utf8), as: UTF8.self)
        let request = PingRequest(
            campaignType: CampaignType.allCases.randomElement(using: &self.generator)!,
            state: USState.codes.randomElement(using: &self.generator)!, zipCode: MarketFixtures.zipCode(using: &self.generator),
            source: source
        )
        return Ping(
            id: id, tenantID: tenantID, request: request, floorPriceCents: floor, bids: ranked.bids, outcomes: ranked.outcomes,
            createdAtMilliseconds: createdAtMilliseconds, outrankedStaticBuyers: ranked.outrankedStatic
        )
    }
}
