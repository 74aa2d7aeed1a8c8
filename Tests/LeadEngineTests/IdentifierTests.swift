import Foundation
import Testing

@testable import LeadEngine

@Suite("Time-ordered identifiers")
struct IdentifierTests {
    /// The milliseconds held in an id's first twelve hex digits.
    static func milliseconds(ofHex hex: Substring) -> Int64? { Int64(hex.prefix(12), radix: 16) }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test("an id is its prefix, the time it was made in 12 hex digits, then 12 random ones")
    func shape() throws {
        let before = Self.nowMilliseconds
        let id = TimeOrderedIdentifiers().make(.sale)
        let after = Self.nowMilliseconds
        #expect(id.hasPrefix("sale_"))
        let hex = id.dropFirst("sale_".count)
        #expect(hex.count == 24)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        let made = try #require(Self.milliseconds(ofHex: hex))
        #expect((before...after).contains(made))
    }

    @Test("ids made later sort later, and none repeats")
    func ordered() async throws {
        let identifiers = TimeOrderedIdentifiers()
        let first = (0..<5_000).map { _ in identifiers.make(.ping) }
        try await Task.sleep(for: .milliseconds(3))
        let second = (0..<5_000).map { _ in identifiers.make(.ping) }
        #expect(Set(first + second).count == 10_000)
        // Within one millisecond the order is random; across milliseconds it is the time's.
        #expect(first.max()! < second.min()!)
    }

    @Test("a lead id is a version 7 UUID (RFC 9562) in lowercase, ordered by time")
    func uuid() async throws {
        let before = Self.nowMilliseconds
        let id = TimeOrderedIdentifiers.uuid()
        let parsed = try #require(UUID(uuidString: id))
        #expect(parsed.uuidString.lowercased() == id)
        let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)  // version
        #expect(bytes[8] >> 6 == 0b10)  // variant
        let made = try #require(Self.milliseconds(ofHex: Substring(id.replacingOccurrences(of: "-", with: ""))))
        #expect((before...Self.nowMilliseconds).contains(made))

        try await Task.sleep(for: .milliseconds(3))
        let later = (0..<1_000).map { _ in TimeOrderedIdentifiers.uuid() }
        #expect(later.allSatisfy { $0 > id })
        #expect(Set(later).count == 1_000)
    }
}
