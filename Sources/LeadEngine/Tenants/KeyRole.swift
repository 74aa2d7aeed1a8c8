/// What a key may do. `standard` and `admin` keys travel in `X-API-Key`, `compliance` keys in
/// `X-Compliance-API-Key`.
public enum KeyRole: String, CaseIterable, Sendable, Hashable {
    case standard
    case admin
    case compliance

    /// The readable prefix of a secret, so a leaked key is recognisable by eye and by scanners.
    public var secretPrefix: String {
        switch self {
        case .standard: "ezl_live_"
        case .admin: "ezl_admin_"
        case .compliance: "ezl_cmpl_"
        }
    }

    public var header: KeyHeader {
        switch self {
        case .standard, .admin: .apiKey
        case .compliance: .complianceKey
        }
    }
}

/// The request header a key is presented in.
public enum KeyHeader: String, Sendable {
    case apiKey = "X-API-Key"
    case complianceKey = "X-Compliance-API-Key"
}
