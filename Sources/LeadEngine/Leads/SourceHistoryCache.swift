import Synchronization

/// Each source's history, counted by the store at most once a minute per source: scoring needs
/// the source's quality, not its last lead, and counting 90 days of a busy source for every
/// inbound lead would make each lead slower than the one before.
public final class SourceHistoryCache: Sendable {
    public static let maxAgeMilliseconds: Int64 = 60_000

    private struct Entry {
        var history: SourceHistory
        var countedAt: Int64
    }

    private let entries = Mutex([String: Entry]())

    public init() {}

    /// The source's history, from the cache while it is fresh, else from `count`.
    func history(
        tenantID: String, source: String, nowMilliseconds: Int64, count: () async throws -> SourceHistory
    ) async throws -> SourceHistory {
        let key = tenantID + "\u{1F}" + source
        if let entry = self.entries.withLock({ $0[key] }), nowMilliseconds - entry.countedAt < Self.maxAgeMilliseconds {
            return entry.history
        }
        let history = try await count()
        self.entries.withLock { entries in
            // Forget stale sources now and then, so a stream of one-off sources cannot grow the cache without bound.
            if entries.count > 10_000 { entries = entries.filter { nowMilliseconds - $0.value.countedAt < Self.maxAgeMilliseconds } }
            entries[key] = Entry(history: history, countedAt: nowMilliseconds)
        }
        return history
    }
}
