import Benchmark

/// The metrics and tolerances every suite shares.
///
/// Benchmark names have no spaces or slashes: Benchmark 1.38.1 writes threshold files with those
/// replaced by `_` but looks them up by the raw name, so such a benchmark's thresholds are never found.
public enum SuiteConfiguration {
    /// CPU instructions would be the steadiest metric, but `perf_event_open` finds no hardware
    /// counters on the virtual machines this project is measured on (ENOENT), so Benchmark would
    /// report zero; pass `--metric instructions` where perf counters exist. `cpuTotal` is no
    /// stand-in here: Linux reports process CPU time in 10 ms ticks, longer than most samples.
    public static let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal]

    /// Tolerances for `benchmark thresholds check` against the p90 values in `Thresholds/`.
    /// Benchmark fails a check when *either* an absolute or a relative tolerance is exceeded.
    public static var tolerances: [BenchmarkMetric: BenchmarkThresholds] {
        [
            // Allocation counts are nearly deterministic. Values are per sample (1,000 operations
            // for most benchmarks): 500 catches half an allocation more per operation, and the
            // absolute bound also catches growth from a p90 of zero, which no percentage does.
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 5.0], absolute: [.p90: 500]),
            // Wall time on a shared two-core machine swings with the neighbours' builds; this
            // catches a hot path that gets several times slower, not a few percent.
            .wallClock: BenchmarkThresholds(relative: [.p90: 100.0]),
        ]
    }

    /// A short run: a few seconds at most per benchmark so the whole package runs in minutes.
    ///
    /// - Parameter scalingFactor: inner iterations per measured sample; sub-microsecond work
    ///   needs many per sample for the clock readings to mean anything.
    public static func configuration(
        scalingFactor: BenchmarkScalingFactor = .kilo, maxDuration: Duration = .seconds(2), maxIterations: Int = 1_000,
        warmupIterations: Int = 2, metrics: [BenchmarkMetric] = SuiteConfiguration.metrics,
        extraTolerances: [BenchmarkMetric: BenchmarkThresholds] = [:]
    ) -> Benchmark.Configuration {
        Benchmark.Configuration(
            metrics: metrics,
            warmupIterations: warmupIterations,
            scalingFactor: scalingFactor,
            maxDuration: maxDuration,
            maxIterations: maxIterations,
            thresholds: Self.tolerances.filter { metrics.contains($0.key) }.merging(extraTolerances) { _, extra in extra }
        )
    }
}
