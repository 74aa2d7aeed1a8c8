import Foundation
import HTTPTypes
import Hummingbird

/// What a request declares about its body, checked before anything reads it. Bodies are read as
/// JSON when their declared type is JSON (`application/json`, any `+json`), absent, or a form
/// (`application/x-www-form-urlencoded`, what `curl -d` sends); the form endpoints read forms. Any
/// other declared type (`text/plain`, `multipart/*`, `text/xml`, …) is a 415: a body is what it
/// says it is. A `Content-Length` past the limit is a 413 at once, not after a megabyte.
struct DeclaredBodyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static func declaresTooMuch(_ headers: HTTPFields) -> Bool {
        guard let declared = headers[.contentLength] else { return false }
        // Digits beyond Int's range are too much as well.
        return declared.utf8.count > 18 || (Int(declared) ?? 0) > AppRequestContext.maxBodyBytes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.declaresTooMuch(request.headers) { throw Problem.tooLarge() }
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
