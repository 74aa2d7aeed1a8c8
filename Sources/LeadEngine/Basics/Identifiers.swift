import Foundation

/// Makes the public identifiers of entities, with the spec's prefixes (`buyer_`, `camp_`, …).
public protocol IdentifierSource: Sendable {
    func make(_ prefix: IdentifierPrefix) -> String
}

public enum IdentifierPrefix: String, Sendable {
    case tenant = "ten"
    case key = "key"
    case buyer = "buyer"
    case campaign = "camp"
    case sale = "sale"
    case ping = "ping"
    case certificate = "cert"
    case signingKey = "sigkey"
    case transaction = "txn"
    case delivery = "msg"
    case credit = "cred"
    case refund = "ref"
    case invoice = "inv"
    case billingEvent = "bill"
    case sequence = "seq"
    case enrollment = "enr"
    case outreachAttempt = "out"
    case template = "tpl"
    case domain = "dom"
}

/// The time the id was made, in milliseconds (48 bits), then 48 random bits, in lowercase hex after
/// the prefix. Ids made later sort later, so each table's key index and every index on a
/// referencing id grow at their right edge: a batch of sales shares the few pages there instead of
/// touching one random page per index per row, which also keeps the hot pages cached (the idea of
/// ULIDs and RFC 9562's version 7 UUIDs). Still unguessable (2⁴⁸ per millisecond), and the time
/// they reveal is the object's `created_at` anyway. Wall-clock time, not the engine's clock: the
/// prefix only orders storage, no rule reads it.
public struct TimeOrderedIdentifiers: IdentifierSource {
    public init() {}

    public func make(_ prefix: IdentifierPrefix) -> String {
        prefix.rawValue + "_" + Self.hex()
    }

    /// 24 hex digits: 12 of time, 12 random.
    static func hex() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Self.timePrefix()
        withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0.prefix(6)) }
        return Hex.encode(bytes)
    }

    /// A version 7 UUID (RFC 9562), lowercase: the time in milliseconds, then 74 random bits.
    public static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Self.timePrefix()
        withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0.prefix(2)) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }.uuidString.lowercased()
    }

    /// The current Unix time in milliseconds, big-endian in six bytes.
    private static func timePrefix() -> [UInt8] {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let milliseconds = UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for shift in stride(from: 40, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: milliseconds >> UInt64(shift))) }
        return bytes
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(Self.digits[Int(byte >> 4)])
            out.append(Self.digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Random bytes drawn eight at a time: the system generator is a syscall per draw, and ids are made per ping.
    static func randomString(byteCount: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount + 7)
        while bytes.count < byteCount {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Self.encode(bytes.prefix(byteCount))
    }
}
