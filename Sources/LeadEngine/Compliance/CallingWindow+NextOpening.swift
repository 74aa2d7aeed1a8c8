import Foundation

extension CallingWindow {
    /// The first instant at or after `fromMilliseconds` at which `evaluate` would answer open: the
    /// state's hours that weekday, no banned day or holiday, inside the federal floor, in every one
    /// of `timeZones` at once. Computed from the rules day by day in each zone (so daylight saving
    /// moves the instant, not the local time), never by probing. Nil when the window does not open
    /// within `horizonDays` or no zone is known.
    public static func nextOpening(
        rule: StateRule, federalFloor: DailyHours, timeZones: [String], fromMilliseconds: Int64, horizonDays: Int = 21
    ) -> Int64? {
        var common: [Range<Int64>]?
        for identifier in timeZones {
            // `evaluate` ignores a zone it cannot load; so does this.
            guard let zone = TimeZone(identifier: identifier) else { continue }
            let open = Self.openIntervals(rule: rule, federalFloor: federalFloor, zone: zone, fromMilliseconds: fromMilliseconds, days: horizonDays)
            common = common.map { Self.intersection($0, open) } ?? open
        }
        guard let first = common?.first(where: { $0.upperBound > fromMilliseconds }) else { return nil }
        return max(first.lowerBound, fromMilliseconds)
    }

    /// The windows of one zone, in epoch milliseconds, from the local day before `fromMilliseconds` on.
    static func openIntervals(rule: StateRule, federalFloor: DailyHours, zone: TimeZone, fromMilliseconds: Int64, days: Int) -> [Range<Int64>] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.startOfDay(for: Date(epochMilliseconds: fromMilliseconds))
        var intervals: [Range<Int64>] = []
        for offset in -1...days {
            guard let day = calendar.date(byAdding: .day, value: offset, to: start) else { continue }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day,
                let weekday = parts.weekday.flatMap(Weekday.init(rawValue:)),
                let hours = Self.hours(rule: rule, federalFloor: federalFloor, on: weekday)
            else { continue }
            if rule.holidayBan == true, FederalHolidays.holiday(year: year, month: month, day: dayOfMonth) != nil { continue }
            func instant(_ minutes: Int) -> Int64? {
                calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth, hour: minutes / 60, minute: minutes % 60))?
                    .epochMilliseconds
            }
            guard let opens = instant(hours.startMinutes), let closes = instant(hours.endMinutes), opens < closes else { continue }
            intervals.append(opens..<closes)
        }
        return intervals
    }

    /// The instants in both sorted, disjoint lists of intervals.
    static func intersection(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            let lower = max(a[i].lowerBound, b[j].lowerBound)
            let upper = min(a[i].upperBound, b[j].upperBound)
            if lower < upper { result.append(lower..<upper) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return result
    }
}

/// A state's cap on calls and texts to one number in any 24 hours.
public enum DailyContactCap {
    public static let windowMilliseconds: Int64 = 86_400_000

    /// Contacts counted at `atMilliseconds`: those in the 24 hours up to it.
    public static func count(_ contactTimes: [Int64], atMilliseconds: Int64) -> Int {
        contactTimes.count { $0 > atMilliseconds - Self.windowMilliseconds && $0 <= atMilliseconds }
    }

    /// The first instant at or after `fromMilliseconds` when fewer than `limit` contacts fall in
    /// the 24 hours before it: when enough of the recorded ones have aged out.
    public static func nextAllowed(_ contactTimes: [Int64], limit: Int, fromMilliseconds: Int64) -> Int64 {
        let counted = contactTimes.filter { $0 > fromMilliseconds - Self.windowMilliseconds && $0 <= fromMilliseconds }.sorted()
        guard counted.count >= limit else { return fromMilliseconds }
        // One more than the excess must age out; a contact at c counts until c + 24 h.
        return counted[counted.count - limit] + Self.windowMilliseconds
    }
}
