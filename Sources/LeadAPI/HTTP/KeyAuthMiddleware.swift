import HTTPTypes
import Hummingbird
import LeadEngine
import Logging

/// The key check both lanes run (the Hummingbird routes and the event-loop fast lane): authenticate
/// the key in the header a route group names, rate-limit it, check its role.
struct KeyGate: Sendable {
    enum Verdict {
        case admitted(Principal, RateLimitDecision)
        /// `decision` is nil when no key was recognised, so nothing was counted.
        case refused(Problem, RateLimitDecision?)
    }

    let header: KeyHeader
    let roles: Set<KeyRole>
    let keyRing: KeyRing
    let rateLimiter: RateLimiter
    /// Requests with a missing, unknown or revoked key, counted per client address: past it they
    /// are 429s, so guessing keys (or a client stuck on a revoked one) costs little. Known keys are
    /// never held back by another's failures.
    let failurePolicy: RateLimitPolicy

    init(header: KeyHeader, roles: Set<KeyRole>, keyRing: KeyRing, rateLimiter: RateLimiter, failurePolicy: RateLimitPolicy) {
        self.header = header
        self.roles = roles
        self.keyRing = keyRing
        self.rateLimiter = rateLimiter
        self.failurePolicy = failurePolicy
    }

    var headerName: HTTPField.Name { self.header == .apiKey ? .apiKey : .complianceAPIKey }

    /// The caller behind the secret, without counting the request; nil for a missing, unknown or revoked key.
    func identify(_ secret: String?) -> Principal? {
        secret.flatMap { self.keyRing.authenticate(secret: $0) }
    }

    func check(_ secret: String?, clientAddress: String) -> Verdict {
        self.check(principal: self.identify(secret), clientAddress: clientAddress)
    }

    /// The check for a caller already identified (or not) by `identify`.
    func check(principal: Principal?, clientAddress: String) -> Verdict {
        guard let principal else {
            let failures = self.rateLimiter.check(key: "auth-failure:" + clientAddress, policy: self.failurePolicy)
            return failures.allowed ? .refused(.unauthorized(), nil) : .refused(.rateLimited(failures), failures)
        }
        let decision = self.rateLimiter.check(key: principal.keyID, policy: RateLimitPolicy(limitPerMinute: principal.rateLimitPerMinute))
        if !decision.allowed { return .refused(.rateLimited(decision), decision) }
        guard self.roles.contains(principal.role) else {
            let allowed = self.roles.map(\.rawValue).sorted().joined(separator: " or ")
            let detail = "This endpoint takes a \(allowed) key in \(self.header.rawValue); this key has role \(principal.role.rawValue)."
            return .refused(.forbidden(detail), decision)
        }
        return .admitted(principal, decision)
    }
}

/// Runs the key gate for a route group and stamps every answer it lets through, errors included,
/// with the key's rate-limit headers.
struct KeyAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let gate: KeyGate

    init(header: KeyHeader, roles: Set<KeyRole>, keyRing: KeyRing, rateLimiter: RateLimiter, failurePolicy: RateLimitPolicy) {
        self.gate = KeyGate(header: header, roles: roles, keyRing: keyRing, rateLimiter: rateLimiter, failurePolicy: failurePolicy)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch self.gate.check(request.headers[self.gate.headerName], clientAddress: context.remoteAddress?.ipAddress ?? "unknown") {
        case .refused(let problem, let decision):
            var response = problem.response(requestID: context.id)
            decision?.apply(to: &response.headers)
            return response
        case .admitted(let principal, let decision):
            var context = context
            context.principal = principal
            context.logger[metadataKey: "key_id"] = .string(principal.keyID)
            var response = await Problem.answering(request, context: context, next: next)
            decision.apply(to: &response.headers)
            return response
        }
    }
}

/// Rate-limits the key-less endpoints per client address, with the same headers as keyed ones.
struct ClientAddressRateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let policy: RateLimitPolicy
    let rateLimiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let decision = self.rateLimiter.check(key: "address:" + address, policy: self.policy)
        var response: Response
        if decision.allowed {
            response = await Problem.answering(request, context: context, next: next)
        } else {
            response = Problem.rateLimited(decision).response(requestID: context.id)
        }
        // A handler that refused under a narrower limit of its own (the webhook tester's per
        // destination host) already said which: its headers stand.
        if decision.allowed, response.status == .tooManyRequests, response.headers[.rateLimitLimit] != nil { return response }
        decision.apply(to: &response.headers)
        return response
    }
}
