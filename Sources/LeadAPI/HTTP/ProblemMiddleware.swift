import HTTPTypes
import Hummingbird

/// Outermost error boundary: whatever a route or middleware throws leaves as problem+json, and
/// every answer carries the request id.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = await Problem.answering(request, context: context, next: next)
        response.headers[.requestID] = context.id
        return response
    }
}

extension Problem {
    /// The response of `next`, or the problem for whatever it threw: the one place errors become answers.
    static func answering(
        _ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response
    ) async -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Problem.from(error, logger: context.logger).response(requestID: context.id)
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
    static let rateLimitLimit = Self("X-RateLimit-Limit")!
    static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
    static let rateLimitReset = Self("X-RateLimit-Reset")!
    static let rateLimitPolicy = Self("RateLimit-Policy")!
    static let rateLimit = Self("RateLimit")!
    static let apiKey = Self("X-API-Key")!
    static let complianceAPIKey = Self("X-Compliance-API-Key")!
}
