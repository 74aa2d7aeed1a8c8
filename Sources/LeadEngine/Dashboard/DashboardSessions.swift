/// Sign-in, sign-out and the session behind every dashboard page.
///
/// Only a tenant's admin key signs in: the dashboard shows everything the account holds. A
/// session ends 30 minutes after its last page view, 12 hours after sign-in whatever its use,
/// at sign-out, and as soon as its key is revoked.
public struct DashboardSessions: Sendable {
    public static let idleMilliseconds: Int64 = 30 * 60_000
    public static let lifetimeMilliseconds: Int64 = 12 * 3_600_000
    /// Moving the expiry on every page view would make every read a write; once a minute keeps
    /// the idle timeout within a minute of exact.
    static let touchEveryMilliseconds: Int64 = 60_000
    /// 256 random bits a cookie; 128 for a form token.
    static let tokenByteCount = 32
    static let formTokenByteCount = 16

    /// A session just opened, with the token its cookie carries (shown to the browser only).
    public struct Opened: Sendable {
        public var token: String
        public var session: DashboardSession
    }

    /// A live session and the key it acts with.
    public struct SignedIn: Sendable {
        public var session: DashboardSession
        public var principal: Principal
    }

    let repository: any DashboardSessionRepository
    let keyRing: KeyRing
    let clock: any EngineClock

    public init(repository: any DashboardSessionRepository, keyRing: KeyRing, clock: any EngineClock) {
        self.repository = repository
        self.keyRing = keyRing
        self.clock = clock
    }

    /// Exchanges an admin key for a new session; nil for any other secret (unknown, revoked, or
    /// a key of another role), which the sign-in page answers alike.
    public func signIn(secret: String) async throws -> Opened? {
        guard let principal = self.keyRing.authenticate(secret: secret.trimmingWhitespace()), principal.role == .admin else { return nil }
        let now = self.clock.nowMilliseconds()
        // Sessions nobody signed out of go here, rather than in a service of their own.
        _ = try await self.repository.deleteExpired(before: now)
        var generator = SystemRandomNumberGenerator()
        let token = Hex.randomString(byteCount: Self.tokenByteCount, using: &generator)
        let session = DashboardSession(
            tokenHash: KeySecret.hash(token), tenantID: principal.tenantID, keyID: principal.keyID,
            formToken: Hex.randomString(byteCount: Self.formTokenByteCount, using: &generator), createdAtMilliseconds: now,
            lastSeenAtMilliseconds: now, expiresAtMilliseconds: now + Self.idleMilliseconds
        )
        try await self.repository.insert(session)
        return Opened(token: token, session: session)
    }

    /// The live session a cookie's token names, its expiry moved on; nil when there is none, it
    /// expired (then it is deleted), or its key was revoked.
    public func session(token: String) async throws -> SignedIn? {
        guard token.utf8.count == Self.tokenByteCount * 2 else { return nil }
        let tokenHash = KeySecret.hash(token)
        guard var session = try await self.repository.session(tokenHash: tokenHash) else { return nil }
        let now = self.clock.nowMilliseconds()
        guard now < session.expiresAtMilliseconds else {
            try await self.repository.delete(tokenHash: tokenHash)
            return nil
        }
        // A key this node's ring lacks is revoked, or so new that the ring has not heard of it
        // yet (a second on several nodes): refused either way, but only expiry deletes the session.
        guard let principal = self.keyRing.principal(keyID: session.keyID), principal.tenantID == session.tenantID, principal.role == .admin
        else { return nil }
        if now - session.lastSeenAtMilliseconds >= Self.touchEveryMilliseconds {
            session.lastSeenAtMilliseconds = now
            session.expiresAtMilliseconds = min(session.createdAtMilliseconds + Self.lifetimeMilliseconds, now + Self.idleMilliseconds)
            guard
                try await self.repository.touch(
                    tokenHash: tokenHash, lastSeenAtMilliseconds: now, expiresAtMilliseconds: session.expiresAtMilliseconds
                )
            else { return nil }
        }
        return SignedIn(session: session, principal: principal)
    }

    public func signOut(token: String) async throws {
        guard token.utf8.count == Self.tokenByteCount * 2 else { return }
        try await self.repository.delete(tokenHash: KeySecret.hash(token))
    }
}
