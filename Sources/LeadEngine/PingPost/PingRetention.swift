/// Keeps the store from growing with every ping: unsold pings (and their bid outcomes) go once
/// they are `days` old; sold ones stay with their sales, which are evidence (DECISIONS: sales,
/// deliveries, consents and the ledger are kept at least five years). Deletes in batches, each its
/// own short transaction, so posts and the journal never wait long for the writer.
public struct PingRetention: Sendable {
    public static let defaultDays = 30
    public static let batchSize = 1_000

    let repository: any PingRepository
    let days: Int
    let clock: any EngineClock

    public init(repository: any PingRepository, days: Int = PingRetention.defaultDays, clock: any EngineClock) {
        self.repository = repository
        self.days = days
        self.clock = clock
    }

    /// Prunes everything due now; returns how many pings went.
    @discardableResult
    public func prune() async throws -> Int {
        let cutoff = self.clock.nowMilliseconds() - Int64(self.days) * 86_400_000
        var pruned = 0
        while true {
            let batch = try await self.repository.pruneUnsoldPings(expiredBefore: cutoff, limit: Self.batchSize)
            pruned += batch
            if batch < Self.batchSize { return pruned }
            await Task.yield()
        }
    }
}
