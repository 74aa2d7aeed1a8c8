/// US federal holidays (5 U.S.C. § 6103), computed for any year, for the states that ban
/// solicitation calls on holidays. When a holiday falls on a Saturday it is observed the Friday
/// before, on a Sunday the Monday after (Executive Order 11582); both the date itself and the
/// observed day count, since callers cannot know which one a state's statute means.
public enum FederalHolidays {
    public struct Holiday: Sendable, Equatable {
        public var name: String
        public var month: Int
        public var day: Int
        /// True for the weekday a weekend holiday is observed on.
        public var observed: Bool
    }

    /// Every holiday date of `year`, with observed days, in calendar order.
    public static func holidays(in year: Int) -> [Holiday] {
        var fixed: [(String, Int, Int)] = [("New Year's Day", 1, 1), ("Independence Day", 7, 4), ("Veterans Day", 11, 11), ("Christmas Day", 12, 25)]
        // Juneteenth National Independence Day, a federal holiday since 2021.
        if year >= 2021 { fixed.append(("Juneteenth", 6, 19)) }
        var holidays: [Holiday] = []
        for (name, month, day) in fixed {
            holidays.append(Holiday(name: name, month: month, day: day, observed: false))
            switch Self.weekday(year: year, month: month, day: day) {
            case 6: holidays.append(Self.shifted(name, year: year, month: month, day: day, by: -1))
            case 0: holidays.append(Self.shifted(name, year: year, month: month, day: day, by: 1))
            default: break
            }
        }
        // The Monday holidays (Uniform Monday Holiday Act) and Thanksgiving.
        let floating: [(String, Int, Int, Int)] = [
            ("Birthday of Martin Luther King, Jr.", 1, 1, 3), ("Washington's Birthday", 2, 1, 3), ("Labor Day", 9, 1, 1),
            ("Columbus Day", 10, 1, 2), ("Thanksgiving Day", 11, 4, 4),
        ]
        for (name, month, weekday, ordinal) in floating {
            holidays.append(Holiday(name: name, month: month, day: Self.nth(weekday, ordinal, year: year, month: month), observed: false))
        }
        holidays.append(Holiday(name: "Memorial Day", month: 5, day: Self.lastMonday(year: year, month: 5), observed: false))
        return holidays.sorted { ($0.month, $0.day) < ($1.month, $1.day) }
    }

    /// The holiday on that calendar date, if any (an observed day included).
    public static func holiday(year: Int, month: Int, day: Int) -> Holiday? {
        // An observed New Year's Day can fall on December 31 of the year before.
        let candidates = Self.holidays(in: year) + (month == 12 ? Self.holidays(in: year + 1).filter { $0.month == 12 } : [])
        return candidates.first { $0.month == month && $0.day == day }
    }

    /// 0 = Sunday … 6 = Saturday.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        let days = GregorianCalendar.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        // 1970-01-01 was a Thursday.
        return Int(((days % 7) + 7 + 4) % 7)
    }

    private static func shifted(_ name: String, year: Int, month: Int, day: Int, by offset: Int64) -> Holiday {
        let days = GregorianCalendar.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day)) + offset
        let date = GregorianCalendar.date(daysSinceEpoch: days)
        return Holiday(name: name + " (observed)", month: Int(date.month), day: Int(date.day), observed: true)
    }

    /// The day of the `ordinal`-th `weekday` (0 = Sunday) of the month.
    private static func nth(_ weekday: Int, _ ordinal: Int, year: Int, month: Int) -> Int {
        let first = Self.weekday(year: year, month: month, day: 1)
        return 1 + (weekday - first + 7) % 7 + (ordinal - 1) * 7
    }

    private static func lastMonday(year: Int, month: Int) -> Int {
        let lastDay = Int(GregorianCalendar.date(daysSinceEpoch: GregorianCalendar.daysSinceEpoch(year: Int64(year), month: Int64(month) + 1, day: 1) - 1).day)
        let weekday = Self.weekday(year: year, month: month, day: lastDay)
        return lastDay - (weekday - 1 + 7) % 7
    }
}
