/// A horizontal bar chart as inline SVG, drawn by the server: no script to load, readable with
/// JavaScript off, and the numbers are in the markup for a screen reader or a test to find.
enum BarChart {
    static let width = 640
    static let rowHeight = 34
    static let labelWidth = 120

    static func svg(_ rows: [(label: String, value: Int)], title: String) -> String {
        let largest = max(rows.map(\.value).max() ?? 0, 1)
        let barSpace = Self.width - Self.labelWidth - 70
        let height = rows.count * Self.rowHeight + 10
        var svg = """
            <svg class="chart" viewBox="0 0 \(Self.width) \(height)" width="100%" role="img" aria-label="\(Self.escaped(title))">
            <title>\(Self.escaped(title))</title>
            """
        for (index, row) in rows.enumerated() {
            let y = 5 + index * Self.rowHeight
            let length = row.value == 0 ? 0 : max(2, barSpace * row.value / largest)
            svg += """
                <g data-bar="\(Self.escaped(row.label))" data-value="\(row.value)">\
                <text x="12" y="\(y + 21)">\(Self.escaped(row.label))</text>\
                <rect class="bar" x="\(Self.labelWidth)" y="\(y + 4)" width="\(length)" height="\(Self.rowHeight - 10)" rx="3"></rect>\
                <text x="\(Self.labelWidth + length + 8)" y="\(y + 21)">\(row.value)</text></g>
                """
        }
        return svg + "</svg>"
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
