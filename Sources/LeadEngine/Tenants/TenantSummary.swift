/// A tenant as `ezleeds tenant list` shows it: who it is and how many live keys of each role it has.
public struct TenantSummary: Sendable, Equatable {
    public var tenant: Tenant
    /// Unrevoked keys by role; a role without keys is absent.
    public var activeKeys: [KeyRole: Int]

    public init(tenant: Tenant, activeKeys: [KeyRole: Int]) {
        self.tenant = tenant
        self.activeKeys = activeKeys
    }
}
