import Synchronization

/// The live keys, in memory, keyed by secret hash: authentication never touches the disk.
///
/// A lock rather than an actor: look-ups are a hash and a dictionary read, called from every
/// request (and later synchronously from the event loop), so a hop would cost more than the work.
public final class KeyRing: Sendable {
    private struct State {
        var principals: [String: Principal] = [:]
        /// Key id → secret hash, so a revocation by id finds the entry.
        var hashByKeyID: [String: String] = [:]
        var changeSequence: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The principal for a presented secret, or nil when it is unknown or revoked.
    public func authenticate(secret: String) -> Principal? {
        let hash = KeySecret.hash(secret)
        return self.state.withLock { $0.principals[hash] }
    }

    /// The principal of a live key by its id; nil when unknown or revoked. A dashboard session
    /// lives only as long as the key it was opened with.
    public func principal(keyID: String) -> Principal? {
        self.state.withLock { state in state.hashByKeyID[keyID].flatMap { state.principals[$0] } }
    }

    /// Applies stored keys: live ones are added or replaced, revoked ones removed.
    public func apply(_ keys: [APIKey], changeSequence: Int64) {
        self.state.withLock { state in
            for key in keys {
                if let oldHash = state.hashByKeyID[key.id] {
                    state.principals[oldHash] = nil
                    state.hashByKeyID[key.id] = nil
                }
                guard !key.isRevoked else { continue }
                state.principals[key.secretHash] = Principal(
                    keyID: key.id, tenantID: key.tenantID, role: key.role, rateLimitPerMinute: key.rateLimitPerMinute
                )
                state.hashByKeyID[key.id] = key.secretHash
            }
            state.changeSequence = max(state.changeSequence, changeSequence)
        }
    }

    /// The newest store change already applied; the refresher asks the store for later ones.
    public var changeSequence: Int64 {
        self.state.withLock { $0.changeSequence }
    }

    public var count: Int {
        self.state.withLock { $0.principals.count }
    }
}
