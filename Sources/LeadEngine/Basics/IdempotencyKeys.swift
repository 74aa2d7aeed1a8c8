import Crypto

/// A request made under an `Idempotency-Key`: its scope (tenant and endpoint), the key, and a
/// fingerprint of its body so a different request reusing the key is caught.
public struct IdempotentRequest: Sendable, Equatable {
    public var tenantID: String
    public var endpoint: String
    public var key: String
    public var fingerprint: String

    public init(tenantID: String, endpoint: String, key: String, body: some Sequence<UInt8>) {
        self.tenantID = tenantID
        self.endpoint = endpoint
        self.key = key
        self.fingerprint = Hex.encode(SHA256.hash(data: Array(body)))
    }

    /// Keys are 1–255 visible ASCII characters (Stripe's limit); anything else is a 400.
    public static func isValidKey(_ key: String) -> Bool {
        (1...255).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// What the store says about a key when a request arrives with it.
public enum IdempotencyClaim: Sendable, Equatable {
    /// First use (or an abandoned one): run the request, then `complete` or `abandon` it.
    case proceed
    /// The same request ran before: answer exactly what it answered.
    case replay(status: Int, body: [UInt8])
    /// The key was used with another body.
    case mismatch
    /// The first request with this key is still running.
    case inProgress
}

/// Storage of idempotency keys: a key is claimed before the request runs and completed with its
/// answer after, so a retry replays it and a concurrent retry is refused.
public protocol IdempotencyRepository: Sendable {
    /// Claims the key for this request. A claim older than `staleAfterMilliseconds` that never
    /// completed (its process died) may be taken over.
    func claim(_ request: IdempotentRequest, nowMilliseconds: Int64, staleAfterMilliseconds: Int64) async throws -> IdempotencyClaim
    func complete(_ request: IdempotentRequest, status: Int, body: [UInt8]) async throws
    /// Releases a claim whose request failed before it changed anything, so a retry runs it afresh.
    func abandon(_ request: IdempotentRequest) async throws
    /// Forgets keys older than `beforeMilliseconds`.
    func prune(beforeMilliseconds: Int64) async throws -> Int
}
