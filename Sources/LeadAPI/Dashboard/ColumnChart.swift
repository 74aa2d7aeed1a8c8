import Foundation

/// A column chart as inline SVG (one column per value, oldest left), drawn by the server like
/// `BarChart`: the live page's pings per minute over the hour.
enum ColumnChart {
    static let width = 640
    static let height = 120

    static func svg(_ values: [Int], title: String, label: String) -> String {
        let largest = max(values.max() ?? 0, 1)
        let columnWidth = Double(Self.width) / Double(max(values.count, 1))
        var svg = """
            <svg class="chart columns" viewBox="0 0 \(Self.width) \(Self.height + 20)" width="100%" role="img" \
            aria-label="\(BarChart.escaped(title))" data-chart="\(BarChart.escaped(label))">
            <title>\(BarChart.escaped(title))</title>
            """
        for (index, value) in values.enumerated() {
            let length = value == 0 ? 0 : max(1, Self.height * value / largest)
            let x = Double(index) * columnWidth
            svg += """
                <rect class="bar" data-value="\(value)" x="\(String(format: "%.1f", x + 1))" y="\(Self.height - length)" \
                width="\(String(format: "%.1f", max(1, columnWidth - 2)))" height="\(length)"></rect>
                """
        }
        svg += """
            <text x="0" y="\(Self.height + 16)">60 min ago</text>\
            <text x="\(Self.width)" y="\(Self.height + 16)" text-anchor="end">now · peak \(largest)/min</text></svg>
            """
        return svg
    }
}
