/// The live pings, sharded so that pings do not contend with each other, each expiring 60 s after
/// it was made. A ping's id names its shard, so a post goes straight to the shard that holds it.
///
/// The shard logic is the value type `PingShard`; the actors around it only serialise access.
/// Shards run on the default actor executor, or each on an executor it is given: hand them a
/// SwiftNIO event loop's executor and a handler on that loop reaches its shard without a thread hop.
public final class PingBook: Sendable {
    public static let defaultMaxLivePingsPerTenant = 200_000

    private let shards: [any PingBookShard]
    private let identifiers: any IdentifierSource

    /// - Parameter executors: one serial executor per shard (event loops, say); empty for the
    ///   default actor executor with `shardCount` shards.
    public init(
        shardCount: Int = 16, executors: [any SerialExecutor] = [], maxLivePingsPerTenant: Int = PingBook.defaultMaxLivePingsPerTenant,
        identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        let count = executors.isEmpty ? shardCount : executors.count
        precondition((1...256).contains(count))
        // Each shard bounds its share; ids spread uniformly, so the tenant's total stays near the bound.
        let perShard = (maxLivePingsPerTenant + count - 1) / count
        if executors.isEmpty {
            self.shards = (0..<count).map { _ in DefaultPingBookShard(PingShard(maxLivePingsPerTenant: perShard)) }
        } else {
            self.shards = executors.map { ExecutorPingBookShard(PingShard(maxLivePingsPerTenant: perShard), executor: $0) }
        }
        self.identifiers = identifiers
    }

    public func shard(at index: Int) -> any PingBookShard { self.shards[index] }

    /// The shard that holds (or will hold) a ping, for callers that want to run on its executor.
    public func shard(for pingID: String) -> any PingBookShard {
        // A malformed id still maps to some shard, where it is simply not found.
        let digits = pingID.utf8.dropFirst(5).prefix(2)
        let index = Int(String(decoding: digits, as: UTF8.self), radix: 16) ?? 0
        return self.shards[index % self.shards.count]
    }

    public var shardCount: Int { self.shards.count }

    /// A new ping id: `ping_`, two hex digits naming the shard (`shard`, or one at random), then the
    /// identifier source's hex (time-ordered, so each shard's pings are stored in order).
    public func makePingID(shard: Int? = nil) -> String {
        let shard = shard ?? Int.random(in: 0..<self.shards.count)
        precondition(self.shards.indices.contains(shard))
        let random = self.identifiers.make(.ping).dropFirst(IdentifierPrefix.ping.rawValue.count + 1)
        return "ping_" + Hex.encode([UInt8(shard)]) + random
    }

    public func insert(_ ping: Ping) async throws(PingBookFull) {
        try await self.shard(for: ping.id).insert(ping)
    }

    /// Inserts without suspending. The caller must already run on the executor of the ping's
    /// shard (its id names it): checked, and a crash otherwise, never a data race.
    public func insertWithoutSuspending(_ ping: Ping) throws(PingBookFull) {
        let result = self.shard(for: ping.id).assumeIsolated { shard in
            Result { () throws(PingBookFull) in try shard.state.insert(ping) }
        }
        try result.get()
    }

    /// The live ping with this id in this tenant; nil when unknown, expired, or another tenant's.
    public func ping(id: String, tenantID: String, nowMilliseconds: Int64) async -> Ping? {
        guard let ping = await self.shard(for: id).ping(id: id, nowMilliseconds: nowMilliseconds), ping.tenantID == tenantID else {
            return nil
        }
        return ping
    }

    /// Frees every expired ping; returns how many.
    @discardableResult
    public func sweep(nowMilliseconds: Int64) async -> Int {
        var freed = 0
        for shard in self.shards { freed += await shard.sweep(nowMilliseconds: nowMilliseconds) }
        return freed
    }

    public func liveCount() async -> Int {
        var count = 0
        for shard in self.shards { count += await shard.count }
        return count
    }

}

/// Too many live pings for one tenant: the ping is refused rather than memory growing unbounded.
public struct PingBookFull: Error, Sendable, Equatable {
    public var retryAfterMilliseconds: Int64
}

/// An actor holding one shard of the ping book; its methods run on the actor's executor.
public protocol PingBookShard: Actor {
    var state: PingShard { get set }
}

extension PingBookShard {
    /// Runs `body` isolated to this shard: how tests and callers off an event loop reach the
    /// non-suspending entry points that expect to be on the shard's executor.
    public func run<T: Sendable>(_ body: @Sendable () throws -> T) rethrows -> T { try body() }

    public func insert(_ ping: Ping) throws(PingBookFull) { try self.state.insert(ping) }
    public func ping(id: String, nowMilliseconds: Int64) -> Ping? { Self.inPlace(&self.state) { $0.ping(id: id, nowMilliseconds: nowMilliseconds) } }
    public func sweep(nowMilliseconds: Int64) -> Int { self.state.sweep(nowMilliseconds: nowMilliseconds) }
    public var count: Int { Self.inPlace(&self.state) { $0.count } }

    /// Reads the shard where it is: through the protocol requirement a plain read of `state`
    /// copies it, retaining and releasing each of its tables; an inout access does not.
    private static func inPlace<T>(_ shard: inout PingShard, _ read: (borrowing PingShard) -> T) -> T { read(shard) }
}

/// A shard on the default actor executor.
actor DefaultPingBookShard: PingBookShard {
    var state: PingShard

    init(_ state: PingShard) {
        self.state = state
    }
}

/// A shard whose executor is given: an event loop's, so that code on that loop reaches it without a hop.
actor ExecutorPingBookShard: PingBookShard {
    var state: PingShard
    let executor: any SerialExecutor

    init(_ state: PingShard, executor: any SerialExecutor) {
        self.state = state
        self.executor = executor
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor { self.executor.asUnownedSerialExecutor() }
}

/// One shard's pings (bids and sales, without the per-buyer outcomes), their expiry order, and
/// the live count per tenant.
///
/// Memory is the cost that matters here (a million live pings is a busy minute), so a ping is
/// kept as a compact `LivePing` record, indexed by a fixed-size key parsed from its id, and its
/// `Ping` is rebuilt on the way out. A ping that does not fit a record is kept whole beside it.
public struct PingShard: Sendable {
    let maxLivePingsPerTenant: Int
    /// Each live ping's place in `records`: a sequence number counted from `firstSequence`
    /// (wrapping: a shard never holds 2^32 records).
    private var positions: [PingKey: UInt32] = [:]
    /// Insertion order is expiry order (every ping lives 60 s), so the records themselves are the
    /// expiry queue, and the sweep pops them from the front.
    private var records = LivePingQueue()
    private var firstSequence: UInt32 = 0
    /// The pings whose record does not hold them, by key.
    private var whole: [PingKey: Ping] = [:]
    /// Keys for the live ids not of the form `ping_` and hex (made by hand, in tests): such pings are kept whole.
    private var standInKeys: [String: PingKey] = [:]
    private var nextStandIn: UInt64 = 0
    /// The records' tenants, counted: the live count per tenant.
    private var tenants = CountedStrings()
    private var sources = CountedStrings()

    public init(maxLivePingsPerTenant: Int) {
        self.maxLivePingsPerTenant = maxLivePingsPerTenant
    }

    public var count: Int { self.positions.count }

    public mutating func insert(_ ping: Ping) throws(PingBookFull) {
        self.sweep(nowMilliseconds: ping.createdAtMilliseconds)
        let tenantSlot = self.tenants.slot(of: ping.tenantID)
        let live = if let tenantSlot { self.tenants.uses(of: tenantSlot) } else { 0 }
        guard live < self.maxLivePingsPerTenant else {
            // The oldest live ping frees a place first; a minute at most.
            let oldest = self.records.isEmpty ? ping.expiresAtMilliseconds : self.records[0].expiresAtMilliseconds
            throw PingBookFull(retryAfterMilliseconds: max(1000, oldest - ping.createdAtMilliseconds))
        }
        let key = self.key(forNew: ping.id)
        let tenant = self.tenants.countIn(ping.tenantID, slot: tenantSlot)
        // A ping inserted again under a live id replaces it; the old record stays queued, dead.
        if let offset = self.offset(of: key) { self.retire(self.records[offset]) }
        self.positions[key] = self.firstSequence &+ UInt32(truncatingIfNeeded: self.records.count)
        // The book keeps what a post needs; why each buyer did or did not bid lives in the journal
        // and the store, so a live ping costs memory for its bids only.
        self.records.append(
            self.record(of: ping, key: key, tenant: tenant, expiresAtMilliseconds: ping.expiresAtMilliseconds, keepingOutcomes: false)
        )
    }

    public func ping(id: String, nowMilliseconds: Int64) -> Ping? {
        guard let key = self.key(of: id), let offset = self.offset(of: key) else { return nil }
        let ping = self.ping(at: offset, id: id)
        return ping.isExpired(atMilliseconds: nowMilliseconds) ? nil : ping
    }

    /// Replaces a live ping (after a sale); false when it is gone.
    public mutating func update(_ ping: Ping) -> Bool {
        guard let key = self.key(of: ping.id), let offset = self.offset(of: key) else { return false }
        let old = self.records[offset]
        // Counted in before the old record is counted out, so that a tenant's slot stays put.
        let tenant = self.tenants.countIn(ping.tenantID)
        self.retire(old)
        // Stays where it was in the queue, so the sweep frees it when it would have.
        self.records[offset] = self.record(
            of: ping, key: key, tenant: tenant, expiresAtMilliseconds: old.expiresAtMilliseconds, keepingOutcomes: true
        )
        return true
    }

    @discardableResult
    public mutating func sweep(nowMilliseconds: Int64) -> Int {
        var freed = 0
        while !self.records.isEmpty, self.records[0].expiresAtMilliseconds <= nowMilliseconds {
            let record = self.records.removeFirst()
            let sequence = self.firstSequence
            self.firstSequence &+= 1
            // A record whose ping was inserted again is dead: the newer record holds the ping.
            guard let index = self.positions.index(forKey: record.key), self.positions.values[index] == sequence else { continue }
            self.positions.remove(at: index)
            freed += 1
            if let ping = self.retire(record), record.key.isStandIn { self.standInKeys[ping.id] = nil }
        }
        return freed
    }

    // MARK: Keys and records

    /// The key a live ping with this id would have; nil when none can.
    private func key(of id: String) -> PingKey? {
        if let key = PingKey(pingID: id) { return key }
        return self.standInKeys.isEmpty ? nil : self.standInKeys[id]
    }

    private mutating func key(forNew id: String) -> PingKey {
        if let key = PingKey(pingID: id) { return key }
        if let key = self.standInKeys[id] { return key }
        let key = PingKey(standIn: self.nextStandIn)
        self.nextStandIn &+= 1
        self.standInKeys[id] = key
        return key
    }

    /// Where the live ping with this key is in `records`.
    private func offset(of key: PingKey) -> Int? {
        guard let sequence = self.positions[key] else { return nil }
        return Int(sequence &- self.firstSequence)
    }

    private func ping(at offset: Int, id: String) -> Ping {
        // Read in place, not copied out: a copy would retain and release the record's arrays.
        if self.records[offset].isCompact {
            let tenantID = self.tenants[self.records[offset].tenant]
            let source = self.sources[self.records[offset].source]
            return self.records[offset].ping(id: id, tenantID: tenantID, source: source)
        }
        guard let ping = self.whole[self.records[offset].key] else { preconditionFailure("a ping kept whole is missing") }
        return ping
    }

    /// The record of `ping`, compact when it fits, else standing for the ping kept whole.
    private mutating func record(
        of ping: Ping, key: PingKey, tenant: UInt32, expiresAtMilliseconds: Int64, keepingOutcomes: Bool
    ) -> LivePing {
        if ping.expiresAtMilliseconds == expiresAtMilliseconds, !keepingOutcomes || ping.outcomes.isEmpty,
            var record = LivePing(compacting: ping, key: key, tenant: tenant)
        {
            record.source = self.sources.countIn(ping.request.source)
            return record
        }
        var kept = ping
        if !keepingOutcomes { kept.outcomes = [] }
        self.whole[key] = kept
        return LivePing(wholeWithKey: key, tenant: tenant, expiresAtMilliseconds: expiresAtMilliseconds)
    }

    /// Takes a record's ping out of the counts, and out of `whole` (returned) if it was kept whole.
    @discardableResult
    private mutating func retire(_ record: LivePing) -> Ping? {
        self.tenants.countOut(record.tenant)
        guard record.isCompact else { return self.whole.removeValue(forKey: record.key) }
        self.sources.countOut(record.source)
        return nil
    }

    /// Changes the buyers a live ping is sold to, where the ping is kept.
    private mutating func changeSoldTo(at offset: Int, _ change: (inout [String]) -> Void) {
        let key = self.records[offset].key
        if self.records[offset].isCompact {
            change(&self.records[offset].soldTo)
        } else if self.whole[key] != nil {
            change(&self.whole[key]!.soldTo)
        }
    }
}

// MARK: - Claims: the seller posting a ping's lead to one of its bidders

/// Why a post cannot turn a ping's bid into a sale.
public enum PostRejection: Error, Sendable, Equatable {
    /// No such ping in this tenant (or one the book no longer holds).
    case unknownPing
    case expired(atMilliseconds: Int64)
    /// The buyer did not bid on this ping.
    case buyerNotBidding
    /// The lead contradicts what was pinged.
    case pingMismatch(fields: [String])
    case alreadySold(String)
    /// The buyer bought its `daily_cap` leads today since it bid.
    case dailyCapReached
    /// None of the buyer's campaigns can pay the bid any more (budget or daily volume).
    case budgetExhausted
    /// The buyer's balance (prepaid, or invoiced at its credit limit) cannot pay the bid.
    case insufficientFunds
    /// The lead's phone is on these do-not-call lists and the buyer, or every campaign that could
    /// fund the sale, requires clean leads.
    case doNotCallListed(lists: [String])
}

extension PingShard {
    /// Reserves the sale of a ping's lead to one of its bidders, or says why it cannot be sold.
    ///
    /// An exclusive ping (one whose chosen bid, or an earlier sale, is exclusive) sells once; a
    /// shared one to at most `maxSharedBuyers` distinct buyers, each once. The reservation is the
    /// serialisation point for racing posts; `release` undoes it if the sale is not committed.
    public mutating func claim(
        pingID: String, tenantID: String, buyerID: String, state: String, zipCode: String, nowMilliseconds: Int64, maxSharedBuyers: Int
    ) -> Result<(ping: Ping, bid: Bid), PostRejection> {
        guard let key = self.key(of: pingID), let offset = self.offset(of: key) else { return .failure(.unknownPing) }
        var ping = self.ping(at: offset, id: pingID)
        guard ping.tenantID == tenantID else { return .failure(.unknownPing) }
        if ping.isExpired(atMilliseconds: nowMilliseconds) { return .failure(.expired(atMilliseconds: ping.expiresAtMilliseconds)) }
        guard let bid = ping.bids.first(where: { $0.buyerID == buyerID }) else { return .failure(.buyerNotBidding) }
        let mismatched = [("lead.state", state == ping.request.state), ("lead.zip_code", zipCode == ping.request.zipCode)]
            .filter { !$0.1 }.map(\.0)
        if !mismatched.isEmpty { return .failure(.pingMismatch(fields: mismatched)) }
        if let reason = PingSales.refusal(bids: ping.bids, soldTo: ping.soldTo, buyerID: buyerID, maxSharedBuyers: maxSharedBuyers) {
            return .failure(.alreadySold(reason))
        }
        ping.soldTo.append(buyerID)
        self.changeSoldTo(at: offset) { $0 = ping.soldTo }
        return .success((ping, bid))
    }

    /// Undoes a claim whose sale was not committed.
    public mutating func release(pingID: String, buyerID: String) {
        guard let key = self.key(of: pingID), let offset = self.offset(of: key) else { return }
        self.changeSoldTo(at: offset) { $0.removeAll { $0 == buyerID } }
    }
}

extension PingBookShard {
    public func claim(
        pingID: String, tenantID: String, buyerID: String, state: String, zipCode: String, nowMilliseconds: Int64, maxSharedBuyers: Int
    ) -> Result<(ping: Ping, bid: Bid), PostRejection> {
        self.state.claim(
            pingID: pingID, tenantID: tenantID, buyerID: buyerID, state: state, zipCode: zipCode, nowMilliseconds: nowMilliseconds,
            maxSharedBuyers: maxSharedBuyers
        )
    }

    public func release(pingID: String, buyerID: String) { self.state.release(pingID: pingID, buyerID: buyerID) }
}

extension PingBook {
    public func claim(
        pingID: String, tenantID: String, buyerID: String, state: String, zipCode: String, nowMilliseconds: Int64, maxSharedBuyers: Int
    ) async -> Result<(ping: Ping, bid: Bid), PostRejection> {
        await self.shard(for: pingID).claim(
            pingID: pingID, tenantID: tenantID, buyerID: buyerID, state: state, zipCode: zipCode, nowMilliseconds: nowMilliseconds,
            maxSharedBuyers: maxSharedBuyers
        )
    }

    public func release(pingID: String, buyerID: String) async {
        await self.shard(for: pingID).release(pingID: pingID, buyerID: buyerID)
    }
}
