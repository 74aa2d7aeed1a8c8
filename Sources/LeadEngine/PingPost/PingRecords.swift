/// Pings by id, live from the ping book or, once expired, from the store; and the reload of live
/// pings after a restart, so that bids given before it stay postable.
public struct PingRecords: Sendable {
    let book: PingBook
    let repository: any PingRepository
    let journal: PingJournal
    let clock: any EngineClock
    let activity: MarketActivity

    public init(
        book: PingBook, repository: any PingRepository, journal: PingJournal, clock: any EngineClock,
        activity: MarketActivity = MarketActivity(node: "local")
    ) {
        self.activity = activity
        self.book = book
        self.repository = repository
        self.journal = journal
        self.clock = clock
    }

    /// The ping with every buyer's outcome: its sales from the book while it is live, the outcomes
    /// from the journal until they are written and from the store after.
    public func find(id: String, tenantID: String) async throws -> (ping: Ping, live: Bool)? {
        let now = self.clock.nowMilliseconds()
        if let live = await self.book.ping(id: id, tenantID: tenantID, nowMilliseconds: now) {
            var ping = live
            if let recorded = self.journal.pending(id: id) {
                ping.outcomes = recorded.outcomes
            } else if let stored = try await self.repository.ping(id: id, tenantID: tenantID) {
                ping.outcomes = stored.outcomes
            }
            return (ping, true)
        }
        guard let stored = try await self.repository.ping(id: id, tenantID: tenantID) else { return nil }
        return (stored, !stored.isExpired(atMilliseconds: now))
    }

    /// Loads the stored pings that have not expired into the ping book; returns how many.
    @discardableResult
    public func reloadLivePings() async throws -> Int {
        var loaded = 0
        for ping in try await self.repository.livePings(nowMilliseconds: self.clock.nowMilliseconds()) {
            do {
                try await self.book.insert(ping)
                loaded += 1
            } catch {
                continue  // over the tenant's bound: the oldest pings stay in the store only
            }
        }
        return loaded
    }

    /// Writes what the journal holds; on failure the batch goes back for the next flush.
    @discardableResult
    public func flushJournal() async throws -> Int {
        let batch = self.journal.drain()
        guard !batch.isEmpty else { return 0 }
        do {
            try await self.repository.save(batch)
        } catch {
            self.journal.restore(batch)
            throw error
        }
        self.journal.written(batch)
        self.activity.record(batch)
        return batch.count
    }
}
