/// Checks a URL a tenant is saving against the outbound target policy, resolving its host where
/// the policy needs the addresses. The same check runs again at every connect, so this one only
/// spares a tenant a URL that could never be called.
public protocol TargetVetting: Sendable {
    /// Nil when the URL may be saved.
    func vet(_ url: OutboundURL) async -> TargetRefusal?
}

extension TargetVetting {
    /// The refusals of the URLs a request sets, as field errors; URLs that do not parse are left to
    /// the field rules, which report them already.
    public func fieldErrors(_ urls: [(field: String, url: String?)]) async -> [FieldError] {
        var errors: [FieldError] = []
        for (field, text) in urls {
            guard let text, case .success(let url) = OutboundURL.parse(text), let refusal = await self.vet(url) else { continue }
            errors.append(FieldError(field: field, refusal: refusal))
        }
        return errors
    }
}

/// The policy's checks that need no look-up: the port, and a host that is an address. Names are
/// not resolved; for stores and tests without a resolver.
public struct LiteralTargetVetting: TargetVetting {
    public let policy: OutboundTargetPolicy

    public init(policy: OutboundTargetPolicy) {
        self.policy = policy
    }

    public func vet(_ url: OutboundURL) async -> TargetRefusal? { self.policy.check(url) }
}
