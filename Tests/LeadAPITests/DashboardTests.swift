import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Testing

/// A browser's side of the dashboard: cookies kept between requests, forms posted as forms.
struct DashboardBrowser {
    var cookies: [String: String] = [:]

    var cookieHeader: HTTPFields {
        var fields = HTTPFields()
        if !self.cookies.isEmpty { fields[.cookie] = self.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return fields
    }

    /// Keeps what `Set-Cookie` says, dropping cookies set to expire.
    mutating func keep(_ response: TestResponse) {
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            self.cookies[name] = line.contains("Max-Age=0") ? nil : value
        }
    }

    mutating func get(_ path: String, _ client: some TestClientProtocol) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: self.cookieHeader, body: nil)
        self.keep(response)
        return response
    }

    mutating func post(_ path: String, form: [(String, String)], _ client: some TestClientProtocol) async throws -> TestResponse {
        var headers = self.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        self.keep(response)
        return response
    }

    /// Loads the sign-in page and signs in with `key`: the answer to the form's post.
    mutating func signIn(key: String, _ client: some TestClientProtocol) async throws -> TestResponse {
        let page = try await self.get("/dashboard/sign-in", client)
        return try await self.post("/dashboard/sign-in", form: [("csrf_token", Self.formToken(in: page.text) ?? ""), ("api_key", key)], client)
    }

    /// The `csrf_token` a page's form carries.
    static func formToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf_token" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The `data-value` of the figure `name` on a page.
    static func figure(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "data-figure=\"\(name)\" data-value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite("Dashboard: sign-in, sessions, CSRF, isolation and the overview's figures")
struct DashboardTests {
    @Test("an admin key signs in: a session cookie (HttpOnly, SameSite=Lax, path /dashboard) opens the overview; without it, the sign-in page")
    func signIn() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var browser = DashboardBrowser()
            let away = try await browser.get("/dashboard/", client)
            #expect(away.status == .seeOther)
            #expect(away.headers[.location] == "/dashboard/sign-in")

            let page = try await browser.get("/dashboard/sign-in", client)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(DashboardBrowser.formToken(in: page.text)?.count == 32)
            let signInCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("ezleeds_signin=") })
            #expect(signInCookie.contains("HttpOnly") && signInCookie.contains("SameSite=Strict"))

            let signedIn = try await browser.post(
                "/dashboard/sign-in", form: [("csrf_token", DashboardBrowser.formToken(in: page.text) ?? ""), ("api_key", server.tenant.adminKey)], client)
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/dashboard/")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("ezleeds_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/dashboard"))
            #expect(!cookie.contains("Secure"), "plain HTTP here")
            #expect(browser.cookies["ezleeds_signin"] == nil, "the sign-in cookie is dropped")

            let overview = try await browser.get("/dashboard/", client)
            #expect(overview.status == .ok)
            #expect(overview.text.contains("Tenant A"))
            #expect(try await browser.get("/dashboard/sign-in", client).status == .seeOther, "signed in already")
        }
    }

    @Test("behind TLS the session cookie is Secure")
    func secureCookie() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let page = try await client.execute(uri: "/dashboard/sign-in", method: .get)
            let token = try #require(DashboardBrowser.formToken(in: page.text))
            let cookie = try #require(page.headers[values: .setCookie].first).split(separator: ";")[0]
            var headers: HTTPFields = [.cookie: String(cookie), .contentType: "application/x-www-form-urlencoded"]
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let body = "csrf_token=\(token)&api_key=\(server.tenant.adminKey)"
            let response = try await client.execute(uri: "/dashboard/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.headers[values: .setCookie].first { $0.hasPrefix("ezleeds_session=") }?.contains("Secure") == true)
        }
    }

    @Test("standard, compliance, revoked and unknown keys do not sign in; the form says so and opens no session")
    func wrongKeys() async throws {
        let server = try await TestServer.make()
        let revoked = try await server.issueKey(role: .admin)
        _ = try await server.dependencies.tenants.revokeKey(id: revoked.key.id)
        try await server.dependencies.keyRingRefresher.refresh()
        try await server.test { client in
            for key in [server.tenant.apiKey, server.tenant.complianceKey, revoked.secret, "ezl_admin_nope", ""] {
                var browser = DashboardBrowser()
                let answer = try await browser.signIn(key: key, client)
                #expect(answer.status == .unauthorized, "\(key)")
                #expect(answer.text.contains("use an admin key"))
                #expect(browser.cookies["ezleeds_session"] == nil)
            }
        }
    }

    @Test("a form without this session's csrf_token is refused 403, and changes nothing")
    func csrf() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var stranger = DashboardBrowser()
            let forged = try await stranger.post("/dashboard/sign-in", form: [("csrf_token", "0123"), ("api_key", server.tenant.adminKey)], client)
            #expect(forged.status == .forbidden, "a sign-in form not from our page")
            #expect(stranger.cookies["ezleeds_session"] == nil)

            var browser = DashboardBrowser()
            _ = try await browser.signIn(key: server.tenant.adminKey, client)
            for token in ["", "not-the-token"] {
                let refused = try await browser.post("/dashboard/sign-out", form: [("csrf_token", token)], client)
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.contentType] == "text/html; charset=utf-8", "a person reads it: an error page")
                #expect(refused.text.contains("data-status=\"403\"") && refused.text.contains("csrf_token"))
            }
            #expect(try await browser.get("/dashboard/", client).status == .ok, "still signed in")
        }
    }

    @Test("sign-out ends the session everywhere: the old cookie opens nothing")
    func signOut() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var browser = DashboardBrowser()
            _ = try await browser.signIn(key: server.tenant.adminKey, client)
            let overview = try await browser.get("/dashboard/", client)
            let stolen = browser.cookies
            let out = try await browser.post("/dashboard/sign-out", form: [("csrf_token", DashboardBrowser.formToken(in: overview.text) ?? "")], client)
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/dashboard/sign-in")
            #expect(browser.cookies["ezleeds_session"] == nil)
            var replay = DashboardBrowser(cookies: stolen)
            #expect(try await replay.get("/dashboard/", client).status == .seeOther)
        }
    }

    @Test("a session ends 30 minutes after its last page view, 12 hours after sign-in however used, and when its key is revoked")
    func expiry() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var idle = DashboardBrowser()
            _ = try await idle.signIn(key: server.tenant.adminKey, client)
            server.clock.advance(byMilliseconds: 29 * 60_000)
            #expect(try await idle.get("/dashboard/", client).status == .ok, "29 minutes: still on, and moved on")
            server.clock.advance(byMilliseconds: 29 * 60_000)
            #expect(try await idle.get("/dashboard/", client).status == .ok, "29 more after the last view")
            server.clock.advance(byMilliseconds: 31 * 60_000)
            #expect(try await idle.get("/dashboard/", client).status == .seeOther, "31 minutes idle")

            var busy = DashboardBrowser()
            _ = try await busy.signIn(key: server.tenant.adminKey, client)
            for _ in 0..<(12 * 3) {
                server.clock.advance(byMilliseconds: 20 * 60_000)
                if try await busy.get("/dashboard/", client).status != .ok { break }
            }
            #expect(try await busy.get("/dashboard/", client).status == .seeOther, "12 hours after sign-in")

            let key = try await server.issueKey(role: .admin)
            try await server.dependencies.keyRingRefresher.refresh()
            var revoked = DashboardBrowser()
            #expect(try await revoked.signIn(key: key.secret, client).status == .seeOther)
            #expect(try await revoked.get("/dashboard/", client).status == .ok)
            _ = try await server.dependencies.tenants.revokeKey(id: key.key.id)
            try await server.dependencies.keyRingRefresher.refresh()
            #expect(try await revoked.get("/dashboard/", client).status == .seeOther)
        }
    }

    @Test("every figure of the overview is the reports API's for the same period; another tenant sees its own")
    func figuresMatchReports() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            _ = try await LeadAPITests.soldLeads(3, server: server, client: client, price: 32_500)
            var browser = DashboardBrowser()
            _ = try await browser.signIn(key: server.tenant.adminKey, client)
            for period in ["", "?period=2026-04", "?period=2025-12"] {
                let page = try await browser.get("/dashboard/\(period)", client)
                #expect(page.status == .ok)
                let api = try await LeadAPITests.get("/api/v1/reports/dashboard\(period)", server: server, client: client)
                for name in [
                    "leads_total", "leads_qualified", "leads_delivered", "sales", "returned", "acceptance_rate", "revenue_cents", "refunds_cents",
                    "net_revenue_cents", "avg_lead_cost_cents",
                ] {
                    let shown = try #require(DashboardBrowser.figure(name, in: page.text), "\(name) on the page")
                    #expect(Double(shown) == (api[name] as? NSNumber)?.doubleValue, "\(name) \(period)")
                }
            }
            let april = try await browser.get("/dashboard/?period=2026-04", client).text
            #expect(DashboardBrowser.figure("revenue_cents", in: april) == "97500")
            #expect(april.contains("$97,500.00") || april.contains("$975.00"))
            #expect(april.contains(#"data-bar="Sold" data-value="3""#), "the funnel chart")

            var other = DashboardBrowser()
            _ = try await other.signIn(key: server.otherTenant.adminKey, client)
            let theirs = try await other.get("/dashboard/?period=2026-04", client).text
            #expect(theirs.contains("Tenant B") && !theirs.contains("Tenant A"))
            #expect(DashboardBrowser.figure("revenue_cents", in: theirs) == "0")
        }
    }

    @Test("pages carry a CSP with no inline script, nosniff and no-store; a bad period is a 422 error page")
    func headers() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var browser = DashboardBrowser()
            _ = try await browser.signIn(key: server.tenant.adminKey, client)
            let page = try await browser.get("/dashboard/", client)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"))
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
            let scripts = page.text.components(separatedBy: "<script").dropFirst()
            #expect(scripts.count == 1 && scripts.allSatisfy { $0.hasPrefix(" src=\"/dashboard/assets/live.js\"") && $0.contains("></script>") })
            #expect(scripts.allSatisfy { $0.components(separatedBy: "></script>").first?.hasSuffix("defer") == true }, "nothing between the tags")
            #expect(!page.text.contains("style="), "no inline style either")
            let css = try await browser.get("/dashboard/assets/dashboard.css", client)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            let bad = try await browser.get("/dashboard/?period=2026-13", client)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.headers[.contentSecurityPolicy] != nil, "errors carry the headers too")
            #expect(bad.headers[.contentType] == "text/html; charset=utf-8")
            #expect(bad.text.contains("<code>period</code> must be a month as YYYY-MM"), "the field's problem, on a page")
            let script = try await browser.get("/dashboard/assets/live.js", client)
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
        }
    }
}
