// What a run counted: latencies per request kind, errors by kind, and the scenario's extras.
import Atomics
import Histogram

/// Latencies in microseconds, up to 60 s, three significant digits.
typealias LatencyHistogram = Histogram<UInt64>

func makeLatencyHistogram() -> LatencyHistogram {
    LatencyHistogram(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
}

/// One event loop's counts; merged across loops at the end of a run.
struct Tally: Sendable {
    var latencies: [RequestKind: LatencyHistogram] = [:]
    /// Measured requests scheduled (after warmup).
    var scheduled = 0
    /// Answers, any status, per kind.
    var answered: [RequestKind: Int] = [:]
    /// "connect", "timeout", "closed", "bad_response", or an HTTP status such as "503"
    /// (prefixed with the kind for posts: "post 409").
    var errors: [String: Int] = [:]
    /// ping-rtb: ping answers that came later than tmax_ms plus the allowance after their send.
    var lateAnswers = 0
    /// ping-post: pings answered 200 without any bid, so no post followed.
    var pingsWithoutBid = 0
    /// ping-post: posts answered 200 (the lead sold).
    var sold = 0
    /// With --acknowledged-leads: the `lead_id` of every post or inbound lead answered 2xx,
    /// warmup included, for a later check that the store holds each one.
    var acknowledgedLeads: [String] = []
    /// Uptime nanoseconds of the first and last measured answers: a server that falls behind
    /// stretches this span past the duration, which is what the achieved rate shows.
    var firstAnswerAt: UInt64 = .max
    var lastAnswerAt: UInt64 = 0

    var errorCount: Int { errors.values.reduce(0, +) }

    mutating func record(_ kind: RequestKind, microseconds: UInt64) {
        if latencies[kind] == nil { latencies[kind] = makeLatencyHistogram() }
        _ = latencies[kind]!.record(min(microseconds, 60_000_000))
        answered[kind, default: 0] += 1
    }

    mutating func count(error: String, _ n: Int = 1) {
        errors[error, default: 0] += n
    }

    mutating func merge(_ other: Tally) {
        for (kind, histogram) in other.latencies {
            if latencies[kind] == nil { latencies[kind] = makeLatencyHistogram() }
            latencies[kind]!.add(histogram)
        }
        scheduled += other.scheduled
        answered.merge(other.answered, uniquingKeysWith: +)
        errors.merge(other.errors, uniquingKeysWith: +)
        lateAnswers += other.lateAnswers
        pingsWithoutBid += other.pingsWithoutBid
        sold += other.sold
        acknowledgedLeads += other.acknowledgedLeads
        firstAnswerAt = min(firstAnswerAt, other.firstAnswerAt)
        lastAnswerAt = max(lastAnswerAt, other.lastAnswerAt)
    }
}

/// Running totals shared by all loops, read once a second for the progress line.
final class Progress: Sendable {
    let scheduled = ManagedAtomic<Int>(0)
    let answered = ManagedAtomic<Int>(0)
    let errors = ManagedAtomic<Int>(0)
}
