import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine
import NIOCore

/// `/api/v1/unsubscribe/{token}`: the link of every outreach email. `POST` is RFC 8058's one-click
/// unsubscribe (mail clients post `List-Unsubscribe=One-Click`); `GET` only shows a page whose button
/// posts, because link scanners follow links and must not unsubscribe anyone.
struct UnsubscribeRoutes {
    let unsubscribe: EmailUnsubscribe

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(":token", use: self.page)
        group.post(":token", use: self.confirm)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let subject = self.unsubscribe.subject(of: try context.parameters.require("token")) else { return Self.html(.notFound, Self.unknownLink) }
        return Self.html(
            .ok,
            """
            <h1>Unsubscribe</h1>
            <p>Stop outreach email to \(Self.escaped(Self.masked(subject.email)))?</p>
            <form method="post"><button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>
            """
        )
    }

    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let subject = try await self.unsubscribe.unsubscribe(token: try context.parameters.require("token")) else {
            return Self.html(.notFound, Self.unknownLink)
        }
        return Self.html(.ok, "<h1>Unsubscribed</h1><p>\(Self.escaped(Self.masked(subject.email))) will get no more outreach email from this sender.</p>")
    }

    static let unknownLink = "<h1>Unknown link</h1><p>This unsubscribe link is not valid. Copy the whole link from the email.</p>"

    static func html(_ status: HTTPResponse.Status, _ main: String) -> Response {
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">\
            <title>Unsubscribe</title></head><body><main>\(main)</main></body></html>
            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; form-action 'self'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page))
        )
    }

    /// `j***@example.com`: enough for the reader to recognise, not enough to harvest from a forwarded link.
    static func masked(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@"), let first = email.first else { return "your address" }
        return "\(first)***\(email[at...])"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
