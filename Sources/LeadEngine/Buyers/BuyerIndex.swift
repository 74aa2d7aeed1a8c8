import Synchronization

/// The buyer matching index: (tenant, campaign type, state) → buyers, highest bid first.
///
/// Built from the store at start and kept current on every create and update, so matching a ping
/// costs a dictionary look-up and a walk over the buyers of one slot, with no disk access.
/// Read-mostly and read synchronously on the hot path, hence a lock rather than an actor.
public final class BuyerIndex: Sendable {
    struct SlotKey: Hashable {
        var tenantID: String
        var campaignType: CampaignType
        var state: String
    }

    struct Storage {
        var buyers: [String: Buyer] = [:]
        var slots: [SlotKey: [Buyer]] = [:]
        /// Active real-time bidders per slot, so a ping knows at once whether it will have to wait for any.
        var realTimeBidders: [SlotKey: Int] = [:]
    }

    private let storage = Mutex(Storage())

    public init(buyers: [Buyer] = []) {
        for buyer in buyers { self.upsert(buyer) }
    }

    /// Adds or replaces a buyer. An older revision than the one held is ignored, so updates that
    /// commit in one order and arrive here in another leave the newest.
    public func upsert(_ buyer: Buyer) {
        self.storage.withLock { storage in
            if let current = storage.buyers[buyer.id] {
                guard current.revision <= buyer.revision else { return }
                for key in Self.slotKeys(of: current) {
                    storage.slots[key]?.removeAll { $0.id == current.id }
                    if storage.slots[key]?.isEmpty == true { storage.slots[key] = nil }
                    if Self.bidsInRealTime(current) { storage.realTimeBidders[key, default: 1] -= 1 }
                }
            }
            storage.buyers[buyer.id] = buyer
            for key in Self.slotKeys(of: buyer) {
                // In place: a copy taken out of the dictionary would copy the whole slot on insert.
                let position = storage.slots[key]?.firstIndex { Self.ranksBefore(buyer, $0) } ?? storage.slots[key]?.endIndex ?? 0
                storage.slots[key, default: []].insert(buyer, at: position)
                if Self.bidsInRealTime(buyer) { storage.realTimeBidders[key, default: 0] += 1 }
            }
        }
    }

    /// Active buyers of the tenant that take this campaign type, state and ZIP, highest bid first.
    public func match(tenantID: String, campaignType: CampaignType, state: String, zipCode: String?) -> [Buyer] {
        let slot = self.storage.withLock { $0.slots[SlotKey(tenantID: tenantID, campaignType: campaignType, state: state)] }
        return (slot ?? []).filter { $0.status == .active && $0.accepts(zipCode: zipCode) }
    }

    /// Every buyer of the slot, paused and filtered ones included: ping-post reports why each did not bid.
    public func candidates(tenantID: String, campaignType: CampaignType, state: String) -> [Buyer] {
        self.storage.withLock { $0.slots[SlotKey(tenantID: tenantID, campaignType: campaignType, state: state)] ?? [] }
    }

    /// Whether the slot holds an active buyer with a bid endpoint, whom a ping would have to wait for.
    public func hasRealTimeBidders(tenantID: String, campaignType: CampaignType, state: String) -> Bool {
        self.storage.withLock { $0.realTimeBidders[SlotKey(tenantID: tenantID, campaignType: campaignType, state: state), default: 0] > 0 }
    }

    public func buyer(id: String) -> Buyer? {
        self.storage.withLock { $0.buyers[id] }
    }

    /// Every buyer of every tenant.
    public var all: [Buyer] {
        self.storage.withLock { Array($0.buyers.values) }
    }

    public var count: Int {
        self.storage.withLock { $0.buyers.count }
    }

    private static func bidsInRealTime(_ buyer: Buyer) -> Bool { buyer.bidURL != nil && buyer.status == .active }

    private static func slotKeys(of buyer: Buyer) -> [SlotKey] {
        buyer.campaignTypes.flatMap { type in
            buyer.states.map { SlotKey(tenantID: buyer.tenantID, campaignType: type, state: $0) }
        }
    }

    /// Highest price first; ties go to the older buyer, then by id, so the order is stable.
    private static func ranksBefore(_ lhs: Buyer, _ rhs: Buyer) -> Bool {
        if lhs.maxPriceCents != rhs.maxPriceCents { return lhs.maxPriceCents > rhs.maxPriceCents }
        if lhs.createdAt != rhs.createdAt { return lhs.createdAt < rhs.createdAt }
        return lhs.id < rhs.id
    }
}
