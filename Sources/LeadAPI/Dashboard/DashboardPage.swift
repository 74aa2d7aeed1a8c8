import Hummingbird
import LeadEngine
import Mustache

/// Renders dashboard pages: a page template inside the layout, as an HTML response.
struct DashboardPage: Sendable {
    static let signInPath = "/dashboard/sign-in"
    static let homePath = "/dashboard/"

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

    /// `template` rendered with `values`, inside the layout; `session` fills the header.
    func render(
        _ template: String, title: String, values: [String: Any], session: DashboardSession? = nil, tenantName: String? = nil,
        status: HTTPResponse.Status = .ok, current: String? = nil
    ) -> Response {
        let body = self.library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let session {
            layout["signedIn"] = [
                "tenantID": session.tenantID, "tenantName": tenantName ?? session.tenantID, "csrfToken": session.formToken,
                "isOverview": current == "overview",
            ] as [String: Any]
        }
        let html = self.library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// 303: the browser follows with a GET, whatever the request was.
    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }
}
