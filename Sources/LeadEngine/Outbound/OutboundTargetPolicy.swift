/// Which addresses and ports a URL a tenant or the public supplied may reach. Every connection to
/// such a URL is checked against it, and so is the URL when it is saved: the engine must never
/// become a way into the operator's own network (loopback, private ranges, cloud metadata).
///
/// The rules: http and https only; ports 80 and 443 and those the operator allows; every address
/// a host has outside the ranges below, IPv4 forms embedded in IPv6 addresses judged as the IPv4
/// address they carry. `allowsPrivateTargets` lifts the address and port rules (local development,
/// tests); `allowedRanges` lifts the address rule for chosen ranges (buyers' CRMs on the
/// operator's network), not the port rule.
public struct OutboundTargetPolicy: Sendable, Equatable {
    public var allowsPrivateTargets: Bool
    public var allowedRanges: [AddressRange]
    public var allowedPorts: Set<Int>

    public static let standardPorts: Set<Int> = [80, 443]

    public init(allowsPrivateTargets: Bool = false, allowedRanges: [AddressRange] = [], extraPorts: Set<Int> = []) {
        self.allowsPrivateTargets = allowsPrivateTargets
        self.allowedRanges = allowedRanges
        self.allowedPorts = Self.standardPorts.union(extraPorts)
    }

    /// What can be known without resolving the host: the port, and the host when it is an address.
    public func check(_ url: OutboundURL) -> TargetRefusal? {
        if !self.allowsPrivateTargets, !self.allowedPorts.contains(url.port) {
            let allowed = self.allowedPorts.sorted().map(String.init).joined(separator: ", ")
            return TargetRefusal(.portNotAllowed, "port \(url.port) is not allowed; allowed: \(allowed)")
        }
        if case .address(let address) = url.host { return self.check(address) }
        return nil
    }

    /// The address rule, for a literal host or each address a name resolves to.
    public func check(_ address: IPAddress) -> TargetRefusal? {
        if self.allowsPrivateTargets || self.allowedRanges.contains(where: { $0.contains(address) }) { return nil }
        if let v4 = address.embeddedIPv4 {
            // Judged as the IPv4 address it carries (and allowed when that one is in an allowed range).
            if self.allowedRanges.contains(where: { $0.contains(.v4(v4)) }) { return nil }
            if let blocked = Self.blockedRange(of: .v4(v4)) {
                return TargetRefusal(.addressNotAllowed, "\(address) embeds \(IPAddress.v4(v4)), a \(blocked.kind) address (\(blocked.range))")
            }
        }
        if let blocked = Self.blockedRange(of: address) {
            return TargetRefusal(.addressNotAllowed, "\(address) is a \(blocked.kind) address (\(blocked.range))")
        }
        return nil
    }

    public struct BlockedRange: Sendable {
        public let range: AddressRange
        public let kind: String
    }

    /// The special-purpose ranges of the IANA IPv4 and IPv6 registries that are not globally
    /// reachable unicast, with what each is. Checked in order; the first match names the refusal.
    public static let blockedRanges: [BlockedRange] = [
        ("0.0.0.0/8", "this-network (unspecified)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved or broadcast"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible"),
        ("::ffff:0:0/96", "IPv4-mapped"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignment (Teredo, benchmarking)"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    ].map { BlockedRange(range: AddressRange($0.0)!, kind: $0.1) }

    public static func blockedRange(of address: IPAddress) -> BlockedRange? {
        self.blockedRanges.first { $0.range.contains(address) }
    }
}
