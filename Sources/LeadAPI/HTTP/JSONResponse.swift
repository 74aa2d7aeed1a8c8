import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine
import NIOCore

/// A JSON answer built from `JSONValue`, so nullable fields appear as `null` rather than vanish, or
/// from bytes a hot path already wrote.
struct JSONResponse: ResponseGenerator {
    static let contentType = "application/json; charset=utf-8"

    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    var bytes: [UInt8]

    init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], _ body: JSONValue) {
        self.init(status: status, headers: headers, encoded: body.encoded())
    }

    init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], encoded bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.bytes = bytes
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = Self.contentType
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: self.bytes)))
    }
}

extension JSONValue {
    /// RFC 3339 in UTC with whole seconds, as the spec writes times: `2026-04-22T14:30:00Z`.
    static func timestamp(_ date: Date) -> JSONValue {
        .string(date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))
    }

    static func strings(_ values: [String]) -> JSONValue {
        .array(values.map(JSONValue.string))
    }

    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    /// A ratio rounded to three decimals, as the spec shows them (0.929).
    static func ratio(_ value: Double) -> JSONValue { .number((value * 1000).rounded() / 1000) }

    static func list(_ items: [JSONValue], total: Int, page: Int, perPage: Int) -> JSONValue {
        ["items": .array(items), "total": .int(total), "page": .int(page), "per_page": .int(perPage)]
    }
}

/// Reports type errors from the reader together with the domain's own checks of the same input,
/// so one 422 names every bad field; the domain's complaint about a field the reader already
/// flagged (say "is required" for a mistyped field) is dropped as noise.
func throwFieldErrors(_ reader: FieldReader, domainErrors: () -> [FieldError]) throws {
    guard !reader.errors.isEmpty else { return }
    let flagged = Set(reader.errors.all.map(\.field))
    throw Problem.invalidFields(reader.errors.all + domainErrors().filter { !flagged.contains($0.field) })
}
