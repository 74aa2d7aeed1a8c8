/// Latencies in log-linear buckets: exact below 8 µs, then eight buckets per power of two, so a
/// percentile read from it is within 12.5 % of the true value, in a fixed few kilobytes however
/// many latencies it holds.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBuckets = 8
    /// Enough powers of two for a day in microseconds.
    static let bucketCount = subBuckets + 37 * subBuckets

    /// Empty until the first latency: most minutes of a quiet tenant never allocate.
    private var counts: [Int] = []
    public private(set) var count = 0

    public init() {}

    public mutating func record(microseconds: Int) {
        if self.counts.isEmpty { self.counts = Array(repeating: 0, count: Self.bucketCount) }
        self.counts[Self.bucket(of: max(0, microseconds))] += 1
        self.count += 1
    }

    public mutating func add(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        if self.counts.isEmpty { self.counts = Array(repeating: 0, count: Self.bucketCount) }
        for index in other.counts.indices { self.counts[index] += other.counts[index] }
        self.count += other.count
    }

    /// The latency `fraction` (0…1) of the recorded ones are at or under: the upper bound of
    /// the bucket that holds it. Nil when nothing was recorded.
    public func percentile(_ fraction: Double) -> Int? {
        guard self.count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(self.count)).rounded(.up)))
        var seen = 0
        for index in self.counts.indices {
            seen += self.counts[index]
            if seen >= rank { return Self.upperBound(of: index) }
        }
        return Self.upperBound(of: self.counts.count - 1)
    }

    static func bucket(of value: Int) -> Int {
        if value < subBuckets { return value }
        let exponent = Int.bitWidth - 1 - value.leadingZeroBitCount
        let shift = exponent - 3
        let index = subBuckets + shift * subBuckets + ((value >> shift) & (subBuckets - 1))
        return min(index, bucketCount - 1)
    }

    static func upperBound(of bucket: Int) -> Int {
        if bucket < subBuckets { return bucket }
        let shift = (bucket - subBuckets) / subBuckets
        let sub = (bucket - subBuckets) % subBuckets
        return ((subBuckets + sub + 1) << shift) - 1
    }
}
