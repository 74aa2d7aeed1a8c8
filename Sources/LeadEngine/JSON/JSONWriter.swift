/// Writes JSON straight into bytes, for the hot answers (ping, post): no `Codable`, no `JSONValue`
/// tree, no formatter objects. Commas are placed by the writer, so callers only name keys and values.
///
/// Strings are escaped as RFC 8259 requires: `"`, `\` and every control character below U+0020.
/// Everything else, non-ASCII included, is copied as the valid UTF-8 a Swift string already is.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// One bit per open container, set once it holds a member: a comma goes before the next one.
    private var hasMembers: UInt64 = 0
    private var depth = 0
    /// Set between a key and its value, which takes no comma.
    private var afterKey = false

    public init(capacity: Int = 512) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.open()
    }

    public mutating func endObject() {
        self.close()
        self.bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.open()
    }

    public mutating func endArray() {
        self.close()
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the next value written is its value.
    public mutating func key(_ name: String) {
        self.separate()
        self.writeQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.afterKey = true
    }

    public mutating func string(_ value: String) {
        self.separate()
        self.writeQuoted(value)
    }

    public mutating func integer(_ value: Int64) {
        self.separate()
        ASCIIText.appendInteger(value, to: &self.bytes)
    }

    /// A number: integral values as integers (as JSONEncoder writes them), others in Swift's
    /// shortest round-tripping form; JSON has no NaN or infinity, so those are `null`.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return self.null() }
        if value.rounded() == value, abs(value) < 9.0e15 { return self.integer(Int64(value)) }
        self.separate()
        self.bytes.append(contentsOf: value.description.utf8)
    }

    public mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: Self.nullBytes)
    }

    /// An RFC 3339 UTC time with whole seconds, as the API writes times: `"2026-04-22T14:30:00Z"`.
    public mutating func timestamp(milliseconds: Int64) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        ASCIIText.appendTimestamp(milliseconds: milliseconds, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
    }

    // MARK: - Internals

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func open() {
        precondition(self.depth < 64, "JSONWriter nests at most 64 containers")
        self.depth += 1
        self.hasMembers &= ~(1 << UInt64(self.depth))
    }

    private mutating func close() {
        precondition(self.depth > 0, "JSONWriter: end without begin")
        self.depth -= 1
    }

    /// A comma before every member but a container's first, and none between a key and its value.
    private mutating func separate() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        guard self.depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(self.depth)
        if self.hasMembers & bit != 0 { self.bytes.append(UInt8(ascii: ",")) }
        self.hasMembers |= bit
    }

    private mutating func writeQuoted(_ value: String) {
        self.bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                self.escape(byte)
                start = index + 1
            }
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        let backslash = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""): self.bytes.append(contentsOf: [backslash, UInt8(ascii: "\"")])
        case backslash: self.bytes.append(contentsOf: [backslash, backslash])
        case 0x0A: self.bytes.append(contentsOf: [backslash, UInt8(ascii: "n")])
        case 0x0D: self.bytes.append(contentsOf: [backslash, UInt8(ascii: "r")])
        case 0x09: self.bytes.append(contentsOf: [backslash, UInt8(ascii: "t")])
        case 0x08: self.bytes.append(contentsOf: [backslash, UInt8(ascii: "b")])
        case 0x0C: self.bytes.append(contentsOf: [backslash, UInt8(ascii: "f")])
        default:
            self.bytes.append(contentsOf: [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            self.bytes.append(Self.hexDigits[Int(byte >> 4)])
            self.bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

}

/// Calendar arithmetic on epoch day counts, for writing times without formatter objects.
public enum GregorianCalendar {
    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func date(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Day count since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
