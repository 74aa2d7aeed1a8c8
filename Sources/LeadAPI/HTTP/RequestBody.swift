import Foundation
import Hummingbird
import LeadEngine
import NIOCore

extension Request {
    /// The body as a JSON object: 400 when it is missing or not JSON, 422 when it is JSON but not
    /// an object, 413 past the context's size limit.
    mutating func jsonObject(context: AppRequestContext) async throws -> FieldReader {
        let buffer = try await self.collectBody(upTo: context.maxUploadSize)
        return try FieldReader(jsonBody: buffer)
    }
}

extension FieldReader {
    /// The body as a JSON object: 400 when it is missing or not JSON, 422 when it is JSON but not an object.
    init(jsonBody buffer: ByteBuffer) throws {
        guard buffer.readableBytes > 0 else { throw Problem.malformedJSON("The request body is empty; a JSON object is expected.") }
        let value: JSONValue
        do {
            value = try buffer.withUnsafeReadableBytes { bytes throws(JSONParser.SyntaxError) in try JSONParser.parse(bytes) }
        } catch {
            throw Problem.malformedJSON("The request body is not valid JSON: \(error.reason) at byte \(error.offset).")
        }
        guard case .object(let object) = value else {
            throw Problem.invalidFields([FieldError(field: "body", message: "must be a JSON object, not \(value.typeName)")])
        }
        self.init(object)
    }
}

/// Query parameters with the same error reporting as bodies.
struct QueryReader {
    let parameters: [String: String]
    var errors = FieldErrors()

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { parameters[String(name)] = String(value) }
        self.parameters = parameters
    }

    func string(_ name: String) -> String? {
        guard let value = self.parameters[name], !value.isEmpty else { return nil }
        return value
    }

    mutating func int(_ name: String) -> Int? {
        guard let raw = self.string(name) else { return nil }
        guard let value = Int(raw) else {
            self.errors.add(name, "must be an integer")
            return nil
        }
        return value
    }

    mutating func enumeration<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let raw = self.string(name) else { return nil }
        guard let value = T(rawValue: raw) else {
            self.errors.add(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// An instant as RFC 3339 (`2026-04-22T14:30:00Z`) or a date (`2026-04-22`, midnight UTC).
    mutating func instant(_ name: String) -> Date? {
        guard let raw = self.string(name) else { return nil }
        if let date = try? Date(raw, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(raw, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(raw, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        self.errors.add(name, "must be an RFC 3339 time (2026-04-22T14:30:00Z) or a date (2026-04-22)")
        return nil
    }

    /// A calendar month as `YYYY-MM`.
    mutating func period(_ name: String = "period") -> BillingPeriod? {
        guard let raw = self.string(name) else { return nil }
        guard let period = BillingPeriod(raw) else {
            self.errors.add(name, "must be a month as YYYY-MM, such as 2026-04")
            return nil
        }
        return period
    }

    mutating func page() -> PageRequest {
        let page = self.int("page")
        let perPage = self.int("per_page")
        do {
            return try PageRequest.validated(page: page, perPage: perPage)
        } catch {
            self.errors.merge(error.fields)
            return PageRequest()
        }
    }
}
