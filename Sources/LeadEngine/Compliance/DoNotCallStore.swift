/// Durable storage of the federal and state do-not-call lists (`federal`, `state:NV`) and of each
/// tenant's internal list.
public protocol DoNotCallStore: InternalDoNotCallStore {
    /// The stored list, or nil when it was never imported.
    func list(named name: String) async throws -> DoNotCallList?
    /// Writes the list's numbers for `areaCodes` (every area code when nil) and bumps its version,
    /// in one transaction.
    func save(_ list: DoNotCallList, named name: String, areaCodes: Set<Int>?, nowMilliseconds: Int64) async throws
    /// Each imported list's version, so a running server reloads only what changed.
    func versions() async throws -> [String: Int64]
    /// Adds and removes numbers (10-digit) of a tenant's internal list; returns how many rows changed each way.
    func changeInternal(
        tenantID: String, additions: [UInt64], deletions: [UInt64], source: String, nowMilliseconds: Int64
    ) async throws -> (added: Int, removed: Int)
}

/// Where an imported list goes.
public enum DoNotCallListTarget: Sendable, Equatable {
    case federal
    case state(String)
    case internalList(tenantID: String)

    /// `federal`, `state:XX` or `internal` (with a tenant).
    public static func parse(_ text: String, tenantID: String?) -> DoNotCallListTarget? {
        if text == "federal" { return .federal }
        if text == "internal" { return tenantID.map { .internalList(tenantID: $0) } }
        if text.hasPrefix("state:") {
            let code = String(text.dropFirst(6)).uppercased()
            return USState.isValid(code) ? .state(code) : nil
        }
        return nil
    }

    /// The federal or state list a stored name names.
    public init?(storedName: String) {
        if storedName == "federal" {
            self = .federal
        } else if storedName.hasPrefix("state:") {
            self = .state(String(storedName.dropFirst(6)))
        } else {
            return nil
        }
    }

    /// The stored name of a federal or state list.
    public var storedName: String? {
        switch self {
        case .federal: "federal"
        case .state(let code): "state:\(code)"
        case .internalList: nil
        }
    }
}

/// What an import did.
public struct DoNotCallImportReport: Sendable {
    public var list: String
    public var changes: Bool
    public var parse: DoNotCallFileParser.Report
    /// For an internal list: rows added and removed.
    public var added: Int?
    public var removed: Int?
    /// For a federal or state list: its size before and after.
    public var countBefore: Int?
    public var countAfter: Int?
}

/// Imports FTC files into a stored list: a full list replaces it, a change list adds and deletes.
/// Importing the same file twice leaves the same list.
public struct DoNotCallImport: Sendable {
    let store: any DoNotCallStore
    let clock: any EngineClock

    public init(store: any DoNotCallStore, clock: any EngineClock) {
        self.store = store
        self.clock = clock
    }

    /// Replaces a federal or state list with one built while its file streamed (a full list never
    /// has to exist as an array of every number: 2 GB for the federal registry).
    public func replace(_ target: DoNotCallListTarget, with list: DoNotCallList, parse: DoNotCallFileParser.Report) async throws -> DoNotCallImportReport {
        guard let name = target.storedName else { throw ValidationError(field: "list", message: "an internal list is changed, not replaced") }
        let current = try await self.store.list(named: name) ?? .empty
        try await self.store.save(list, named: name, areaCodes: nil, nowMilliseconds: self.clock.nowMilliseconds())
        return DoNotCallImportReport(list: name, changes: false, parse: parse, countBefore: current.count, countAfter: list.count)
    }

    public func apply(_ parsed: inout DoNotCallFileParser, to target: DoNotCallListTarget, changes: Bool) async throws -> DoNotCallImportReport {
        let report = parsed.report
        let numbers = parsed.takeNumbers()
        let now = self.clock.nowMilliseconds()
        switch target {
        case .internalList(let tenantID):
            let result = try await self.store.changeInternal(
                tenantID: tenantID, additions: numbers.additions, deletions: numbers.deletions, source: "import", nowMilliseconds: now
            )
            return DoNotCallImportReport(list: "internal", changes: changes, parse: report, added: result.added, removed: result.removed)
        case .federal, .state:
            let name = target.storedName ?? ""
            let current = try await self.store.list(named: name) ?? .empty
            let next: DoNotCallList
            var touched: Set<Int>?
            if changes {
                next = current.applying(additions: numbers.additions, deletions: numbers.deletions)
                touched = Set((numbers.additions + numbers.deletions).map { Int($0 / 10_000_000) })
            } else {
                next = DoNotCallList.build(numbers.additions)
            }
            try await self.store.save(next, named: name, areaCodes: touched, nowMilliseconds: now)
            return DoNotCallImportReport(list: name, changes: changes, parse: report, countBefore: current.count, countAfter: next.count)
        }
    }
}
