/// What a DNS look-up of a name's TXT records found. The verifier tells a definitive answer (the
/// records, none, no such name) from a resolver that could not answer, which changes nothing.
public enum TXTLookup: Sendable, Equatable {
    /// The TXT records at the name, after any CNAME chain; each record's strings joined in order.
    case records([String])
    /// The name exists but holds no TXT record (NOERROR, no data).
    case noRecords
    /// No such name (NXDOMAIN).
    case nonexistent
    /// No usable answer: timeout, SERVFAIL, REFUSED, a malformed answer, no network.
    case unavailable(reason: String)
}

/// Looks up TXT records; `LeadOutbound`'s DNS client in the server, a table in tests.
public protocol TXTResolver: Sendable {
    func txtRecords(at name: String) async -> TXTLookup
}
