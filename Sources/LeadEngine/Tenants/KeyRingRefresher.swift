/// Brings the in-memory key ring up to date with the store, so that a key created or revoked by
/// another process (the CLI) takes effect in a running server.
public struct KeyRingRefresher: Sendable {
    let repository: any TenantRepository
    let keyRing: KeyRing

    public init(repository: any TenantRepository, keyRing: KeyRing) {
        self.repository = repository
        self.keyRing = keyRing
    }

    /// Applies every change since the last refresh; returns how many keys changed.
    @discardableResult
    public func refresh() async throws -> Int {
        let changes = try await self.repository.keysChanged(after: self.keyRing.changeSequence)
        if !changes.keys.isEmpty || changes.sequence > self.keyRing.changeSequence {
            self.keyRing.apply(changes.keys, changeSequence: changes.sequence)
        }
        return changes.keys.count
    }

    /// Reads every key again: after notices of changes may have been lost, a sequence number
    /// alone could skip a change another node committed late with a lower one.
    @discardableResult
    public func reloadAll() async throws -> Int {
        let all = try await self.repository.keysChanged(after: 0)
        self.keyRing.apply(all.keys, changeSequence: all.sequence)
        return all.keys.count
    }
}
