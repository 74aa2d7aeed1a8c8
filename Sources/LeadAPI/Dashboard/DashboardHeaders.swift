import Hummingbird

/// Headers every dashboard answer carries, errors included (as HTML pages): a Content-Security-Policy that
/// allows only the dashboard's own stylesheet and script (no inline script, no other origin,
/// no framing), and no caching of pages that show an account's figures.
struct DashboardHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let page: DashboardPage

    static let contentSecurityPolicy = [
        "default-src 'none'", "style-src 'self'", "script-src 'self'", "img-src 'self'", "connect-src 'self'", "form-action 'self'",
        "frame-ancestors 'none'", "base-uri 'none'",
    ].joined(separator: "; ")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // A person reads these answers: an error is a page, with the problem's status.
            response = self.page.error(Problem.from(error, logger: context.logger), session: nil)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
