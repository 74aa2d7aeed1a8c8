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
}

/// 96 random bits in lowercase hex after the prefix: unguessable, so ids leak nothing about volume.
public struct RandomIdentifiers: IdentifierSource {
    public init() {}

    public func make(_ prefix: IdentifierPrefix) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix.rawValue + "_" + Hex.randomString(byteCount: 12, using: &generator)
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
