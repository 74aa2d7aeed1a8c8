import Synchronization

/// The money and daily volume left in each campaign that funds a buyer, in memory for the ping
/// path and reserved atomically by posts.
///
/// A buyer linked to campaigns (a campaign's `buyer_id`) buys only what one of them can fund: an
/// active campaign of the lead's type and state with `budget_cents` left for the price and under
/// its `max_leads_per_day`, and, for a lead on a do-not-call list, one that does not require
/// clean leads. A buyer with no campaign is not budgeted here.
public final class CampaignBudgets: Sendable {
    struct Funding: Sendable {
        var campaign: Campaign
        var spentCents: Int64
        var day: Int64
        var soldToday: Int
    }

    struct State: Sendable {
        var fundings: [String: Funding] = [:]
        var campaignsByBuyer: [String: [String]] = [:]
    }

    /// What a buyer's campaigns say about a price.
    public enum Verdict: Sendable, Equatable {
        /// The buyer has no campaigns: nothing limits it here.
        case unbudgeted
        case funded(campaignID: String)
        case exhausted
        /// Campaigns could fund the lead, but every one of them requires leads on no do-not-call list.
        case refusesListedLead
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds or replaces a campaign, keeping what it has spent.
    public func upsert(_ campaign: Campaign) {
        self.state.withLock { state in
            let previous = state.fundings[campaign.id]
            if let oldBuyer = previous?.campaign.buyerID { state.campaignsByBuyer[oldBuyer]?.removeAll { $0 == campaign.id } }
            state.fundings[campaign.id] = Funding(
                campaign: campaign, spentCents: previous?.spentCents ?? 0, day: previous?.day ?? 0, soldToday: previous?.soldToday ?? 0
            )
            if let buyer = campaign.buyerID { state.campaignsByBuyer[buyer, default: []].append(campaign.id) }
        }
    }

    /// Loads campaigns with what they spent in all and sold today, at start.
    public func load(_ campaigns: [Campaign], spent: [String: Int64], soldToday: [String: Int], nowMilliseconds: Int64) {
        let today = DailySales.day(ofMilliseconds: nowMilliseconds)
        for campaign in campaigns { self.upsert(campaign) }
        self.state.withLock { state in
            for (id, cents) in spent { state.fundings[id]?.spentCents = cents }
            for (id, count) in soldToday {
                state.fundings[id]?.day = today
                state.fundings[id]?.soldToday = count
            }
        }
    }

    /// The budgets as they are now, taken under one lock for a whole ping (copying the state is O(1)).
    public func snapshot() -> Snapshot { Snapshot(state: self.state.withLock { $0 }) }

    public struct Snapshot: Sendable {
        let state: State

        public func verdict(
            buyerID: String, campaignType: CampaignType, state: String, priceCents: Int64, nowMilliseconds: Int64, listedOnDoNotCall: Bool = false
        ) -> Verdict {
            // Most accounts budget no buyer at all: then no buyer id needs hashing.
            if self.state.campaignsByBuyer.isEmpty { return .unbudgeted }
            return CampaignBudgets.verdict(
                self.state, buyerID: buyerID, campaignType: campaignType, state: state, priceCents: priceCents, now: nowMilliseconds,
                listed: listedOnDoNotCall
            )
        }
    }

    public func verdict(
        buyerID: String, campaignType: CampaignType, state: String, priceCents: Int64, nowMilliseconds: Int64, listedOnDoNotCall: Bool = false
    ) -> Verdict {
        self.state.withLock {
            Self.verdict(
                $0, buyerID: buyerID, campaignType: campaignType, state: state, priceCents: priceCents, now: nowMilliseconds, listed: listedOnDoNotCall
            )
        }
    }

    /// Takes `priceCents` and one of today's leads from the campaign that funds the sale, or says
    /// that none can.
    public func reserve(
        buyerID: String, campaignType: CampaignType, state leadState: String, priceCents: Int64, nowMilliseconds: Int64, listedOnDoNotCall: Bool = false
    ) -> Verdict {
        self.state.withLock { state in
            let verdict = Self.verdict(
                state, buyerID: buyerID, campaignType: campaignType, state: leadState, priceCents: priceCents, now: nowMilliseconds,
                listed: listedOnDoNotCall
            )
            if case .funded(let id) = verdict, var funding = state.fundings[id] {
                let today = DailySales.day(ofMilliseconds: nowMilliseconds)
                if funding.day != today { (funding.day, funding.soldToday) = (today, 0) }
                funding.spentCents += priceCents
                funding.soldToday += 1
                state.fundings[id] = funding
            }
            return verdict
        }
    }

    /// What a store several nodes share holds a sale this campaign pays to (`SaleLimits`).
    public func limit(campaignID: String, nowMilliseconds: Int64) -> SaleLimits.Campaign? {
        self.state.withLock { state in
            state.fundings[campaignID].map {
                SaleLimits.Campaign(
                    id: campaignID, budgetCents: $0.campaign.budgetCents, maxLeadsPerDay: $0.campaign.maxLeadsPerDay,
                    dayStartMilliseconds: DailySales.startOfDay(milliseconds: nowMilliseconds)
                )
            }
        }
    }

    /// Where the campaign sends the leads it funds, when not to the buyer's `webhook_url`.
    public func deliveryWebhook(campaignID: String) -> String? {
        self.state.withLock { $0.fundings[campaignID]?.campaign.deliveryWebhook }
    }

    /// Gives back a reservation whose sale did not commit.
    public func release(campaignID: String, priceCents: Int64, nowMilliseconds: Int64) {
        self.state.withLock { state in
            guard var funding = state.fundings[campaignID] else { return }
            funding.spentCents -= priceCents
            if funding.day == DailySales.day(ofMilliseconds: nowMilliseconds), funding.soldToday > 0 { funding.soldToday -= 1 }
            state.fundings[campaignID] = funding
        }
    }

    private static func verdict(
        _ state: State, buyerID: String, campaignType: CampaignType, state leadState: String, priceCents: Int64, now: Int64, listed: Bool
    ) -> Verdict {
        guard let ids = state.campaignsByBuyer[buyerID], !ids.isEmpty else { return .unbudgeted }
        let today = DailySales.day(ofMilliseconds: now)
        let able = ids.compactMap { state.fundings[$0] }
            .filter { funding in
                let campaign = funding.campaign
                let soldToday = funding.day == today ? funding.soldToday : 0
                return campaign.status == .active && campaign.campaignType == campaignType && campaign.states.contains(leadState)
                    && campaign.budgetCents - funding.spentCents >= priceCents
                    && (campaign.maxLeadsPerDay.map { soldToday < $0 } ?? true)
            }
        let willing = listed ? able.filter { !$0.campaign.requireDNCClear } : able
        // The campaign with the most budget left pays, so spend spreads instead of draining one first.
        let funding = willing
            .max { ($0.campaign.budgetCents - $0.spentCents, $1.campaign.id) < ($1.campaign.budgetCents - $1.spentCents, $0.campaign.id) }
        if let funding { return .funded(campaignID: funding.campaign.id) }
        return able.isEmpty ? .exhausted : .refusesListedLead
    }
}
