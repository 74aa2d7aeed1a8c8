import Synchronization

/// A node's memory of the last hour of each tenant's marketplace: pings, bids and sales per second
/// and per minute, auction times, and each buyer's bids, wins and no-bid reasons. The dashboard's
/// live figures and buyer activity read it; nothing here is stored, so a restart starts it empty
/// and each node shows what it ran (`node` names it).
///
/// Pings are counted as the ping journal writes them (off the answer path); an auction's time,
/// a sale and a delivery attempt as they happen.
public final class MarketActivity: Sendable {
    /// Pings each buyer page lists.
    public static let sightingsPerBuyer = 20
    static let seconds = 64
    static let minutes = 60
    /// A buyer's hour is kept in twelve five-minute slots: a few hundred bytes a buyer, where
    /// sixty one-minute slots cost kilobytes, for tenants with thousands of buyers.
    static let buyerSlotMilliseconds: Int64 = 300_000
    static let buyerSlots = 12

    struct Minute: Sendable {
        var counts = LiveFigures.Counts()
        var auctionTimes = LatencyHistogram()
    }

    struct Buyer: Sendable {
        var slots: TimeRing<BuyerActivity>
        var sightings: [PingSighting] = []
    }

    struct Tenant: Sendable {
        var seconds = TimeRing(capacity: MarketActivity.seconds, empty: LiveFigures.Counts())
        var minutes = TimeRing(capacity: MarketActivity.minutes, empty: Minute())
        var buyers: [String: Buyer] = [:]
        /// The last sales: a post often lands before the journal writes its ping, and its
        /// sighting must still read as sold.
        var recentSales: Set<SaleKey> = []
        var recentSalesOrder: [SaleKey] = []
    }

    static let recentSalesKept = 1024

    struct SaleKey: Hashable, Sendable {
        var pingID: String
        var buyerID: String
    }

    public let node: String
    private let tenants = Mutex<[String: Tenant]>([:])

    public init(node: String) {
        self.node = node
    }

    /// One auction's time, as it closes: from the ping's arrival to its ranked bids.
    public func recordAuction(tenantID: String, atMilliseconds: Int64, microseconds: Int) {
        self.tenants.withLock { tenants in
            tenants[tenantID, default: Tenant()].minutes.update(atMilliseconds / 60_000) { $0.auctionTimes.record(microseconds: microseconds) }
        }
    }

    /// Pings the journal has written: counted at the time each was made.
    public func record(_ pings: [Ping]) {
        guard !pings.isEmpty else { return }
        self.tenants.withLock { tenants in
            for ping in pings { Self.count(ping, in: &tenants[ping.tenantID, default: Tenant()]) }
        }
    }

    /// A sale this node made, through ping `pingID`.
    public func recordSale(tenantID: String, buyerID: String, pingID: String, atMilliseconds: Int64) {
        self.tenants.withLock { tenants in
            Self.countSale(buyerID: buyerID, pingID: pingID, at: atMilliseconds, in: &tenants[tenantID, default: Tenant()])
        }
    }

    /// One delivery attempt to the buyer's webhook; `gaveUp` when it was the last.
    public func recordDeliveryAttempt(tenantID: String, buyerID: String, succeeded: Bool, gaveUp: Bool, atMilliseconds: Int64) {
        self.tenants.withLock { tenants in
            Self.countDelivery(
                succeeded: succeeded, gaveUp: gaveUp, at: atMilliseconds,
                in: &tenants[tenantID, default: Tenant()].buyers[buyerID, default: Self.newBuyer(buyerID)]
            )
        }
    }

    /// The tenant's live figures at `nowMilliseconds`.
    public func live(tenantID: String, nowMilliseconds: Int64) -> LiveFigures {
        let tenant = self.tenants.withLock { $0[tenantID] } ?? Tenant()
        let second = nowMilliseconds / 1000
        // The current second is still filling: rates are over the complete ones before it.
        let recent = tenant.seconds.slots((second - Int64(LiveFigures.rateWindowSeconds))...(second - 1))
        let window = Double(LiveFigures.rateWindowSeconds)
        let minute = nowMilliseconds / 60_000
        let hour = tenant.minutes.slots((minute - Int64(Self.minutes) + 1)...minute)
        var times = LatencyHistogram()
        var lastHour = LiveFigures.Counts()
        for slot in hour {
            times.add(slot.auctionTimes)
            lastHour.pings += slot.counts.pings
            lastHour.bids += slot.counts.bids
            lastHour.sales += slot.counts.sales
        }
        return LiveFigures(
            node: self.node, atMilliseconds: nowMilliseconds,
            pingsPerSecond: Double(recent.reduce(0) { $0 + $1.pings }) / window,
            bidsPerSecond: Double(recent.reduce(0) { $0 + $1.bids }) / window,
            salesPerSecond: Double(recent.reduce(0) { $0 + $1.sales }) / window,
            lastHour: lastHour, auctionP50Microseconds: times.percentile(0.5), auctionP99Microseconds: times.percentile(0.99),
            pingsPerMinute: hour.map(\.counts.pings)
        )
    }

    /// Each buyer's activity over the last hour (in five-minute steps: the current one and the
    /// eleven before), by buyer id (buyers not seen are absent).
    public func buyers(tenantID: String, nowMilliseconds: Int64) -> [String: BuyerActivity] {
        let buyers = self.tenants.withLock { $0[tenantID]?.buyers } ?? [:]
        let slot = nowMilliseconds / Self.buyerSlotMilliseconds
        return buyers.reduce(into: [:]) { activities, entry in
            let hour = entry.value.slots.slots((slot - Int64(Self.buyerSlots) + 1)...slot)
            activities[entry.key] = hour.reduce(into: BuyerActivity(buyerID: entry.key)) { total, slot in
                total.considered += slot.considered
                total.bids += slot.bids
                total.bidCentsTotal += slot.bidCentsTotal
                total.wins += slot.wins
                total.noBids.merge(slot.noBids, uniquingKeysWith: +)
                total.deliveryAttempts += slot.deliveryAttempts
                total.failedDeliveryAttempts += slot.failedDeliveryAttempts
                total.deliveriesGivenUp += slot.deliveriesGivenUp
            }
        }
    }

    /// The buyer's last pings on this node, newest first.
    public func sightings(tenantID: String, buyerID: String) -> [PingSighting] {
        (self.tenants.withLock { $0[tenantID]?.buyers[buyerID]?.sightings } ?? []).reversed()
    }

    // Changed in place through `inout`, never copied out and back: a copy would duplicate a
    // buyer's whole hour on every outcome.
    private static func countSale(buyerID: String, pingID: String, at: Int64, in tenant: inout Tenant) {
        tenant.seconds.update(at / 1000) { $0.sales += 1 }
        tenant.minutes.update(at / 60_000) { $0.counts.sales += 1 }
        Self.countWin(pingID: pingID, at: at, in: &tenant.buyers[buyerID, default: Self.newBuyer(buyerID)])
        let key = SaleKey(pingID: pingID, buyerID: buyerID)
        if tenant.recentSales.insert(key).inserted { tenant.recentSalesOrder.append(key) }
        if tenant.recentSalesOrder.count > Self.recentSalesKept * 2 {
            for old in tenant.recentSalesOrder.prefix(Self.recentSalesKept) { tenant.recentSales.remove(old) }
            tenant.recentSalesOrder.removeFirst(Self.recentSalesKept)
        }
    }

    private static func countWin(pingID: String, at: Int64, in buyer: inout Buyer) {
        buyer.slots.update(at / Self.buyerSlotMilliseconds) { $0.wins += 1 }
        if let index = buyer.sightings.lastIndex(where: { $0.pingID == pingID }) { buyer.sightings[index].sold = true }
    }

    private static func countDelivery(succeeded: Bool, gaveUp: Bool, at: Int64, in buyer: inout Buyer) {
        buyer.slots.update(at / Self.buyerSlotMilliseconds) {
            $0.deliveryAttempts += 1
            if !succeeded { $0.failedDeliveryAttempts += 1 }
            if gaveUp { $0.deliveriesGivenUp += 1 }
        }
    }

    private static func newBuyer(_ buyerID: String) -> Buyer {
        Buyer(slots: TimeRing(capacity: Self.buyerSlots, empty: BuyerActivity(buyerID: buyerID)))
    }

    private static func count(_ ping: Ping, in tenant: inout Tenant) {
        let at = ping.createdAtMilliseconds
        let bids = ping.outcomes.reduce(ping.outrankedStaticBuyers) { $0 + ($1.bid == nil ? 0 : 1) }
        tenant.seconds.update(at / 1000) {
            $0.pings += 1
            $0.bids += bids
        }
        tenant.minutes.update(at / 60_000) {
            $0.counts.pings += 1
            $0.counts.bids += bids
        }
        for outcome in ping.outcomes {
            let sold =
                outcome.bid != nil
                && (ping.soldTo.contains(outcome.buyerID) || tenant.recentSales.contains(SaleKey(pingID: ping.id, buyerID: outcome.buyerID)))
            Self.count(outcome, of: ping, sold: sold, in: &tenant.buyers[outcome.buyerID, default: Self.newBuyer(outcome.buyerID)])
        }
    }

    private static func count(_ outcome: BuyerOutcome, of ping: Ping, sold: Bool, in buyer: inout Buyer) {
        let at = ping.createdAtMilliseconds
        buyer.slots.update(at / Self.buyerSlotMilliseconds) { slot in
            slot.considered += 1
            switch outcome.result {
            case .bid(let bid):
                slot.bids += 1
                slot.bidCentsTotal += bid.bidCents
            case .noBid(let reason, _):
                slot.noBids[reason, default: 0] += 1
            }
        }
        buyer.sightings.append(
            PingSighting(
                pingID: ping.id, atMilliseconds: at, campaignType: ping.request.campaignType, state: ping.request.state,
                result: outcome.result, responseMilliseconds: outcome.responseMilliseconds, sold: sold
            )
        )
        if buyer.sightings.count > Self.sightingsPerBuyer { buyer.sightings.removeFirst(buyer.sightings.count - Self.sightingsPerBuyer) }
    }
}
