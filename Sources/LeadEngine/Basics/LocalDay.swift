import Foundation

/// A calendar day in a time zone, as epoch milliseconds: where a buyer's `daily_cap` starts over.
/// Days are 23 or 25 hours long across daylight-saving changes, so they come from the calendar,
/// never from adding 86,400 seconds.
public struct LocalDay: Sendable, Equatable {
    public var startMilliseconds: Int64
    public var endMilliseconds: Int64

    /// IANA zone names accepted for a buyer's `time_zone` ("UTC", "America/Chicago", …).
    public static let knownTimeZones: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])

    public static func isKnownTimeZone(_ identifier: String) -> Bool { self.knownTimeZones.contains(identifier) }

    /// The day that holds `milliseconds` in the zone; an unknown zone counts as UTC.
    public init(containing milliseconds: Int64, timeZone identifier: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        let start = calendar.startOfDay(for: Date(epochMilliseconds: milliseconds))
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        self.startMilliseconds = start.epochMilliseconds
        self.endMilliseconds = end.epochMilliseconds
    }
}
