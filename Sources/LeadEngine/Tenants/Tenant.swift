import Foundation

/// An account: every buyer, campaign, ping and lead belongs to exactly one tenant.
public struct Tenant: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}
