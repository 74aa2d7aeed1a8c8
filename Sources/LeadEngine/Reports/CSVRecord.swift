import Foundation

/// One line of an RFC 4180 CSV file. A field holding a comma, a double quote, a CR or an LF is
/// quoted, its quotes doubled. Free text is guarded against formula injection (OWASP "CSV
/// Injection"): a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, a tab or a CR as a
/// formula, so such text gets a leading `'`. Values the engine made (ids, numbers, E.164 phone
/// numbers, times, enumerations) are written as they are: a `+1702…` stays a phone number.
public struct CSVRecord: Sendable {
    private var line = ""
    private var first = true

    public init() {}

    /// A value the engine made; nil is an empty field.
    public mutating func value(_ value: String?) {
        self.append(value ?? "")
    }

    public mutating func value(_ value: Int64?) {
        self.append(value.map { String($0) } ?? "")
    }

    public mutating func value(_ value: Int?) {
        self.append(value.map { String($0) } ?? "")
    }

    /// An RFC 3339 UTC time with whole seconds, as the API writes times; nil is an empty field.
    public mutating func time(_ date: Date?) {
        guard let date else { return self.append("") }
        let milliseconds = date.epochMilliseconds
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let (year, month, day) = GregorianCalendar.date(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        self.append("\(year)-\(two(month))-\(two(day))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z")
    }

    /// Text someone typed; nil is an empty field.
    public mutating func text(_ text: String?) {
        guard let text else { return self.append("") }
        self.append(Self.startsFormula(text) ? "'" + text : text)
    }

    /// The line with its CRLF.
    public var encoded: String { self.line + "\r\n" }

    static func startsFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first)
    }

    private mutating func append(_ field: String) {
        if !self.first { self.line += "," }
        self.first = false
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }
        self.line += needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
