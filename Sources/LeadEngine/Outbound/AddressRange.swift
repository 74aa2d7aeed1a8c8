/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fc00::/7`).
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    /// Nil unless the prefix fits the family; host bits in `base` are cleared.
    public init?(_ base: IPAddress, prefixLength: Int) {
        switch base {
        case .v4(let value):
            guard (0...32).contains(prefixLength) else { return nil }
            self.base = .v4(value & Self.mask32(prefixLength))
        case .v6(let value):
            guard (0...128).contains(prefixLength) else { return nil }
            self.base = .v6(value & Self.mask128(prefixLength))
        }
        self.prefixLength = prefixLength
    }

    /// `address/prefix`, or a lone address (a range of one).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let full = if case .v4 = address { 32 } else { 128 }
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCIIDigit), (1...3).contains(parts[1].count), let length = Int(parts[1]) else { return nil }
            self.init(address, prefixLength: length)
        } else {
            self.init(address, prefixLength: full)
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        switch (self.base, address) {
        case (.v4(let base), .v4(let value)): return value & Self.mask32(self.prefixLength) == base
        case (.v6(let base), .v6(let value)): return value & Self.mask128(self.prefixLength) == base
        default: return false
        }
    }

    public var description: String { "\(self.base)/\(self.prefixLength)" }

    private static func mask32(_ length: Int) -> UInt32 { length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length) }
    private static func mask128(_ length: Int) -> UInt128 { length == 0 ? 0 : ~UInt128(0) << UInt128(128 - length) }
}
