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
    /// The use cases the API's own routes call, for the pages that show what the API shows.
    let leads: LeadDesk
    let consents: ConsentRegistry
    let sequences: SequenceRegistry
    let domains: DomainRegistry
    let page = DashboardPage()

    func addRoutes(to group: RouterGroup<AppRequestContext>, signInLimit: some RouterMiddleware<AppRequestContext>) {
        let dashboard = group.add(middleware: DashboardHeadersMiddleware(page: self.page))
        dashboard.get("assets/dashboard.css") { _, _ in Self.asset(DashboardStyle.css, type: "text/css; charset=utf-8") }
        dashboard.get("assets/live.js") { _, _ in Self.asset(LiveScript.javascript, type: "text/javascript; charset=utf-8") }
        dashboard.get("sign-in", use: self.signInPage)
        // Each attempt spends the address's key-less allowance: a key cannot be guessed here.
        dashboard.group("sign-in").add(middleware: signInLimit).post(use: self.signIn)
        let signedIn = dashboard.add(middleware: DashboardSessionMiddleware(sessions: self.sessions, pages: self.pages, page: self.page))
        signedIn.get(use: self.overview)
        signedIn.get("live", use: self.live)
        signedIn.post("sign-out", use: self.signOut)
        DashboardBuyerPages(pages: self.pages, clock: self.clock, page: self.page).addRoutes(to: signedIn)
        DashboardLeadPages(pages: self.pages, leads: self.leads, consents: self.consents, sequences: self.sequences, clock: self.clock, page: self.page)
            .addRoutes(to: signedIn)
        DashboardOutreachPages(pages: self.pages, sequences: self.sequences, domains: self.domains, page: self.page).addRoutes(to: signedIn)
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
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
        let live = self.pages.live(tenantID: principal.tenantID)
        let values = DashboardPeriods.values(dashboard.period, clock: self.clock).merging([
            "figures": OverviewFigures.rows(dashboard).map(\.values),
            "funnelChart": BarChart.svg(overview.funnel.map { ($0.stage, $0.count) }, title: "Lead funnel of \(dashboard.period)"),
            "node": live.node, "liveAt": live.atMilliseconds, "liveTime": DashboardFormat.time(milliseconds: live.atMilliseconds),
            "live": OverviewFigures.live(live).map(\.values),
            "pingsChart": ColumnChart.svg(live.pingsPerMinute, title: "Pings per minute over the last hour on node \(live.node)", label: "pings_per_minute"),
        ]) { $1 }
        return self.page.render(
            "overview", title: "Overview \(dashboard.period)", values: values, session: context.dashboardSession, tenantName: overview.tenantName,
            current: "overview"
        )
    }

    /// This node's live figures as JSON, for the overview's script.
    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let live = self.pages.live(tenantID: try context.requirePrincipal().tenantID)
        return JSONResponse([
            "node": .string(live.node), "at": .integer(live.atMilliseconds), "time": .string(DashboardFormat.time(milliseconds: live.atMilliseconds)),
            "figures": .array(
                OverviewFigures.live(live).map { ["name": .string($0.name), "value": .string($0.value), "shown": .string($0.shown)] }
            ),
            "pings_per_minute": .array(live.pingsPerMinute.map(JSONValue.int)),
        ])
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
