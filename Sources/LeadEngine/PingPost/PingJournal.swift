import Synchronization

/// Pings waiting to be written to the store. The ping path only appends (a lock and an array
/// append); a background service drains the journal at least every 50 ms in one transaction.
public final class PingJournal: Sendable {
    private let pending = Mutex<[Ping]>([])

    public init() {}

    public func record(_ ping: Ping) {
        self.pending.withLock { $0.append(ping) }
    }

    /// Everything recorded so far, leaving the journal empty.
    public func drain() -> [Ping] {
        self.pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }

    /// Puts back a batch that could not be written, ahead of newer records, to retry it.
    public func restore(_ pings: [Ping]) {
        self.pending.withLock { $0.insert(contentsOf: pings, at: 0) }
    }

    public var count: Int { self.pending.withLock { $0.count } }

    /// A ping recorded and not yet written, newest first (a few milliseconds' worth at most).
    public func pending(id: String) -> Ping? {
        self.pending.withLock { pending in pending.last { $0.id == id } }
    }
}
