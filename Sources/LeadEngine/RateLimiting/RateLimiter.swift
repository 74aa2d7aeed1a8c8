import Synchronization

/// Per-key GCRA state, sharded so that keys do not contend with each other, with idle entries
/// evicted so that memory follows the keys active in the last burst window, not all keys ever seen.
public final class RateLimiter: Sendable {
    struct Entry {
        var tat: Int128
        var limitPerMinute: Int
    }

    struct ShardState {
        var entries: [String: Entry] = [:]
        /// The entry count at which the next sweep of idle entries runs; doubles with live entries,
        /// so sweeping costs O(1) amortised per request.
        var sweepAt = RateLimiter.minimumSweepThreshold
    }

    final class Shard: Sendable {
        let state = Mutex(ShardState())
    }

    static let minimumSweepThreshold = 1024

    private let shards: [Shard]
    private let clock: any EngineClock

    public init(clock: any EngineClock, shardCount: Int = 64) {
        precondition(shardCount > 0)
        self.clock = clock
        self.shards = (0..<shardCount).map { _ in Shard() }
    }

    /// Counts one request for `key` under `policy` and says whether it may proceed.
    public func check(key: String, policy: RateLimitPolicy) -> RateLimitDecision {
        let now = self.clock.nowMilliseconds()
        let shard = self.shards[Int(UInt(bitPattern: key.hashValue) % UInt(self.shards.count))]
        return shard.state.withLock { state in
            var stored = state.entries[key]
            if let entry = stored, entry.limitPerMinute != policy.limitPerMinute {
                stored = nil  // the key's limit changed: its old TAT is in other units
            }
            let (decision, newTAT) = GCRA.evaluate(tat: stored?.tat, nowMilliseconds: now, policy: policy)
            if let newTAT {
                state.entries[key] = Entry(tat: newTAT, limitPerMinute: policy.limitPerMinute)
                if state.entries.count >= state.sweepAt {
                    state.entries = state.entries.filter {
                        !GCRA.isIdle(tat: $0.value.tat, nowMilliseconds: now, limitPerMinute: $0.value.limitPerMinute)
                    }
                    state.sweepAt = max(Self.minimumSweepThreshold, state.entries.count * 2)
                }
            }
            return decision
        }
    }

    /// Entries held across all shards; for tests and benchmarks of the memory bound.
    public var trackedKeyCount: Int {
        self.shards.reduce(0) { total, shard in total + shard.state.withLock { $0.entries.count } }
    }
}
