import LeadEngine
import Testing

/// The GCRA table of api-conventions §2.2, and the limiter's per-key bookkeeping.
@Suite("GCRA rate limiter")
struct RateLimiterTests {
    let clock = ManualClock()
    let standard = RateLimitPolicy(limitPerMinute: 100, burst: 100)

    private func exhaust(_ limiter: RateLimiter, key: String, policy: RateLimitPolicy, count: Int) -> Int {
        (0..<count).reduce(0) { allowed, _ in allowed + (limiter.check(key: key, policy: policy).allowed ? 1 : 0) }
    }

    @Test("100/min burst 100: 100 allowed at t=0, the 101st denied with retry after 600 ms")
    func burstThenDeny() {
        let limiter = RateLimiter(clock: self.clock)
        #expect(self.exhaust(limiter, key: "k", policy: self.standard, count: 100) == 100)

        let denied = limiter.check(key: "k", policy: self.standard)
        #expect(!denied.allowed)
        #expect(denied.limit == 100)
        #expect(denied.remaining == 0)
        #expect(denied.retryAfterMilliseconds == 600)
        #expect(denied.retryAfterSeconds == 1)
        #expect(denied.resetAfterMilliseconds == 60_000)
        #expect(denied.resetAfterSeconds == 60)
    }

    @Test("a denied request is not counted: t=599 still denied, t=600 allowed, then denied again")
    func retryBoundary() {
        let limiter = RateLimiter(clock: self.clock)
        _ = self.exhaust(limiter, key: "k", policy: self.standard, count: 100)
        // Many denied attempts must not push the next allowed moment further out.
        for _ in 0..<50 { #expect(!limiter.check(key: "k", policy: self.standard).allowed) }

        self.clock.advance(byMilliseconds: 599)
        let early = limiter.check(key: "k", policy: self.standard)
        #expect(!early.allowed)
        #expect(early.retryAfterMilliseconds == 1)
        #expect(early.retryAfterSeconds == 1)

        self.clock.advance(byMilliseconds: 1)
        let onTime = limiter.check(key: "k", policy: self.standard)
        #expect(onTime.allowed)
        #expect(onTime.remaining == 0)
        #expect(onTime.retryAfterMilliseconds == 0)

        let next = limiter.check(key: "k", policy: self.standard)
        #expect(!next.allowed)
        #expect(next.retryAfterMilliseconds == 600)
    }

    @Test("after 60 s idle the full burst is back, and no more")
    func fullBurstAfterIdle() {
        let limiter = RateLimiter(clock: self.clock)
        _ = self.exhaust(limiter, key: "k", policy: self.standard, count: 100)

        self.clock.advance(byMilliseconds: 59_999)
        #expect(self.exhaust(limiter, key: "k", policy: self.standard, count: 100) == 99)

        let fresh = RateLimiter(clock: self.clock)
        _ = self.exhaust(fresh, key: "k", policy: self.standard, count: 100)
        self.clock.advance(byMilliseconds: 60_000)
        #expect(self.exhaust(fresh, key: "k", policy: self.standard, count: 101) == 100)

        // Idling far longer than the window gives no more than one burst.
        self.clock.advance(byMilliseconds: 3_600_000)
        #expect(self.exhaust(fresh, key: "k", policy: self.standard, count: 150) == 100)
    }

    @Test("remaining counts down 99…0 and resetAfter grows by one emission interval per request")
    func remainingAndReset() {
        let limiter = RateLimiter(clock: self.clock)
        for request in 1...100 {
            let decision = limiter.check(key: "k", policy: self.standard)
            #expect(decision.allowed)
            #expect(decision.limit == 100)
            #expect(decision.remaining == 100 - request)
            #expect(decision.resetAfterMilliseconds == Int64(600 * request))
            #expect(decision.retryAfterMilliseconds == 0)
        }
    }

    @Test("resetAfter shrinks as time passes and rounds up to whole seconds")
    func resetAfterOverTime() {
        let limiter = RateLimiter(clock: self.clock)
        let first = limiter.check(key: "k", policy: self.standard)
        #expect(first.resetAfterMilliseconds == 600)
        #expect(first.resetAfterSeconds == 1)

        self.clock.advance(byMilliseconds: 100)
        let second = limiter.check(key: "k", policy: self.standard)
        // TAT was t+600; now t+100, so the new TAT is t+1200: 1,100 ms away.
        #expect(second.resetAfterMilliseconds == 1_100)
        #expect(second.resetAfterSeconds == 2)
        #expect(second.remaining == 98)
    }

    @Test("7/min: exactly 7 at once, the 8th after ceil(60000/7) = 8572 ms")
    func limitThatDoesNotDivideAMinute() {
        let limiter = RateLimiter(clock: self.clock)
        let policy = RateLimitPolicy(limitPerMinute: 7)
        #expect(policy.burst == 7)
        for request in 1...7 {
            let decision = limiter.check(key: "k", policy: policy)
            #expect(decision.allowed)
            #expect(decision.remaining == 7 - request)
        }
        let denied = limiter.check(key: "k", policy: policy)
        #expect(!denied.allowed)
        #expect(denied.retryAfterMilliseconds == 8_572)
        #expect(denied.retryAfterSeconds == 9)
        #expect(denied.resetAfterMilliseconds == 60_000)

        self.clock.advance(byMilliseconds: 8_571)
        #expect(!limiter.check(key: "k", policy: policy).allowed)
        self.clock.advance(byMilliseconds: 1)
        #expect(limiter.check(key: "k", policy: policy).allowed)
        #expect(!limiter.check(key: "k", policy: policy).allowed)

        // Over a long run the average rate is exactly 7 a minute: no drift from rounding.
        let steady = RateLimiter(clock: self.clock)
        var allowed = 0
        for _ in 0..<(10 * 60) {  // ten minutes in 1 s steps, two attempts each
            if steady.check(key: "s", policy: policy).allowed { allowed += 1 }
            if steady.check(key: "s", policy: policy).allowed { allowed += 1 }
            self.clock.advance(byMilliseconds: 1_000)
        }
        // The burst of 7 plus one per 60000/7 ms until the last step at 599 s: 7 + floor(599000·7/60000).
        #expect(allowed == 76)
    }

    @Test("1/min: one request, then a 60 s wait")
    func onePerMinute() {
        let limiter = RateLimiter(clock: self.clock)
        let policy = RateLimitPolicy(limitPerMinute: 1)
        #expect(limiter.check(key: "k", policy: policy).allowed)
        let denied = limiter.check(key: "k", policy: policy)
        #expect(!denied.allowed)
        #expect(denied.retryAfterMilliseconds == 60_000)
        #expect(denied.retryAfterSeconds == 60)
        self.clock.advance(byMilliseconds: 60_000)
        #expect(limiter.check(key: "k", policy: policy).allowed)
    }

    @Test("a burst smaller than the limit: 10 at once, then one per 600 ms")
    func smallerBurst() {
        let limiter = RateLimiter(clock: self.clock)
        let policy = RateLimitPolicy(limitPerMinute: 100, burst: 10)
        #expect(self.exhaust(limiter, key: "k", policy: policy, count: 20) == 10)
        let denied = limiter.check(key: "k", policy: policy)
        #expect(denied.retryAfterMilliseconds == 600)
        #expect(denied.resetAfterMilliseconds == 6_000)
        self.clock.advance(byMilliseconds: 600)
        #expect(self.exhaust(limiter, key: "k", policy: policy, count: 5) == 1)
    }

    @Test("the largest allowed key limit at a real epoch time does not overflow")
    func largestLimit() {
        let limiter = RateLimiter(clock: self.clock)
        let policy = RateLimitPolicy(limitPerMinute: APIKey.maxRateLimitPerMinute)
        let first = limiter.check(key: "k", policy: policy)
        #expect(first.allowed)
        #expect(first.remaining == APIKey.maxRateLimitPerMinute - 1)
        #expect(first.resetAfterMilliseconds == 1)  // 60000/1e8 ms, rounded up
    }

    @Test("one key's exhaustion leaves another key untouched")
    func keysAreIndependent() {
        let limiter = RateLimiter(clock: self.clock)
        _ = self.exhaust(limiter, key: "busy", policy: self.standard, count: 150)
        let other = limiter.check(key: "quiet", policy: self.standard)
        #expect(other.allowed)
        #expect(other.remaining == 99)
        #expect(self.exhaust(limiter, key: "quiet", policy: self.standard, count: 99) == 99)
        #expect(!limiter.check(key: "busy", policy: self.standard).allowed)
    }

    @Test("a key whose limit changes is judged by the new limit")
    func limitChange() {
        let limiter = RateLimiter(clock: self.clock)
        let small = RateLimitPolicy(limitPerMinute: 10)
        #expect(self.exhaust(limiter, key: "k", policy: small, count: 15) == 10)

        let large = RateLimitPolicy(limitPerMinute: 20)
        let first = limiter.check(key: "k", policy: large)
        #expect(first.allowed)
        #expect(first.limit == 20)
        #expect(first.remaining == 19)
        #expect(self.exhaust(limiter, key: "k", policy: large, count: 25) == 19)
        let denied = limiter.check(key: "k", policy: large)
        #expect(!denied.allowed)
        #expect(denied.retryAfterMilliseconds == 3_000)
    }

    @Test("a key whose limit is lowered starts afresh under the lower limit, not locked out by the old state")
    func limitLowered() {
        let limiter = RateLimiter(clock: self.clock)
        let large = RateLimitPolicy(limitPerMinute: 1_000)
        #expect(self.exhaust(limiter, key: "k", policy: large, count: 1_000) == 1_000)

        let small = RateLimitPolicy(limitPerMinute: 10)
        let first = limiter.check(key: "k", policy: small)
        #expect(first.allowed)
        #expect(first.remaining == 9)
        #expect(self.exhaust(limiter, key: "k", policy: small, count: 20) == 9)
        let denied = limiter.check(key: "k", policy: small)
        #expect(!denied.allowed)
        #expect(denied.retryAfterMilliseconds == 6_000)
        #expect(denied.resetAfterMilliseconds == 60_000)
    }

    @Test("idle keys are evicted: 100,000 keys touched once over time stay bounded")
    func evictionKeepsMemoryBounded() async {
        let limiter = RateLimiter(clock: self.clock)
        var largest = 0
        for index in 0..<100_000 {
            _ = limiter.check(key: "key-\(index)", policy: self.standard)
            self.clock.advance(byMilliseconds: 1)
            if index % 1_000 == 999 {
                largest = max(largest, limiter.trackedKeyCount)
                await Task.yield()  // a long loop must not starve the timing tests running beside it
            }
        }
        // At most ~600 keys are live at any moment; each of the 64 shards sweeps at 1,024 entries.
        #expect(largest <= 64 * 1_024)
        #expect(limiter.trackedKeyCount <= 64 * 1_024)
        #expect(limiter.trackedKeyCount < 100_000 / 2)
    }

    @Test("with one shard the bound is close to the live keys")
    func evictionSingleShard() async {
        let limiter = RateLimiter(clock: self.clock, shardCount: 1)
        var largest = 0
        for index in 0..<20_000 {
            _ = limiter.check(key: "key-\(index)", policy: self.standard)
            self.clock.advance(byMilliseconds: 1)
            largest = max(largest, limiter.trackedKeyCount)
            if index % 1_000 == 999 { await Task.yield() }
        }
        #expect(largest <= 2 * 1_024)
    }

    @Test("a sweep evicts idle keys but keeps a live, exhausted key")
    func sweepKeepsLiveEntries() {
        let limiter = RateLimiter(clock: self.clock, shardCount: 1)
        for index in 0..<1_500 { _ = limiter.check(key: "old-\(index)", policy: self.standard) }
        _ = self.exhaust(limiter, key: "victim", policy: self.standard, count: 100)
        #expect(!limiter.check(key: "victim", policy: self.standard).allowed)

        // The old keys' windows (600 ms) are over; the victim's (60 s) is not.
        self.clock.advance(byMilliseconds: 1_000)
        for index in 0..<1_000 { _ = limiter.check(key: "new-\(index)", policy: self.standard) }
        #expect(limiter.trackedKeyCount < 1_500)

        // 1,000 ms after exhausting it, the victim has earned exactly one request back.
        #expect(limiter.check(key: "victim", policy: self.standard).allowed)
        #expect(!limiter.check(key: "victim", policy: self.standard).allowed)
    }

    @Test("an idle key's state is the same as a fresh key's")
    func idleKeyIsFresh() {
        let limiter = RateLimiter(clock: self.clock)
        _ = limiter.check(key: "k", policy: self.standard)
        self.clock.advance(byMilliseconds: 600)
        let decision = limiter.check(key: "k", policy: self.standard)
        #expect(decision.remaining == 99)
        #expect(decision.resetAfterMilliseconds == 600)
    }

    @Test("hammering one key from many tasks allows exactly the burst")
    func concurrentChecks() async {
        let limiter = RateLimiter(clock: self.clock)
        let policy = self.standard
        let allowed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    (0..<20).reduce(0) { count, _ in count + (limiter.check(key: "hot", policy: policy).allowed ? 1 : 0) }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 100)
    }

    @Test("many keys hammered concurrently each get exactly their burst")
    func concurrentChecksManyKeys() async {
        let limiter = RateLimiter(clock: self.clock)
        let policy = RateLimitPolicy(limitPerMinute: 30)
        let counts = await withTaskGroup(of: (String, Int).self) { group in
            for task in 0..<40 {
                let key = "key-\(task % 8)"
                group.addTask {
                    (key, (0..<20).reduce(0) { count, _ in count + (limiter.check(key: key, policy: policy).allowed ? 1 : 0) })
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1.0, default: 0] += $1.1 }
        }
        #expect(counts.count == 8)
        #expect(counts.values.allSatisfy { $0 == 30 })
    }

    @Test("GCRA.evaluate on its own: no state means a full burst; a denial stores nothing")
    func evaluateDirectly() throws {
        let now: Int64 = 1_000_000
        let policy = RateLimitPolicy(limitPerMinute: 2)
        let first = GCRA.evaluate(tat: nil, nowMilliseconds: now, policy: policy)
        #expect(first.decision.allowed)
        #expect(first.decision.remaining == 1)
        let tat = try #require(first.newTAT)
        let second = GCRA.evaluate(tat: tat, nowMilliseconds: now, policy: policy)
        #expect(second.decision.allowed)
        #expect(second.decision.remaining == 0)
        let third = GCRA.evaluate(tat: second.newTAT, nowMilliseconds: now, policy: policy)
        #expect(!third.decision.allowed)
        #expect(third.newTAT == nil)
        #expect(third.decision.retryAfterMilliseconds == 30_000)
    }

    @Test("a policy's burst defaults to its limit and is never below one")
    func policyDefaults() {
        #expect(RateLimitPolicy(limitPerMinute: 42).burst == 42)
        #expect(RateLimitPolicy(limitPerMinute: 42, burst: 0).burst == 1)
        #expect(RateLimitPolicy.standard == RateLimitPolicy(limitPerMinute: 100, burst: 100))
    }
}
