import NIOCore

/// What an endpoint answered, or why nothing usable came.
public enum OutboundAnswer: Sendable, Equatable {
    /// A whole HTTP answer: its status, and its body (up to what the request asked for) when it asked.
    case response(status: Int, body: ByteBuffer?)
    case failed(OutboundFailure, detail: String)
}

/// Why a request got no answer.
public enum OutboundFailure: String, Sendable, Equatable {
    case timeout
    /// Reset or closed after the request went out, a TLS failure: it may have been read.
    case unreachable
    /// No byte of the request was sent: the connection failed (refused, DNS) or the pool is closed.
    /// A sender that must not send twice may retry only these.
    case notConnected = "not_connected"
    /// The time ran out, or the endpoint was refused at once (its breaker, all its connections
    /// busy), before any byte of the request was sent. A timeout to a bidder; a sender that must
    /// not send twice may retry it.
    case timeoutBeforeSending = "timeout_before_sending"
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
