import Foundation
import LeadEngine

/// How the pages write numbers for a person; `data-value` attributes keep the raw value the API gives.
enum DashboardFormat {
    private static let english = Locale(identifier: "en_US")

    /// As the API rounds a ratio: to three decimals.
    static func ratio(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f %%", value * 100)
    }

    static func count(_ value: Int) -> String {
        value.formatted(.number.grouping(.automatic).locale(Self.english))
    }

    static func dollars(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let whole = Int64(magnitude / 100).formatted(.number.grouping(.automatic).locale(Self.english))
        return "\(sign)$\(whole).\(String(format: "%02d", Int(magnitude % 100)))"
    }

    static func perSecond(_ value: Double) -> String {
        String(format: "%.1f/s", value)
    }

    /// A latency in microseconds, as milliseconds; "–" when nothing was measured.
    static func milliseconds(microseconds: Int?) -> String {
        guard let microseconds else { return "–" }
        return microseconds < 10_000 ? String(format: "%.2f ms", Double(microseconds) / 1000) : "\(microseconds / 1000) ms"
    }

    /// A UTC time to the second, as the API's timestamps read.
    static func time(milliseconds: Int64) -> String {
        Self.time(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func time(_ date: Date) -> String {
        let style = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash)
            .time(includingFractionalSeconds: false).timeSeparator(.colon)
        return date.formatted(style).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func time(_ date: Date?) -> String {
        date.map { Self.time($0) } ?? "–"
    }
}
