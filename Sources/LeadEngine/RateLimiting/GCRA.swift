/// A rate policy: `limitPerMinute` requests a minute on average, up to `burst` at once.
public struct RateLimitPolicy: Sendable, Equatable, Hashable {
    public var limitPerMinute: Int
    public var burst: Int

    public init(limitPerMinute: Int, burst: Int? = nil) {
        precondition(limitPerMinute > 0, "a rate limit must allow at least one request a minute")
        self.limitPerMinute = limitPerMinute
        self.burst = max(1, burst ?? limitPerMinute)
    }

    public static let standard = RateLimitPolicy(limitPerMinute: 100)
}

/// The answer to "may this request go ahead?", with what the headers report.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    /// Requests that could still be made at once.
    public var remaining: Int
    /// Milliseconds until the full burst is available again.
    public var resetAfterMilliseconds: Int64
    /// Milliseconds until a denied request would be allowed; zero when allowed.
    public var retryAfterMilliseconds: Int64

    /// Whole seconds, rounded up, as the headers carry them.
    public var resetAfterSeconds: Int64 { Self.roundUpToSeconds(self.resetAfterMilliseconds) }
    public var retryAfterSeconds: Int64 { max(1, Self.roundUpToSeconds(self.retryAfterMilliseconds)) }

    static func roundUpToSeconds(_ milliseconds: Int64) -> Int64 {
        (milliseconds + 999) / 1000
    }
}

/// The generic cell rate algorithm: one "theoretical arrival time" (TAT) per key, no refill loop.
///
/// Time runs in *scaled* milliseconds: one real millisecond is `limitPerMinute` units, so the
/// emission interval is exactly 60,000 units for every limit and no rounding ever loses a request
/// (floating point here allows 99 of a burst of 100). Scaled epoch times pass Int64 at limits
/// over a few million a minute, so they are 128-bit; every difference fits 64 bits again.
public enum GCRA {
    static let emissionInterval: Int128 = 60_000

    /// Decides one request at `nowMilliseconds`. `tat` is the key's stored TAT in scaled units, nil
    /// for a key not seen recently. Returns the decision and the TAT to store when allowed.
    public static func evaluate(
        tat: Int128?, nowMilliseconds: Int64, policy: RateLimitPolicy
    ) -> (decision: RateLimitDecision, newTAT: Int128?) {
        let scale = Int128(policy.limitPerMinute)
        let now = Int128(nowMilliseconds) * scale
        let capacity = Int128(policy.burst) * Self.emissionInterval
        let start = max(tat ?? now, now)
        let candidate = start + Self.emissionInterval
        if candidate - now <= capacity {
            let decision = RateLimitDecision(
                allowed: true, limit: policy.limitPerMinute,
                remaining: Int((capacity - (candidate - now)) / Self.emissionInterval),
                resetAfterMilliseconds: Self.toMilliseconds(candidate - now, scale: scale),
                retryAfterMilliseconds: 0
            )
            return (decision, candidate)
        }
        let decision = RateLimitDecision(
            allowed: false, limit: policy.limitPerMinute, remaining: 0,
            resetAfterMilliseconds: Self.toMilliseconds(start - now, scale: scale),
            retryAfterMilliseconds: Self.toMilliseconds(candidate - capacity - now, scale: scale)
        )
        return (decision, nil)
    }

    /// Scaled units back to real milliseconds, rounded up so a client never retries too early.
    static func toMilliseconds(_ scaled: Int128, scale: Int128) -> Int64 {
        Int64((scaled + scale - 1) / scale)
    }

    /// A stored TAT at or before `now` is the same as no entry: the key has its full burst back.
    static func isIdle(tat: Int128, nowMilliseconds: Int64, limitPerMinute: Int) -> Bool {
        tat <= Int128(nowMilliseconds) * Int128(limitPerMinute)
    }
}
