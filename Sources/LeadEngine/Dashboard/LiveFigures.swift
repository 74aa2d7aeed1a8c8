/// What a node saw of one tenant's marketplace lately, for the dashboard's live figures. Each
/// node counts its own pings and sales in memory, so the figures say which node they are from.
public struct LiveFigures: Sendable, Equatable {
    /// Rates are over the last complete seconds, this many.
    public static let rateWindowSeconds = 10

    public var node: String
    public var atMilliseconds: Int64
    public var pingsPerSecond: Double
    public var bidsPerSecond: Double
    public var salesPerSecond: Double
    /// Over the last 60 minutes, the current one included.
    public var lastHour: Counts
    /// Auction time (ping received → bids ranked) percentiles over the last hour, in microseconds.
    public var auctionP50Microseconds: Int?
    public var auctionP99Microseconds: Int?
    /// Pings per minute over the last hour, oldest first (60 entries).
    public var pingsPerMinute: [Int]

    public struct Counts: Sendable, Equatable {
        public var pings = 0
        public var bids = 0
        public var sales = 0

        public init(pings: Int = 0, bids: Int = 0, sales: Int = 0) {
            self.pings = pings
            self.bids = bids
            self.sales = sales
        }
    }
}

/// One buyer's part in a node's auctions over the last hour (in five-minute steps): the answer to
/// "who bids, who wins, and why didn't my lead sell?".
public struct BuyerActivity: Sendable, Equatable {
    public var buyerID: String
    /// Pings the buyer was itemised in: a bid or a reason for none. Static buyers outranked past
    /// the best few bids of a ping are counted per ping only, not here (see `LiveFigures`).
    public var considered = 0
    public var bids = 0
    public var bidCentsTotal: Int64 = 0
    /// Sales to the buyer this node made.
    public var wins = 0
    public var noBids: [NoBidReason: Int] = [:]
    /// Attempts this node made to deliver the buyer's leads, how many of them failed, and the
    /// deliveries given up after the last retry.
    public var deliveryAttempts = 0
    public var failedDeliveryAttempts = 0
    public var deliveriesGivenUp = 0

    public init(buyerID: String) {
        self.buyerID = buyerID
    }

    /// Bids over pings considered; 0 when none.
    public var bidRate: Double { self.considered == 0 ? 0 : Double(self.bids) / Double(self.considered) }
    /// Wins over bids; 0 when none.
    public var winRate: Double { self.bids == 0 ? 0 : min(1, Double(self.wins) / Double(self.bids)) }
    /// The average bid, rounded half up to the cent; 0 when none.
    public var averageBidCents: Int64 { self.bids == 0 ? 0 : (self.bidCentsTotal + Int64(self.bids) / 2) / Int64(self.bids) }

    /// No-bid reasons, most frequent first.
    public var noBidsByCount: [(reason: NoBidReason, count: Int)] {
        self.noBids.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason.rawValue < $1.reason.rawValue }
    }
}

/// A ping as one buyer saw it, for the buyer's page: its bid or why none, and whether it won.
public struct PingSighting: Sendable, Equatable {
    public var pingID: String
    public var atMilliseconds: Int64
    public var campaignType: CampaignType
    public var state: String
    public var result: BuyerOutcome.Result
    public var responseMilliseconds: Int?
    public var sold: Bool
}
