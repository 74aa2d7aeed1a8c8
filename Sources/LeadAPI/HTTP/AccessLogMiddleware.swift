import Foundation
import Hummingbird
import Logging

/// One line per request, as Hummingbird's `LogRequestsMiddleware` writes it, with the personal
/// data and capabilities some paths carry masked (`LoggedPath`): logs are kept longer and read by
/// more people than the data they would copy.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        context.logger.log(
            level: self.level, "Request",
            metadata: ["hb.request.method": .string(request.method.rawValue), "hb.request.path": .string(LoggedPath.masked(request.uri.path))]
        )
        return try await next(request, context)
    }
}

/// A request path fit for a log: a segment that is a phone number keeps its country code, area code
/// and last two digits; an email address its first letter and its domain; an unsubscribe token
/// (which unsubscribes whoever holds it) is left out.
enum LoggedPath {
    static func masked(_ path: String) -> String {
        var previous = ""
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { raw -> String in
            defer { previous = String(raw) }
            let segment = String(raw)
            if previous == "unsubscribe", !segment.isEmpty { return "…" }
            let decoded = segment.removingPercentEncoding ?? segment
            if Self.isPhoneNumber(decoded) { return String(decoded.prefix(decoded.hasPrefix("+") ? 5 : 3)) + "…" + String(decoded.suffix(2)) }
            if let at = decoded.firstIndex(of: "@"), at != decoded.startIndex { return String(decoded.prefix(1)) + "…" + String(decoded[at...]) }
            return segment
        }
        return segments.joined(separator: "/")
    }

    static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return (7...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
