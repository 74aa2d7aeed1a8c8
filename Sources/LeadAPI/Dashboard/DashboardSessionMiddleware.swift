import Hummingbird
import LeadEngine

/// In front of every page but sign-in: the session cookie must name a live session, or the
/// browser is sent to sign in. The page then acts as the session's admin key, for its tenant only.
struct DashboardSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: DashboardSessions
    let pages: OperatorPages
    let page: DashboardPage

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[DashboardCookies.session]?.value, let signedIn = try await self.sessions.session(token: token) else {
            return DashboardPage.redirect(to: DashboardPage.signInPath)
        }
        var context = context
        context.dashboardSession = signedIn.session
        context.principal = signedIn.principal
        do {
            return try await next(request, context)
        } catch {
            // Signed in, an error page keeps the header: the way back and sign-out.
            let problem = Problem.from(error, logger: context.logger)
            let name = try? await self.pages.tenantName(tenantID: signedIn.session.tenantID)
            return self.page.error(problem, session: signedIn.session, tenantName: name)
        }
    }
}

extension Request {
    /// A dashboard form's fields, once its `csrf_token` is the session's own; 403 otherwise, so a
    /// page of another site cannot post a form in the operator's name.
    mutating func dashboardForm(context: AppRequestContext) async throws -> [(name: String, value: String)] {
        let fields = FormBody.parse(try await self.collectBody(upTo: context.maxUploadSize).readableBytesView)
        guard let session = context.dashboardSession, let token = fields.first(where: { $0.name == "csrf_token" })?.value,
            DashboardCookies.same(token, session.formToken)
        else {
            throw Problem.forbidden("The form's csrf_token is missing or is not this session's: reload the page and try again.")
        }
        return fields
    }
}
