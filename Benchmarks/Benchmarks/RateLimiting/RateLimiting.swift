import Benchmark
import BenchmarkFixtures
import LeadEngine

/// The per-key GCRA check every authenticated request makes, holding 1,000,000 distinct keys
/// (the memory and lookup cost of a large fleet of sellers), and for one hot key.
///
/// The clock stands still, so no key turns idle and the idle sweep never runs inside a sample:
/// what is measured is the look-up and update of one key among a million.
let benchmarks: @Sendable () -> Void = {
    let keyCount = 1_000_000
    let clock = ManualClock(milliseconds: MarketFixtures.epochMilliseconds)

    /// A limiter already holding one request for each of `keyCount` keys.
    final class Fleet {
        let limiter: RateLimiter
        let keys: [String]
        var cursor = 0

        init(clock: ManualClock, keyCount: Int) {
            var generator = SeededGenerator(seed: 21)
            self.keys = (0..<keyCount).map { _ in "key_" + generator.hex(byteCount: 12) }
            self.limiter = RateLimiter(clock: clock)
            for key in self.keys { _ = self.limiter.check(key: key, policy: .standard) }
        }

        /// Keys in a fixed pseudo-random order, a different one each sample, so look-ups miss the caches as real traffic does.
        func nextKey() -> String {
            self.cursor = (self.cursor &+ 7_919) % self.keys.count
            return self.keys[self.cursor]
        }
    }

    Benchmark("RateLimiter.check-1M-keys", configuration: SuiteConfiguration.configuration()) { benchmark, fleet in
        for _ in benchmark.scaledIterations {
            blackHole(fleet.limiter.check(key: fleet.nextKey(), policy: .standard))
        }
    } setup: {
        Fleet(clock: clock, keyCount: keyCount)
    }

    // One key taking every request; its burst is wide enough that every check is allowed, so
    // this is the steady allowed path rather than the cheaper refusal.
    let hotPolicy = RateLimitPolicy(limitPerMinute: 1_000_000)
    Benchmark("RateLimiter.check-hot-key", configuration: SuiteConfiguration.configuration(maxIterations: 500)) { benchmark, fleet in
        for _ in benchmark.scaledIterations {
            blackHole(fleet.limiter.check(key: "key_0123456789abcdef01234567", policy: hotPolicy))
        }
    } setup: {
        Fleet(clock: clock, keyCount: keyCount)
    }
}
