import Synchronization

/// Pings waiting to be written to the store. The ping path only appends (a lock and an array
/// append); a background service drains the journal at least every 50 ms in one transaction.
/// A drained batch stays readable until its write is confirmed, so a ping's outcomes are always
/// in the journal or in the store, never in neither.
public final class PingJournal: Sendable {
    struct State {
        var pending: [Ping] = []
        /// Drained, being written.
        var writing: [Ping] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func record(_ ping: Ping) {
        self.state.withLock { $0.pending.append(ping) }
    }

    /// Everything recorded so far, leaving the journal empty; confirm the batch with `written`
    /// once stored, or hand it back with `restore`.
    public func drain() -> [Ping] {
        self.state.withLock { state in
            let batch = state.pending
            state.pending.removeAll(keepingCapacity: true)
            state.writing += batch
            return batch
        }
    }

    /// The batch is in the store: the journal forgets it.
    public func written(_ batch: [Ping]) {
        let ids = Set(batch.map(\.id))
        self.state.withLock { $0.writing.removeAll { ids.contains($0.id) } }
    }

    /// Puts back a batch that could not be written, ahead of newer records, to retry it.
    public func restore(_ batch: [Ping]) {
        let ids = Set(batch.map(\.id))
        self.state.withLock { state in
            state.writing.removeAll { ids.contains($0.id) }
            state.pending.insert(contentsOf: batch, at: 0)
        }
    }

    /// Pings recorded and not yet drained.
    public var count: Int { self.state.withLock { $0.pending.count } }

    /// A ping recorded and not yet in the store, newest first (a few milliseconds' worth at most).
    public func pending(id: String) -> Ping? {
        self.state.withLock { state in state.pending.last { $0.id == id } ?? state.writing.last { $0.id == id } }
    }
}
