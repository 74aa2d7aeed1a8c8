/// Why a URL a tenant gave may not be called. Raised at create and update (a 422 naming the field)
/// and again at every connect (the attempt fails as `target_not_allowed`).
public struct TargetRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        /// Not a URL this engine can call: bad syntax, a port outside 1–65535, an odd host.
        case invalidURL = "invalid_url"
        case schemeNotAllowed = "scheme_not_allowed"
        case userinfoNotAllowed = "userinfo_not_allowed"
        case portNotAllowed = "port_not_allowed"
        /// The host is, or resolves to, an address in a range tenants may not reach.
        case addressNotAllowed = "address_not_allowed"
    }

    public var reason: Reason
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(self.reason.rawValue): \(self.detail)" }
}
