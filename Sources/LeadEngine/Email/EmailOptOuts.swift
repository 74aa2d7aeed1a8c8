/// A tenant's email opt-outs (CAN-SPAM: honoured within 10 business days; here at once).
public protocol EmailOptOutStore: Sendable {
    func isOptedOut(email: String, tenantID: String) async throws -> Bool
    /// Records the opt-out and ends the lead's active enrollments with `opted_out`, in one transaction;
    /// returns whether the address was new to the list and how many enrollments ended.
    func optOut(email: String, tenantID: String, leadID: String, source: String, nowMilliseconds: Int64) async throws -> (recorded: Bool, enrollmentsEnded: Int)
}

/// A one-click unsubscribe (RFC 8058) or the confirm page's button: the address stops receiving the
/// tenant's email and the lead's sequences end.
public struct EmailUnsubscribe: Sendable {
    let store: any EmailOptOutStore
    let tokens: UnsubscribeTokens
    let clock: any EngineClock

    public init(store: any EmailOptOutStore, tokens: UnsubscribeTokens, clock: any EngineClock) {
        self.store = store
        self.tokens = tokens
        self.clock = clock
    }

    /// The token's subject when it is ours; nil for a forged or damaged token.
    public func subject(of token: String) -> UnsubscribeToken? { self.tokens.read(token) }

    /// Unsubscribes the token's address; repeating it changes nothing. Nil for a token that is not ours.
    public func unsubscribe(token: String) async throws -> UnsubscribeToken? {
        guard let subject = self.tokens.read(token) else { return nil }
        _ = try await self.store.optOut(
            email: subject.email.lowercased(), tenantID: subject.tenantID, leadID: subject.leadID, source: "one_click", nowMilliseconds: self.clock.nowMilliseconds()
        )
        return subject
    }
}
