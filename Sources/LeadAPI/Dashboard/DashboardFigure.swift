import Foundation

/// One figure on a page: the name and raw value the API gives it (in `data-figure` and
/// `data-value`, for tests and scripts) and the text a person reads.
struct DashboardFigure {
    var name: String
    var label: String
    var value: String
    var shown: String

    static func count(_ name: String, _ label: String, _ value: Int) -> DashboardFigure {
        DashboardFigure(name: name, label: label, value: "\(value)", shown: DashboardFormat.count(value))
    }

    static func cents(_ name: String, _ label: String, _ value: Int64) -> DashboardFigure {
        DashboardFigure(name: name, label: label, value: "\(value)", shown: DashboardFormat.dollars(value))
    }

    /// A ratio as the API rounds it, shown as a percentage.
    static func ratio(_ name: String, _ label: String, _ value: Double) -> DashboardFigure {
        DashboardFigure(name: name, label: label, value: DashboardFormat.ratio(value), shown: DashboardFormat.percent(value))
    }

    static func rate(_ name: String, _ label: String, _ value: Double) -> DashboardFigure {
        DashboardFigure(name: name, label: label, value: String(format: "%.1f", value), shown: DashboardFormat.perSecond(value))
    }

    /// A latency in microseconds; empty when none was measured.
    static func latency(_ name: String, _ label: String, microseconds: Int?) -> DashboardFigure {
        DashboardFigure(
            name: name, label: label, value: microseconds.map { "\($0)" } ?? "", shown: DashboardFormat.milliseconds(microseconds: microseconds)
        )
    }

    /// As a template reads it.
    var values: [String: Any] { ["name": self.name, "label": self.label, "value": self.value, "shown": self.shown] }
}
