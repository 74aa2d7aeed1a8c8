import LeadEngine
import NIOCore

/// What an SMS provider's or a dialer's HTTP answer means for a touch, at most once: only a request
/// none of which left (no connection, a failed TLS handshake, no time or no free connection to send
/// it) or a 429 (refused before it was taken) may be tried again; an answer that never came to a
/// request that went out, or a 5xx, may hide a message already on its way, so it is unknown.
enum OutreachAnswer {
    static func outcome(of answer: OutboundAnswer, providerID: (ByteBuffer?) -> String? = { _ in nil }) -> SendOutcome {
        switch answer {
        case .response(let status, let body) where (200..<300).contains(status):
            return .sent(providerID: providerID(body))
        case .response(429, _):
            return .notReached(reason: "429 too many requests")
        case .response(let status, let body) where status >= 500:
            return .unknown(reason: Self.describe(status: status, body: body))
        case .response(let status, let body):
            return .rejected(reason: Self.describe(status: status, body: body))
        case .failed(.notConnected, let detail), .failed(.timeoutBeforeSending, let detail), .failed(.targetNotAllowed, let detail):
            return .notReached(reason: detail)
        case .failed(let failure, let detail):
            return .unknown(reason: "\(failure.rawValue): \(detail)")
        }
    }

    /// `400 21211 The 'To' number is not a valid phone number.` from a Twilio-style error body; the status alone otherwise.
    static func describe(status: Int, body: ByteBuffer?) -> String {
        guard let object = Self.object(body) else { return "status \(status)" }
        var parts = ["status \(status)"]
        if case .integer(let code)? = object["code"] { parts.append(String(code)) }
        if case .string(let message)? = object["message"] { parts.append(String(message.prefix(200))) }
        return parts.joined(separator: " ")
    }

    static func object(_ body: ByteBuffer?) -> [String: JSONValue]? {
        guard let body, body.readableBytes > 0 else { return nil }
        let parsed = body.withUnsafeReadableBytes { bytes in Result { () throws(JSONParser.SyntaxError) in try JSONParser.parse(bytes) } }
        guard case .success(.object(let object)) = parsed else { return nil }
        return object
    }
}
