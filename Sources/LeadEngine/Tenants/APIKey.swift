import Crypto
import Foundation

/// A stored API key. The secret itself is never kept: only its SHA-256.
public struct APIKey: Sendable, Equatable {
    public static let defaultRateLimitPerMinute = 100
    /// High enough that a load test is never throttled by its own key (about 1.7 million a second).
    public static let maxRateLimitPerMinute = 100_000_000

    public var id: String
    public var tenantID: String
    public var role: KeyRole
    /// Lowercase hex SHA-256 of the secret.
    public var secretHash: String
    /// The first characters of the secret, enough to tell keys apart in a listing.
    public var displayPrefix: String
    public var rateLimitPerMinute: Int
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String, tenantID: String, role: KeyRole, secretHash: String, displayPrefix: String,
        rateLimitPerMinute: Int, createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.role = role
        self.secretHash = secretHash
        self.displayPrefix = displayPrefix
        self.rateLimitPerMinute = rateLimitPerMinute
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { self.revokedAt != nil }
}

/// A freshly minted secret. It exists in memory once, to be shown to the operator.
public struct KeySecret: Sendable {
    /// 192 random bits; well above the 128 the design asks for.
    static let randomByteCount = 24

    public let value: String

    public init(role: KeyRole) {
        var generator = SystemRandomNumberGenerator()
        self.value = role.secretPrefix + Hex.randomString(byteCount: Self.randomByteCount, using: &generator)
    }

    public var hash: String { Self.hash(self.value) }

    /// The prefix plus four characters of the random part: recognisable, useless to an attacker.
    public var displayPrefix: String { String(self.value.prefix(self.value.count - Self.randomByteCount * 2 + 4)) }

    /// SHA-256 suffices for high-entropy random secrets; a slow hash would only slow every request.
    public static func hash(_ presented: String) -> String {
        Hex.encode(SHA256.hash(data: Array(presented.utf8)))
    }
}
