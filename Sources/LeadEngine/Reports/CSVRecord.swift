import Foundation

/// One line of an RFC 4180 CSV file, written straight to bytes (an export writes a million). A field
/// holding a comma, a double quote, a CR or an LF is quoted, its quotes doubled. Free text is
/// guarded against formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell starting
/// with `=`, `+`, `-`, `@`, a tab or a CR as a formula, so such text gets a leading `'`. Values the
/// engine made (ids, numbers, E.164 phone numbers, times, enumerations) are written as they are: a
/// `+1702…` stays a phone number.
public struct CSVRecord: Sendable {
    /// The line so far, without its CRLF.
    private var bytes: [UInt8] = []
    private var first = true

    public init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    /// A value the engine made; nil is an empty field.
    public mutating func value(_ value: String?) {
        self.separate()
        if let value { self.append(value, guarded: false) }
    }

    public mutating func value(_ value: Int64?) {
        self.separate()
        if let value { ASCIIText.appendInteger(value, to: &self.bytes) }
    }

    public mutating func value(_ value: Int?) {
        self.value(value.map(Int64.init))
    }

    /// Text someone typed; nil is an empty field.
    public mutating func text(_ text: String?) {
        self.separate()
        if let text { self.append(text, guarded: true) }
    }

    /// An RFC 3339 UTC time with whole seconds, as the API writes times; nil is an empty field.
    public mutating func time(_ date: Date?) {
        self.separate()
        if let date { ASCIIText.appendTimestamp(milliseconds: date.epochMilliseconds, to: &self.bytes) }
    }

    /// The line with its CRLF, added to `output`.
    public func write(to output: inout [UInt8]) {
        output.append(contentsOf: self.bytes)
        output.append(13)
        output.append(10)
    }

    /// The line with its CRLF, as text.
    public var encoded: String {
        var line: [UInt8] = []
        self.write(to: &line)
        return String(decoding: line, as: UTF8.self)
    }

    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@") || byte == 9 || byte == 13
    }

    private mutating func separate() {
        if !self.first { self.bytes.append(UInt8(ascii: ",")) }
        self.first = false
    }

    private mutating func append(_ field: String, guarded: Bool) {
        var field = field
        field.withUTF8 { utf8 in
            let prefix = guarded && utf8.first.map(Self.startsFormula) == true
            let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }
            if quoted { self.bytes.append(UInt8(ascii: "\"")) }
            if prefix { self.bytes.append(UInt8(ascii: "'")) }
            if quoted {
                for byte in utf8 {
                    if byte == UInt8(ascii: "\"") { self.bytes.append(byte) }
                    self.bytes.append(byte)
                }
                self.bytes.append(UInt8(ascii: "\""))
            } else {
                self.bytes.append(contentsOf: utf8)
            }
        }
    }
}
