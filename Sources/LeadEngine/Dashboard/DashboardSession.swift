/// An operator signed in to the dashboard: a tenant's admin key exchanged for a session cookie.
///
/// The cookie's token is never stored, only its SHA-256, as keys' secrets are: a copy of the
/// store opens no session. Sessions live in the store, so any node serves any signed-in operator.
public struct DashboardSession: Sendable, Equatable {
    /// Lowercase hex SHA-256 of the cookie's token.
    public var tokenHash: String
    public var tenantID: String
    /// The admin key signed in with; revoking it ends the session.
    public var keyID: String
    /// The token every form of this session must carry back (the CSRF check).
    public var formToken: String
    public var createdAtMilliseconds: Int64
    public var lastSeenAtMilliseconds: Int64
    public var expiresAtMilliseconds: Int64

    public init(
        tokenHash: String, tenantID: String, keyID: String, formToken: String, createdAtMilliseconds: Int64, lastSeenAtMilliseconds: Int64,
        expiresAtMilliseconds: Int64
    ) {
        self.tokenHash = tokenHash
        self.tenantID = tenantID
        self.keyID = keyID
        self.formToken = formToken
        self.createdAtMilliseconds = createdAtMilliseconds
        self.lastSeenAtMilliseconds = lastSeenAtMilliseconds
        self.expiresAtMilliseconds = expiresAtMilliseconds
    }
}

/// Storage of dashboard sessions.
public protocol DashboardSessionRepository: Sendable {
    func insert(_ session: DashboardSession) async throws
    func session(tokenHash: String) async throws -> DashboardSession?
    /// Moves a session's last use and expiry forward; false when it is gone.
    func touch(tokenHash: String, lastSeenAtMilliseconds: Int64, expiresAtMilliseconds: Int64) async throws -> Bool
    func delete(tokenHash: String) async throws
    /// Deletes sessions that expired before `milliseconds`; returns how many.
    func deleteExpired(before milliseconds: Int64) async throws -> Int
}
