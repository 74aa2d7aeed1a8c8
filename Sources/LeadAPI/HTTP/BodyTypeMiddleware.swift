import Foundation
import HTTPTypes
import Hummingbird

/// Bodies are read as JSON when their declared type is JSON (`application/json`, any `+json`),
/// absent, or a form (`application/x-www-form-urlencoded`, what `curl -d` sends); the form
/// endpoints read forms. Any other declared type (`text/plain`, `multipart/*`, `text/xml`, …) is a
/// 415 before anything reads the body: a body is what it says it is.
struct BodyTypeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if [.post, .put, .patch].contains(request.method), let declared = request.headers[.contentType], !Self.isReadable(declared) {
            throw Problem.unsupportedMediaType(declared)
        }
        return try await next(request, context)
    }

    static func isReadable(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType.isEmpty || mediaType == "application/json" || mediaType.hasSuffix("+json")
            || mediaType == "application/x-www-form-urlencoded"
    }
}
