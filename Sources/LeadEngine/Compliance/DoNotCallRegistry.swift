import Synchronization

/// The tenant's internal do-not-call list, as the store keeps it.
public protocol InternalDoNotCallStore: Sendable {
    func isOnInternalDoNotCall(tenantID: String, phone: String) async throws -> Bool
}

/// The do-not-call lists a look-up consults: the federal registry and the states' own lists, held
/// compactly in memory (swapped whole when an import finishes, so look-ups never wait for one),
/// and each tenant's internal list from the store.
public final class DoNotCallRegistry: DoNotCallLookup, Sendable {
    struct Lists: Sendable {
        var federal: DoNotCallList?
        var states: [String: DoNotCallList] = [:]
        /// The stored version each list was loaded at.
        var versions: [String: Int64] = [:]
    }

    private let lists = Mutex(Lists())
    private let internalList: any InternalDoNotCallStore
    private let rules: StateRuleBook

    public init(internalList: any InternalDoNotCallStore, rules: StateRuleBook) {
        self.internalList = internalList
        self.rules = rules
    }

    /// Replaces the federal list (nil: not imported).
    public func setFederal(_ list: DoNotCallList?) {
        self.lists.withLock { $0.federal = list }
    }

    /// Replaces a state's own list.
    public func setState(_ code: String, _ list: DoNotCallList?) {
        self.lists.withLock { $0.states[code.uppercased()] = list }
    }

    /// Loads every imported list whose stored version differs from the one held (all at start);
    /// look-ups keep using the old list until the new one is swapped in. Returns the lists reloaded.
    @discardableResult
    public func refresh(from store: any DoNotCallStore) async throws -> [String] {
        let stored = try await store.versions()
        let held = self.lists.withLock { $0.versions }
        var reloaded: [String] = []
        for (name, version) in stored.sorted(by: { $0.key < $1.key }) where held[name] != version {
            guard let list = try await store.list(named: name) else { continue }
            self.lists.withLock { lists in
                switch DoNotCallListTarget(storedName: name) {
                case .federal: lists.federal = list
                case .state(let code): lists.states[code] = list
                case .internalList, nil: break
                }
                lists.versions[name] = version
            }
            reloaded.append(name)
        }
        return reloaded
    }

    public func match(phone: String, state: String, tenantID: String) async throws -> DoNotCallMatch {
        let (federal, stateList) = self.lists.withLock { ($0.federal, $0.states[state.uppercased()]) }
        var notLoaded: [String] = []
        if federal == nil { notLoaded.append("federal") }
        // Only states with a list of their own have one to import; the rest adopt the federal registry.
        if stateList == nil, self.rules.rule(for: state)?.stateDoNotCallList == .ownList { notLoaded.append("\(state.uppercased()) state") }
        return DoNotCallMatch(
            federal: federal?.contains(e164: phone) ?? false,
            state: stateList?.contains(e164: phone) ?? false,
            internalList: try await self.internalList.isOnInternalDoNotCall(tenantID: tenantID, phone: phone),
            listsNotLoaded: notLoaded
        )
    }
}
