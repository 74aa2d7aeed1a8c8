import Foundation

/// Whether a call or text may be placed at an instant, in the called party's local time: the
/// state's hours for that weekday (none on a banned day), no calls on holidays where the state
/// bans them, never outside the federal 08:00–21:00, and, when the number may be in several time
/// zones, open in every one of them.
public enum CallingWindow {
    /// What one of the called party's possible time zones says.
    public struct ZoneVerdict: Sendable, Equatable {
        public var timeZone: String
        /// Local date and time there: `2026-04-22`, `14:30`.
        public var localDate: String
        public var localTime: String
        public var weekday: Weekday
        /// The window that applied; nil when calls are banned all that day.
        public var hours: DailyHours?
        public var open: Bool
        /// Why it is closed, for people.
        public var reason: String?
    }

    public struct Verdict: Sendable, Equatable {
        public var open: Bool
        public var zones: [ZoneVerdict]
        /// Facts a caller should know even when the window is open (state hours unknown, a zone guessed).
        public var warnings: [String]
    }

    /// The time zones the owner of `phone` (E.164) may be in: the area code's zones (every one it
    /// is used in), and the state's zones as well when the area code belongs to another state
    /// (numbers move with people). Without a known area code, the state's zones.
    public static func timeZones(phone: String, state: StateRule?) -> [String] {
        var zones: [String] = []
        let digits = phone.hasPrefix("+1") ? phone.dropFirst(2) : Substring(phone)
        if digits.count == 10, let code = Int(digits.prefix(3)), let areaCode = AreaCodes.lookUp(code) {
            zones = areaCode.timeZones
            if let state, areaCode.state != state.code { zones += state.timeZones.filter { !zones.contains($0) } }
        } else if let state {
            zones = state.timeZones
        }
        return zones
    }

    public static func evaluate(rule: StateRule, federalFloor: DailyHours, timeZones: [String], atMilliseconds: Int64) -> Verdict {
        var warnings: [String] = []
        if rule.callingHours == nil {
            warnings.append("\(rule.name)'s own calling hours are unknown; the federal 08:00–21:00 was applied")
        }
        let instant = Date(epochMilliseconds: atMilliseconds)
        let zones = timeZones.compactMap { identifier -> ZoneVerdict? in
            guard let zone = TimeZone(identifier: identifier) else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
            guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute,
                let weekday = parts.weekday.flatMap(Weekday.init(rawValue:))
            else { return nil }
            let minuteOfDay = hour * 60 + minute
            var verdict = ZoneVerdict(
                timeZone: identifier, localDate: Self.date(year, month, day), localTime: Self.time(hour, minute), weekday: weekday,
                hours: nil, open: false, reason: nil
            )
            guard let window = Self.hours(rule: rule, federalFloor: federalFloor, on: weekday) else {
                verdict.reason = "no solicitation calls on \(weekday.name) in \(rule.name)"
                return verdict
            }
            verdict.hours = window
            if rule.holidayBan == true, let holiday = FederalHolidays.holiday(year: year, month: month, day: day) {
                verdict.reason = "no solicitation calls on holidays in \(rule.name): \(holiday.name)"
                return verdict
            }
            guard window.contains(minuteOfDay: minuteOfDay) else {
                verdict.reason = "\(verdict.localTime) in \(identifier) is outside \(window.start)–\(window.end)"
                return verdict
            }
            verdict.open = true
            return verdict
        }
        if zones.isEmpty { warnings.append("no time zone is known for this number or state") }
        return Verdict(open: !zones.isEmpty && zones.allSatisfy(\.open), zones: zones, warnings: warnings)
    }

    /// The window on `weekday` in `rule`'s state, never wider than the federal one; nil when calls are banned that day.
    static func hours(rule: StateRule, federalFloor: DailyHours, on weekday: Weekday) -> DailyHours? {
        let stateHours: DailyHours? = rule.callingHours.map { $0[weekday] } ?? federalFloor
        guard let hours = stateHours else { return nil }
        return DailyHours(
            startMinutes: max(hours.startMinutes, federalFloor.startMinutes), endMinutes: min(hours.endMinutes, federalFloor.endMinutes)
        ) ?? federalFloor
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> String {
        "\(year)-" + (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
    }

    private static func time(_ hour: Int, _ minute: Int) -> String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
