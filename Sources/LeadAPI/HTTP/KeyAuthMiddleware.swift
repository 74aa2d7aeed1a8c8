import HTTPTypes
import Hummingbird
import LeadEngine
import Logging

/// Authenticates the key in the header a route group names, rate-limits it, checks its role, and
/// stamps every answer it lets through, errors included, with the key's rate-limit headers.
struct KeyAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let header: KeyHeader
    let roles: Set<KeyRole>
    let keyRing: KeyRing
    let rateLimiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let headerName: HTTPField.Name = self.header == .apiKey ? .apiKey : .complianceAPIKey
        guard let secret = request.headers[headerName], let principal = self.keyRing.authenticate(secret: secret) else {
            throw Problem.unauthorized()
        }
        let decision = self.rateLimiter.check(
            key: principal.keyID, policy: RateLimitPolicy(limitPerMinute: principal.rateLimitPerMinute)
        )
        var response: Response
        if !decision.allowed {
            response = Problem.rateLimited(decision).response(requestID: context.id)
        } else if !self.roles.contains(principal.role) {
            let allowed = self.roles.map(\.rawValue).sorted().joined(separator: " or ")
            response = Problem.forbidden("This endpoint takes a \(allowed) key in \(self.header.rawValue); this key has role \(principal.role.rawValue).")
                .response(requestID: context.id)
        } else {
            var context = context
            context.principal = principal
            context.logger[metadataKey: "key_id"] = .string(principal.keyID)
            response = await Problem.answering(request, context: context, next: next)
        }
        decision.apply(to: &response.headers)
        return response
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
        decision.apply(to: &response.headers)
        return response
    }
}
