import Hummingbird
import LeadEngine
import Mustache

/// Renders dashboard pages: a page template inside the layout, as an HTML response.
struct DashboardPage: Sendable {
    static let signInPath = "/dashboard/sign-in"
    static let homePath = "/dashboard/"

    /// The pages of the header's navigation: (key, label, path).
    static let sections = [
        ("overview", "Overview", "/dashboard/"), ("buyers", "Buyers", "/dashboard/buyers"), ("leads", "Leads", "/dashboard/leads"),
        ("sequences", "Sequences", "/dashboard/sequences"), ("domains", "Domains", "/dashboard/domains"),
    ]

    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            // The templates are constants of this file's module: one that does not parse is a bug
            // every test of the dashboard meets at once.
            do { try library.register(text, named: name) } catch { preconditionFailure("dashboard template \(name): \(error)") }
        }
        self.library = library
    }

    /// `template` rendered with `values`, inside the layout; `session` fills the header, with
    /// `current` the section it marks.
    func render(
        _ template: String, title: String, values: [String: Any], session: DashboardSession? = nil, tenantName: String? = nil,
        status: HTTPResponse.Status = .ok, current: String? = nil
    ) -> Response {
        let body = self.library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let session {
            layout["signedIn"] = [
                "tenantID": session.tenantID, "tenantName": tenantName ?? session.tenantID, "csrfToken": session.formToken,
                "nav": Self.sections.map { ["label": $0.1, "path": $0.2, "current": $0.0 == current] as [String: Any] },
            ] as [String: Any]
        }
        let html = self.library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// A page in the operator's own words for a problem: the status, its title and what to do.
    func error(_ problem: Problem, session: DashboardSession?, tenantName: String? = nil) -> Response {
        var response = self.render(
            "error", title: problem.title,
            values: [
                "title": problem.title, "detail": problem.detail, "status": problem.status.code,
                "errors": problem.errors.map { ["field": $0.field, "message": $0.message] }, "hasErrors": !problem.errors.isEmpty,
            ],
            session: session, tenantName: tenantName, status: problem.status
        )
        // Retry-After and the rate limit's headers say the same on a page as on the API.
        for field in problem.headers { response.headers.append(field) }
        return response
    }

    /// 303: the browser follows with a GET, whatever the request was.
    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}
