import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine
import Logging
import NIOCore

/// An RFC 9457 problem: every error answer of the API, as `application/problem+json`.
///
/// `code` is stable and meant for programs; `title` and `detail` are for people.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    public var headers: HTTPFields
    /// RFC 9457 extension members, such as `expired_at` on an expired ping.
    public var extensions: [String: JSONValue]

    public init(
        status: HTTPResponse.Status, code: String, title: String, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:],
        extensions: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions
    }

    /// A URN, not a URL: the codes are documented in the OpenAPI document, not at a web address.
    static let typeBase = "urn:ezleeds:problem:"

    static func malformedJSON(_ detail: String) -> Problem {
        Problem(status: .badRequest, code: "malformed_json", title: "Malformed JSON", detail: detail)
    }

    static func invalidFields(_ errors: [FieldError]) -> Problem {
        let names = errors.map(\.field).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return Problem(
            status: .unprocessableContent, code: "invalid_fields", title: "Invalid fields",
            detail: "Invalid fields: \(names.joined(separator: ", ")).", errors: errors
        )
    }

    /// One answer for a missing, unknown and revoked key alike, so probing reveals nothing.
    static func unauthorized() -> Problem {
        Problem(
            status: .unauthorized, code: "unauthorized", title: "Unauthorized",
            detail: "A valid API key is required in the header this endpoint names (X-API-Key or X-Compliance-API-Key)."
        )
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, code: "forbidden", title: "Forbidden", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, code: "not_found", title: "Not found", detail: detail)
    }

    static func rateLimited(_ decision: RateLimitDecision) -> Problem {
        Problem(
            status: .tooManyRequests, code: "rate_limited", title: "Too many requests",
            detail: "Rate limit of \(decision.limit) requests per minute exceeded; retry in \(decision.retryAfterSeconds) s."
        )
    }

    static func unsupportedMediaType(_ declared: String) -> Problem {
        Problem(
            status: .unsupportedMediaType, code: "unsupported_media_type", title: "Unsupported media type",
            detail: "Bodies are JSON (application/json) or a form (application/x-www-form-urlencoded); this one was declared \(declared)."
        )
    }

    static func tooLarge() -> Problem {
        Problem(
            status: .contentTooLarge, code: "body_too_large", title: "Request body too large",
            detail: "Request bodies are limited to \(AppRequestContext.maxBodyBytes) bytes."
        )
    }

    /// Seconds a client should wait when the store cannot write: the probe tries every second.
    static let storageRetryAfterSeconds = 5

    /// Nothing was written (the store's transactions are whole or absent), so the same request may
    /// be sent again; `StorageHealth` logs the failure, not every answer.
    static func storageUnavailable(_ reason: StorageUnavailable.Reason) -> Problem {
        Problem(
            status: .serviceUnavailable, code: "storage_unavailable", title: "Storage unavailable",
            detail: "The server cannot write to its database (\(reason.rawValue)); nothing was stored. Retry later.",
            headers: [.retryAfter: String(Self.storageRetryAfterSeconds)]
        )
    }

    /// Maps any error to the problem it answers with. Unknown errors are 500s, and logged.
    static func from(_ error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as ValidationError:
            return .invalidFields(error.fields)
        case let error as NotFoundError:
            return .notFound("No \(error.entity) \(error.id) in this account.")
        case let refusal as StoreRefusal:
            return .from(refusal.conflict, logger: logger)
        case let error as ConflictError:
            var extensions = error.related.mapValues { JSONValue.array($0.map(JSONValue.string)) }
            if !error.reasons.isEmpty { extensions["reasons"] = .array(error.reasons.map(JSONValue.string)) }
            return Problem(status: .conflict, code: error.code, title: "Conflict", detail: error.detail, extensions: extensions)
        case let rejection as PostRejection:
            return .from(rejection)
        case let failure as StorageUnavailable:
            return .storageUnavailable(failure.reason)
        case is NIOTooManyBytesError:
            return .tooLarge()
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound("No such endpoint.")
            case .contentTooLarge: return .tooLarge()
            default:
                return Problem(status: error.status, code: "http_\(error.status.code)", title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
            }
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(status: .internalServerError, code: "internal_error", title: "Internal server error", detail: "The server failed to answer; the request id identifies it in the logs.")
        }
    }
}

extension Problem {
    /// Why a post did not sell: 404 for a ping this account does not have, 409 for the rest.
    static func from(_ rejection: PostRejection) -> Problem {
        switch rejection {
        case .unknownPing:
            return .notFound("No such ping in this account.")
        case .expired(let milliseconds):
            let expiredAt = Date(epochMilliseconds: milliseconds)
            return Problem(
                status: .conflict, code: "ping_expired", title: "Ping expired",
                detail: "The ping's bids expired at \(expiredAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))); ping again.",
                extensions: ["expired_at": .timestamp(expiredAt)]
            )
        case .buyerNotBidding:
            return Problem(status: .conflict, code: "buyer_not_bidding", title: "Buyer did not bid", detail: "The buyer has no bid on this ping.")
        case .pingMismatch(let fields):
            return Problem(
                status: .conflict, code: "ping_mismatch", title: "Lead does not match the ping",
                detail: "The lead contradicts what was pinged: \(fields.joined(separator: ", ")).",
                errors: fields.map { FieldError(field: $0, message: "differs from the ping") }
            )
        case .dailyCapReached:
            return Problem(
                status: .conflict, code: "daily_cap_reached", title: "Buyer at its daily cap",
                detail: "The buyer has bought as many leads today as its daily_cap allows; post to another bidder."
            )
        case .budgetExhausted:
            return Problem(
                status: .conflict, code: "budget_exhausted", title: "Buyer out of budget",
                detail: "None of the buyer's campaigns can pay this bid any more (budget or max_leads_per_day); post to another bidder."
            )
        case .insufficientFunds:
            return Problem(
                status: .conflict, code: "insufficient_funds", title: "Buyer cannot pay",
                detail: "The buyer's balance cannot pay this bid (prepaid balance, or invoiced credit limit); post to another bidder."
            )
        case .doNotCallListed(let lists):
            return Problem(
                status: .conflict, code: "dnc_listed", title: "Lead on a do-not-call list",
                detail: "The lead's phone is on \(lists.joined(separator: ", ")) and this buyer buys only leads on no do-not-call list; post to another bidder.",
                extensions: ["lists": .strings(lists)]
            )
        case .alreadySold(let detail):
            return Problem(status: .conflict, code: "already_sold", title: "Already sold", detail: detail.prefix(1).uppercased() + detail.dropFirst() + ".")
        }
    }
}

extension Problem: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response(requestID: context.id)
    }

    func response(requestID: String) -> Response {
        Response(status: self.status, headers: self.answerHeaders, body: .init(byteBuffer: ByteBuffer(bytes: self.body(requestID: requestID))))
    }

    /// The problem's own headers with its content type: what either lane sends.
    var answerHeaders: HTTPFields {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return headers
    }

    /// The problem+json document.
    func body(requestID: String) -> [UInt8] {
        var body: [String: JSONValue] = self.extensions
        body.merge([
            "type": .string(Self.typeBase + self.code),
            "title": .string(self.title),
            "status": .integer(Int64(self.status.code)),
            "detail": .string(self.detail),
            "code": .string(self.code),
            "request_id": .string(requestID),
        ]) { _, standard in standard }
        if !self.errors.isEmpty {
            body["errors"] = .array(
                self.errors.map { error in
                    var entry: [String: JSONValue] = ["field": .string(error.field), "message": .string(error.message)]
                    if let code = error.code { entry["code"] = .string(code) }
                    return .object(entry)
                }
            )
        }
        return JSONValue.object(body).encoded()
    }
}
