import Synchronization

/// Leads each buyer bought today, for `daily_cap`: read on every ping, reserved on every post.
/// "Today" is the buyer's calendar day in its `time_zone`. Each count remembers when its day ends,
/// so the hot path compares two integers; the calendar is consulted only when a day rolls over.
/// A buyer that changes its time zone keeps the current count until that day ends.
public final class DailySales: Sendable {
    struct Count: Sendable {
        var dayEndsAt: Int64
        var sold: Int
    }

    private let counts = Mutex<[String: Count]>([:])

    public init() {}

    static func day(ofMilliseconds milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    }

    /// Milliseconds at the start of the UTC day that holds `milliseconds` (campaign budgets count UTC days).
    public static func startOfDay(milliseconds: Int64) -> Int64 { self.day(ofMilliseconds: milliseconds) * 86_400_000 }

    /// Today's counts, taken under one lock for a whole ping: copying the dictionary is O(1).
    public func snapshot(nowMilliseconds: Int64) -> Snapshot {
        Snapshot(now: nowMilliseconds, counts: self.counts.withLock { $0 })
    }

    public struct Snapshot: Sendable {
        let now: Int64
        let counts: [String: Count]

        public subscript(buyerID: String) -> Int {
            guard let count = self.counts[buyerID], self.now < count.dayEndsAt else { return 0 }
            return count.sold
        }
    }

    /// Counts one more sale today unless that would pass `cap`; false when the cap is reached.
    public func reserve(buyerID: String, cap: Int?, timeZone: String, nowMilliseconds: Int64) -> Bool {
        self.counts.withLock { counts in
            var count = counts[buyerID].flatMap { nowMilliseconds < $0.dayEndsAt ? $0 : nil }
                ?? Count(dayEndsAt: LocalDay(containing: nowMilliseconds, timeZone: timeZone).endMilliseconds, sold: 0)
            if let cap, count.sold >= cap { return false }
            count.sold += 1
            counts[buyerID] = count
            return true
        }
    }

    /// Gives back a reservation whose sale did not commit.
    public func release(buyerID: String, nowMilliseconds: Int64) {
        self.counts.withLock { counts in
            if var count = counts[buyerID], nowMilliseconds < count.dayEndsAt, count.sold > 0 {
                count.sold -= 1
                counts[buyerID] = count
            }
        }
    }

    /// Sets a buyer's count for the day that ends at `dayEndsAt`, from the store at start.
    public func load(buyerID: String, sold: Int, dayEndsAt: Int64) {
        self.counts.withLock { $0[buyerID] = Count(dayEndsAt: dayEndsAt, sold: sold) }
    }

    /// Restores today's count of every buyer from the store, each day in the buyer's time zone.
    public func restore(buyers: [Buyer], from repository: any SaleRepository, nowMilliseconds: Int64) async throws {
        let days = Dictionary(uniqueKeysWithValues: buyers.map { ($0.id, LocalDay(containing: nowMilliseconds, timeZone: $0.timeZone)) })
        let sold = try await repository.salesCount(sinceByBuyer: days.mapValues(\.startMilliseconds))
        for (buyerID, day) in days {
            self.load(buyerID: buyerID, sold: sold[buyerID] ?? 0, dayEndsAt: day.endMilliseconds)
        }
    }
}
