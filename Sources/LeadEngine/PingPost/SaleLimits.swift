/// The limits a sale may not pass, for a store that several nodes share to hold when the sale
/// commits: no node's memory sees the other nodes' sales, so each node's own checks (the ping
/// book's claim, `DailySales`, `CampaignBudgets`) only pre-filter there, and the store, reading
/// what it holds under locks, has the last word with `refusal(given:)`. A store one node owns
/// (SQLite) leaves them to that node's memory, which sees every sale.
public struct SaleLimits: Sendable, Equatable {
    /// The campaign that pays: its budget (spend net of returns) and leads per UTC day.
    public struct Campaign: Sendable, Equatable {
        public var id: String
        public var budgetCents: Int64
        public var maxLeadsPerDay: Int?
        /// The start of the UTC day its `maxLeadsPerDay` counts.
        public var dayStartMilliseconds: Int64

        public init(id: String, budgetCents: Int64, maxLeadsPerDay: Int?, dayStartMilliseconds: Int64) {
            self.id = id
            self.budgetCents = budgetCents
            self.maxLeadsPerDay = maxLeadsPerDay
            self.dayStartMilliseconds = dayStartMilliseconds
        }
    }

    /// How many buyers a shared lead of this tenant may sell to.
    public var maxSharedBuyers: Int
    /// The buyer's `daily_cap`, counted from `dayStartMilliseconds` (its midnight, in its time zone).
    public var dailyCap: Int?
    public var dayStartMilliseconds: Int64
    public var campaign: Campaign?

    public init(maxSharedBuyers: Int, dailyCap: Int?, dayStartMilliseconds: Int64, campaign: Campaign?) {
        self.maxSharedBuyers = maxSharedBuyers
        self.dailyCap = dailyCap
        self.dayStartMilliseconds = dayStartMilliseconds
        self.campaign = campaign
    }

    /// What the store holds when the sale commits, read under the locks that serialise the
    /// ping's, the buyer's and the campaign's sales.
    public struct Standing: Sendable, Equatable {
        /// The buyers the ping has sold to, in order.
        public var pingSoldTo: [String]
        /// The buyer's sales since `dayStartMilliseconds`.
        public var buyerSalesToday: Int
        /// The paying campaign's spend net of returns, and its sales since its day started.
        public var campaignSpentCents: Int64
        public var campaignSalesToday: Int

        public init(pingSoldTo: [String], buyerSalesToday: Int, campaignSpentCents: Int64 = 0, campaignSalesToday: Int = 0) {
            self.pingSoldTo = pingSoldTo
            self.buyerSalesToday = buyerSalesToday
            self.campaignSpentCents = campaignSpentCents
            self.campaignSalesToday = campaignSalesToday
        }
    }

    /// Why `sale` would pass a limit given what the store holds, nil when it fits. The ping's
    /// rule is the ping book's own (`PingSales.refusal`).
    public func refusal(of sale: SaleRecord, given standing: Standing) -> StoreRefusal? {
        guard let buyerID = sale.lead.buyerID else { return nil }
        if let reason = PingSales.refusal(bids: sale.ping.bids, soldTo: standing.pingSoldTo, buyerID: buyerID, maxSharedBuyers: self.maxSharedBuyers) {
            return .pingSold(reason)
        }
        if let cap = self.dailyCap, standing.buyerSalesToday >= cap { return .dailyCapReached }
        if let campaign = self.campaign {
            if campaign.budgetCents - standing.campaignSpentCents < sale.priceCents { return .budgetExhausted }
            if let most = campaign.maxLeadsPerDay, standing.campaignSalesToday >= most { return .budgetExhausted }
        }
        return nil
    }
}

/// Which buyers a ping may still sell to: once to each buyer; an exclusive lead once; a shared one
/// to at most the tenant's `max_shared_buyers`, and never after an exclusive sale.
public enum PingSales {
    /// Why `buyerID` may not buy the ping, nil when it may.
    public static func refusal(bids: [Bid], soldTo: [String], buyerID: String, maxSharedBuyers: Int) -> String? {
        if soldTo.contains(buyerID) { return "this buyer has already bought this lead" }
        guard !soldTo.isEmpty else { return nil }
        let exclusive = bids.first { $0.buyerID == buyerID }?.exclusivity == .exclusive
        let soldExclusively = bids.contains { soldTo.contains($0.buyerID) && $0.exclusivity == .exclusive }
        if soldExclusively || exclusive { return "an exclusive lead sells once; this one is sold" }
        if soldTo.count >= maxSharedBuyers { return "a shared lead sells to at most \(maxSharedBuyers) buyers; this one has" }
        return nil
    }
}
