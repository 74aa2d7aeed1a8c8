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
        if let value { self.digits(value) }
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
        guard let date else { return }
        let milliseconds = date.epochMilliseconds
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let (year, month, day) = GregorianCalendar.date(daysSinceEpoch: days)
        self.digits(year, width: 4)
        self.bytes.append(UInt8(ascii: "-"))
        self.digits(month, width: 2)
        self.bytes.append(UInt8(ascii: "-"))
        self.digits(day, width: 2)
        self.bytes.append(UInt8(ascii: "T"))
        self.digits(second / 3600, width: 2)
        self.bytes.append(UInt8(ascii: ":"))
        self.digits(second / 60 % 60, width: 2)
        self.bytes.append(UInt8(ascii: ":"))
        self.digits(second % 60, width: 2)
        self.bytes.append(UInt8(ascii: "Z"))
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

    /// Decimal digits, zero-padded to `width`.
    private mutating func digits(_ value: Int64, width: Int = 1) {
        if value < 0 {
            self.bytes.append(UInt8(ascii: "-"))
            // Int64.min has no positive counterpart; its magnitude fits in UInt64.
            self.unsignedDigits(UInt64(bitPattern: 0 &- value), width: width)
        } else {
            self.unsignedDigits(UInt64(value), width: width)
        }
    }

    private mutating func unsignedDigits(_ value: UInt64, width: Int) {
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var remaining = value
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0 || buffer.count - index < width
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }
}
