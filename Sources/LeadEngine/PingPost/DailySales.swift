import Synchronization

/// Leads each buyer bought today, for `daily_cap`: read on every ping, reserved on every post.
/// A day is a UTC calendar day (buyers have no time zone setting yet).
public final class DailySales: Sendable {
    struct Count: Sendable {
        var day: Int64
        var sold: Int
    }

    private let counts = Mutex<[String: Count]>([:])

    public init() {}

    static func day(ofMilliseconds milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    }

    /// Milliseconds at the start of the UTC day that holds `milliseconds`.
    public static func startOfDay(milliseconds: Int64) -> Int64 { self.day(ofMilliseconds: milliseconds) * 86_400_000 }

    /// Today's counts, taken under one lock for a whole ping: copying the dictionary is O(1).
    public func snapshot(nowMilliseconds: Int64) -> Snapshot {
        Snapshot(today: Self.day(ofMilliseconds: nowMilliseconds), counts: self.counts.withLock { $0 })
    }

    public struct Snapshot: Sendable {
        let today: Int64
        let counts: [String: Count]

        public subscript(buyerID: String) -> Int {
            guard let count = self.counts[buyerID], count.day == self.today else { return 0 }
            return count.sold
        }
    }

    /// Counts one more sale today unless that would pass `cap`; false when the cap is reached.
    public func reserve(buyerID: String, cap: Int?, nowMilliseconds: Int64) -> Bool {
        let today = Self.day(ofMilliseconds: nowMilliseconds)
        return self.counts.withLock { counts in
            var count = counts[buyerID].flatMap { $0.day == today ? $0 : nil } ?? Count(day: today, sold: 0)
            if let cap, count.sold >= cap { return false }
            count.sold += 1
            counts[buyerID] = count
            return true
        }
    }

    /// Gives back a reservation whose sale did not commit.
    public func release(buyerID: String, nowMilliseconds: Int64) {
        let today = Self.day(ofMilliseconds: nowMilliseconds)
        self.counts.withLock { counts in
            if var count = counts[buyerID], count.day == today, count.sold > 0 {
                count.sold -= 1
                counts[buyerID] = count
            }
        }
    }

    /// Sets today's counts from the store at start.
    public func load(_ soldToday: [String: Int], nowMilliseconds: Int64) {
        let today = Self.day(ofMilliseconds: nowMilliseconds)
        self.counts.withLock { counts in
            for (buyer, sold) in soldToday { counts[buyer] = Count(day: today, sold: sold) }
        }
    }
}
