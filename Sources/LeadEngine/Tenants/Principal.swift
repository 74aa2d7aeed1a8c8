/// Who is calling: the key, its tenant and its role. Every query is scoped by `tenantID`.
public struct Principal: Sendable, Equatable, Hashable {
    public var keyID: String
    public var tenantID: String
    public var role: KeyRole
    public var rateLimitPerMinute: Int

    public init(keyID: String, tenantID: String, role: KeyRole, rateLimitPerMinute: Int) {
        self.keyID = keyID
        self.tenantID = tenantID
        self.role = role
        self.rateLimitPerMinute = rateLimitPerMinute
    }
}
