import Synchronization

/// How many buyers may buy one shared lead, per tenant (default 3). An exclusive sale is always one.
public final class SharedSaleLimits: Sendable {
    public static let defaultMaxSharedBuyers = 3
    public static let allowedRange = 1...10

    private let limits = Mutex<[String: Int]>([:])

    public init() {}

    public func maxSharedBuyers(tenantID: String) -> Int {
        self.limits.withLock { $0[tenantID] ?? Self.defaultMaxSharedBuyers }
    }

    public func set(tenantID: String, maxSharedBuyers: Int) {
        self.limits.withLock { $0[tenantID] = maxSharedBuyers }
    }
}
