/// An IPv4 or IPv6 address, parsed by hand so that every spelling a URL or a resolver can give
/// (`2130706433`, `0177.0.0.1`, `127.1`, `::ffff:7f00:1`) ends up as the one address it means.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// Strict text forms only: dotted decimal (four parts, no leading zeros) or RFC 4291 IPv6
    /// (no zone). For configuration and resolver answers; URL hosts go through `init(urlHost:)`.
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseDottedQuad(Substring(text)) {
            self = .v4(v4)
        } else if let v6 = Self.parseIPv6(Substring(text)) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    /// True for the strict text forms `init(_:)` reads (a consent's `ip_address`).
    public static func isValid(_ text: String) -> Bool { IPAddress(text) != nil }

    /// The IPv4 parser of the WHATWG URL standard: one to four parts, each decimal, octal (a
    /// leading 0) or hex (0x), the last filling the bytes left. This is how browsers and
    /// `inet_aton` read `127.1` or `0x7f000001`, so a host spelled that way is that address.
    /// Nil when `host` is not a number in that sense; `.failure` when it is one but not valid.
    static func parseURLIPv4(_ host: Substring) -> Result<UInt32, URLIPv4Error>? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard let last = parts.last, Self.isURLNumber(last) else { return nil }
        guard parts.count <= 4 else { return .failure(.invalid) }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = Self.urlNumber(part) else { return .failure(.invalid) }
            numbers.append(number)
        }
        for number in numbers.dropLast() where number > 255 { return .failure(.invalid) }
        let lastLimit: UInt64 = 1 << (8 * UInt64(5 - numbers.count))
        guard numbers[numbers.count - 1] < lastLimit else { return .failure(.invalid) }
        var value = numbers[numbers.count - 1]
        for (index, number) in numbers.dropLast().enumerated() { value += number << (8 * UInt64(3 - index)) }
        return .success(UInt32(value))
    }

    enum URLIPv4Error: Error { case invalid }

    /// A last label that makes the host a number: all digits, or 0x and hex digits.
    private static func isURLNumber(_ part: Substring) -> Bool {
        guard !part.isEmpty else { return false }
        if part.allSatisfy(\.isASCIIDigit) { return true }
        let lower = part.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy(\.isASCIIHexDigit)
    }

    private static func urlNumber(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.utf8.count <= 34 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    private static func parseDottedQuad(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), part == "0" || !part.hasPrefix("0"),
                let byte = UInt32(part), byte <= 255
            else { return nil }
            value = value << 8 | byte
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> UInt128? {
        guard text.contains(":"), text.utf8.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var tailGroups: [UInt16] = []
        var compressed = false
        let halves = Self.split(text, atDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func parse(_ half: Substring, into groups: inout [UInt16], allowsIPv4: Bool) -> Bool {
            guard !half.isEmpty else { return true }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowsIPv4, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = Self.parseDottedQuad(piece) else { return false }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isASCIIHexDigit), let group = UInt16(piece, radix: 16) else { return false }
                groups.append(group)
            }
            return true
        }
        if halves.count == 2 {
            compressed = true
            guard parse(halves[0], into: &groups, allowsIPv4: false), parse(halves[1], into: &tailGroups, allowsIPv4: true) else { return nil }
            guard groups.count + tailGroups.count <= 7 else { return nil }
        } else {
            guard parse(halves[0], into: &groups, allowsIPv4: true), groups.count == 8 else { return nil }
        }
        let all = compressed ? groups + Array(repeating: 0, count: 8 - groups.count - tailGroups.count) + tailGroups : groups
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// The text around each "::" (a valid address has at most one).
    private static func split(_ text: Substring, atDoubleColon: Void) -> [Substring] {
        var halves: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ":", next < text.endIndex, text[next] == ":" {
                halves.append(text[start..<index])
                start = text.index(after: next)
                index = start
            } else {
                index = next
            }
        }
        halves.append(text[start...])
        return halves
    }

    /// The IPv4 address an IPv6 one stands for, where its form embeds one: IPv4-mapped
    /// (::ffff:0:0/96), IPv4-compatible (::/96, past :: and ::1), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    public var embeddedIPv4: UInt32? {
        guard case .v6(let value) = self else { return nil }
        let low32 = UInt32(truncatingIfNeeded: value)
        switch value >> 32 {
        case 0xFFFF: return low32
        case 0 where value > 1: return low32
        case 0x0064_FF9B_0000_0000_0000_0000: return low32
        default: break
        }
        if value >> 112 == 0x2002 { return UInt32(truncatingIfNeeded: value >> 80) }
        return nil
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        case .v6(let value):
            let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (16 * UInt128(7 - $0))) }
            // RFC 5952: the longest run of two or more zero groups becomes "::".
            var best: (start: Int, length: Int) = (-1, 0)
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else {
                    index += 1
                    continue
                }
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > best.length, end - index >= 2 { best = (index, end - index) }
                index = end
            }
            let hex = groups.map { String($0, radix: 16) }
            guard best.start >= 0 else { return hex.joined(separator: ":") }
            let head = hex[..<best.start].joined(separator: ":")
            let tail = hex[(best.start + best.length)...].joined(separator: ":")
            return head + "::" + tail
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { self.isASCII && self.isNumber }
    var isASCIIHexDigit: Bool { self.isASCII && self.isHexDigit }
}
