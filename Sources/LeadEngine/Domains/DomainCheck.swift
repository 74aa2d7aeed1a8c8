/// What one record's DNS check found, as `GET /domains/{id}` shows it.
public struct DomainCheck: Sendable, Equatable, Codable {
    public enum Record: String, Sendable, Equatable, Codable, CaseIterable {
        case spf, dkim, dmarc
    }

    public enum Outcome: String, Sendable, Equatable, Codable, CaseIterable {
        case pass
        case fail
        /// The resolver gave no answer; nothing is concluded from it.
        case dnsUnavailable = "dns_unavailable"
    }

    public var record: Record
    /// The name looked up last (for DMARC, the organizational domain's when it fell back there).
    public var name: String
    public var outcome: Outcome
    /// The relevant TXT records found there.
    public var found: [String]
    /// Why it fails, or what the resolver said; nil on a pass.
    public var reason: String?

    public init(record: Record, name: String, outcome: Outcome, found: [String] = [], reason: String? = nil) {
        self.record = record
        self.name = name
        self.outcome = outcome
        self.found = found
        self.reason = reason
    }

    static func unavailable(_ record: Record, name: String, reason: String) -> DomainCheck {
        DomainCheck(record: record, name: name, outcome: .dnsUnavailable, reason: "dns_unavailable: \(reason)")
    }
}
