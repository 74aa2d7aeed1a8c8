import NIOCore

/// What an endpoint answered, or why nothing usable came.
public enum OutboundAnswer: Sendable, Equatable {
    /// A whole HTTP answer: its status, and a 200's body when the request asked for it.
    case response(status: Int, body: ByteBuffer?)
    case failed(OutboundFailure, detail: String)
}

/// Why a request got no answer.
public enum OutboundFailure: String, Sendable, Equatable {
    case timeout
    /// Refused, reset, closed, DNS, TLS.
    case unreachable
    /// What came back was not an HTTP answer, or a body longer than asked for.
    case badResponse = "bad_response"
    /// The outbound target policy refused the URL, or an address its host resolves to.
    case targetNotAllowed = "target_not_allowed"
}

/// An answer and when it came.
public struct TimedOutboundAnswer: Sendable, Equatable {
    public var answer: OutboundAnswer
    public var answeredAt: ContinuousClock.Instant
}
