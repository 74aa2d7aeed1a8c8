/// A strict RFC 8259 parser into `JSONValue`.
///
/// Foundation's decoder accepts some malformed input (trailing commas among it); an API that says
/// "malformed JSON is a 400" must refuse it. Nesting is capped so a hostile body cannot exhaust the stack.
public struct JSONParser {
    public struct SyntaxError: Error, Equatable {
        public var offset: Int
        public var reason: String
    }

    public static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(SyntaxError) in try Self.parse(buffer) } }
        return try result.get()
    }

    private func error(_ reason: String) -> SyntaxError { SyntaxError(offset: self.index, reason: reason) }

    private var current: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { self.index += 1 }
    }

    private mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(SyntaxError) -> JSONValue {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("truncated literal") }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw self.error("invalid literal")
        }
        self.index += count
        return value
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
        guard let byte = self.current else { throw self.error("expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try self.parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try self.parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): return try self.expect("true", .bool(true))
        case UInt8(ascii: "f"): return try self.expect("false", .bool(false))
        case UInt8(ascii: "n"): return try self.expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw self.error("nested too deeply") }
        self.index += 1
        var object: [String: JSONValue] = [:]
        self.skipWhitespace()
        if self.current == UInt8(ascii: "}") {
            self.index += 1
            return .object(object)
        }
        while true {
            self.skipWhitespace()
            guard self.current == UInt8(ascii: "\"") else { throw self.error("expected a member name") }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.current == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            object[key] = try self.parseValue(depth: depth)
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"):
                self.index += 1
                return .object(object)
            default: throw self.error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw self.error("nested too deeply") }
        self.index += 1
        var array: [JSONValue] = []
        self.skipWhitespace()
        if self.current == UInt8(ascii: "]") {
            self.index += 1
            return .array(array)
        }
        while true {
            self.skipWhitespace()
            array.append(try self.parseValue(depth: depth))
            self.skipWhitespace()
            switch self.current {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"):
                self.index += 1
                return .array(array)
            default: throw self.error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        self.index += 1
        let start = self.index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        while let byte = self.current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw self.error("control character in string") }
            self.index += 1
        }
        guard let stop = self.current else { throw self.error("unterminated string") }
        var utf8 = Array(self.bytes[start..<self.index])
        if stop == UInt8(ascii: "\\") {
            try self.parseEscapedTail(into: &utf8)
        }
        self.index += 1
        guard let string = String(validating: utf8, as: UTF8.self) else { throw self.error("invalid UTF-8 in string") }
        return string
    }

    private mutating func parseEscapedTail(into utf8: inout [UInt8]) throws(SyntaxError) {
        while let byte = self.current, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20 else { throw self.error("control character in string") }
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                self.index += 1
                continue
            }
            self.index += 1
            guard let escaped = self.current else { throw self.error("unterminated escape") }
            self.index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try self.parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard self.current == UInt8(ascii: "\\"), self.index + 1 < self.bytes.count, self.bytes[self.index + 1] == UInt8(ascii: "u") else {
                        throw self.error("unpaired surrogate")
                    }
                    self.index += 2
                    let low = try self.parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw self.error("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw self.error("unpaired surrogate")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw self.error("invalid escape") }
                utf8.append(contentsOf: String(Character(unicode)).utf8)
            default: throw self.error("invalid escape")
            }
        }
        guard self.current != nil else { throw self.error("unterminated string") }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(SyntaxError) -> JSONValue {
        let start = self.index
        if self.current == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.current, Self.isDigit(first) else { throw self.error("invalid number") }
        self.index += 1
        if first != UInt8(ascii: "0") { self.skipDigits() }
        var isInteger = true
        if self.current == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            guard let digit = self.current, Self.isDigit(digit) else { throw self.error("invalid number") }
            self.skipDigits()
        }
        if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.index += 1 }
            guard let digit = self.current, Self.isDigit(digit) else { throw self.error("invalid number") }
            self.skipDigits()
        }
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw self.error("number out of range") }
        return .number(double)
    }

    private mutating func skipDigits() {
        while let byte = self.current, Self.isDigit(byte) { self.index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
