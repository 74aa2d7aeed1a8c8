import HTTPTypes
import LeadEngine

extension RateLimitDecision {
    /// The legacy `X-RateLimit-*` trio the spec's users expect, plus the IETF draft's structured
    /// `RateLimit-Policy`/`RateLimit` pair. `X-RateLimit-Reset` is delay-seconds until the full burst
    /// is back, not an epoch time, so client clock skew cannot distort it.
    func apply(to headers: inout HTTPFields) {
        headers[.rateLimitLimit] = String(self.limit)
        headers[.rateLimitRemaining] = String(self.remaining)
        headers[.rateLimitReset] = String(self.resetAfterSeconds)
        headers[.rateLimitPolicy] = "\"default\";q=\(self.limit);w=60"
        headers[.rateLimit] = "\"default\";r=\(self.remaining);t=\(self.resetAfterSeconds)"
        if !self.allowed {
            headers[.retryAfter] = String(self.retryAfterSeconds)
        }
    }
}
