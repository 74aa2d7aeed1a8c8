import Foundation
import Hummingbird
import LeadEngine

/// `/dashboard/`: the operator's pages, server-rendered HTML behind a session cookie. Sign in with
/// an admin key; every page shows only the signed-in tenant's figures.
struct DashboardRoutes {
    let sessions: DashboardSessions
    let pages: OperatorPages
    let clock: any EngineClock
    let publicBaseURL: String?
    let page = DashboardPage()

    func addRoutes(to group: RouterGroup<AppRequestContext>, signInLimit: some RouterMiddleware<AppRequestContext>) {
        let dashboard = group.add(middleware: DashboardHeadersMiddleware())
        dashboard.get("assets/dashboard.css", use: self.stylesheet)
        dashboard.get("sign-in", use: self.signInPage)
        // Each attempt spends the address's key-less allowance: a key cannot be guessed here.
        dashboard.group("sign-in").add(middleware: signInLimit).post(use: self.signIn)
        let signedIn = dashboard.add(middleware: DashboardSessionMiddleware(sessions: self.sessions))
        signedIn.get(use: self.overview)
        signedIn.post("sign-out", use: self.signOut)
    }

    @Sendable func stylesheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: DashboardStyle.css))
        )
    }

    @Sendable func signInPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let token = request.cookies[DashboardCookies.session]?.value, try await self.sessions.session(token: token) != nil {
            return DashboardPage.redirect(to: DashboardPage.homePath)
        }
        return self.signInForm(request, error: nil, status: .ok)
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let fields = FormBody.parse(try await request.collectBody(upTo: context.maxUploadSize).readableBytesView)
        func field(_ name: String) -> String { fields.first { $0.name == name }?.value ?? "" }
        guard let expected = request.cookies[DashboardCookies.signIn]?.value, DashboardCookies.same(field("csrf_token"), expected) else {
            throw Problem.forbidden("The sign-in form's csrf_token is missing or does not match its cookie: load the sign-in page again.")
        }
        guard let opened = try await self.sessions.signIn(secret: field("api_key")) else {
            return self.signInForm(request, error: "That key cannot sign in here: use an admin key (ezl_admin_…) of your account.", status: .unauthorized)
        }
        let secure = DashboardCookies.isSecure(request, publicBaseURL: self.publicBaseURL)
        var response = DashboardPage.redirect(to: DashboardPage.homePath)
        response.setCookie(DashboardCookies.session(opened.token, secure: secure))
        response.setCookie(DashboardCookies.expired(DashboardCookies.signIn, path: DashboardPage.signInPath, secure: secure))
        return response
    }

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        _ = try await request.dashboardForm(context: context)
        if let token = request.cookies[DashboardCookies.session]?.value { try await self.sessions.signOut(token: token) }
        var response = DashboardPage.redirect(to: DashboardPage.signInPath)
        response.setCookie(
            DashboardCookies.expired(DashboardCookies.session, path: "/dashboard", secure: DashboardCookies.isSecure(request, publicBaseURL: self.publicBaseURL))
        )
        return response
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let overview = try await self.pages.overview(tenantID: principal.tenantID, period: period)
        let dashboard = overview.dashboard
        let current = BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        let figures = OverviewFigures.rows(dashboard)
        let values: [String: Any] = [
            "period": dashboard.period.description,
            "previousPeriod": dashboard.period.previous.description,
            "nextPeriod": dashboard.period < current ? dashboard.period.next.description : false,
            "figures": figures.map { ["name": $0.name, "label": $0.label, "value": $0.value, "shown": $0.shown] },
            "funnelChart": BarChart.svg(overview.funnel.map { ($0.stage, $0.count) }, title: "Lead funnel of \(dashboard.period)"),
        ]
        return self.page.render(
            "overview", title: "Overview \(dashboard.period)", values: values, session: context.dashboardSession, tenantName: overview.tenantName,
            current: "overview"
        )
    }

    /// The sign-in form with a fresh CSRF token, set in its cookie too.
    private func signInForm(_ request: Request, error: String?, status: HTTPResponse.Status) -> Response {
        let token = DashboardCookies.randomToken()
        var values: [String: Any] = ["csrfToken": token]
        if let error { values["error"] = error }
        var response = self.page.render("sign-in", title: "Sign in", values: values, status: status)
        response.setCookie(DashboardCookies.signIn(token, secure: DashboardCookies.isSecure(request, publicBaseURL: self.publicBaseURL)))
        return response
    }
}
