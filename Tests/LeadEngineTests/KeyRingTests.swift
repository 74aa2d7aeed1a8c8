import Foundation
import LeadEngine
import Testing

@Suite("Key secrets")
struct KeySecretTests {
    private static let hexDigits = Set("0123456789abcdef")

    @Test("a secret carries its role's prefix and 48 lowercase hex characters (192 random bits)", arguments: KeyRole.allCases)
    func secretFormat(role: KeyRole) {
        let secret = KeySecret(role: role)
        #expect(secret.value.hasPrefix(role.secretPrefix))
        let random = secret.value.dropFirst(role.secretPrefix.count)
        #expect(random.count == 48)
        #expect(random.allSatisfy { Self.hexDigits.contains($0) })
    }

    @Test("role prefixes are distinct and recognisable")
    func prefixes() {
        #expect(KeyRole.standard.secretPrefix == "ezl_live_")
        #expect(KeyRole.admin.secretPrefix == "ezl_admin_")
        #expect(KeyRole.compliance.secretPrefix == "ezl_cmpl_")
        #expect(Set(KeyRole.allCases.map(\.secretPrefix)).count == KeyRole.allCases.count)
    }

    @Test("every secret is different")
    func secretsAreRandom() {
        let secrets = (0..<500).map { _ in KeySecret(role: .standard).value }
        #expect(Set(secrets).count == 500)
        // The random part is not stuck on a few values per position.
        let firstDigits = Set(secrets.map { $0.dropFirst(KeyRole.standard.secretPrefix.count).first })
        #expect(firstDigits.count > 8)
    }

    @Test("hash is the lowercase hex SHA-256 of the secret (known vectors)")
    func hashVectors() {
        #expect(KeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(KeySecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            KeySecret.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test("a secret's hash property agrees with the static hash, and is 64 hex characters")
    func hashProperty() {
        let secret = KeySecret(role: .admin)
        #expect(secret.hash == KeySecret.hash(secret.value))
        #expect(secret.hash.count == 64)
        #expect(secret.hash.allSatisfy { Self.hexDigits.contains($0) })
    }

    @Test("the display prefix is the role prefix plus four random characters")
    func displayPrefix() {
        for role in KeyRole.allCases {
            let secret = KeySecret(role: role)
            #expect(secret.displayPrefix.count == role.secretPrefix.count + 4)
            #expect(secret.value.hasPrefix(secret.displayPrefix))
        }
    }

    @Test("compliance keys travel in their own header")
    func headers() {
        #expect(KeyRole.standard.header == .apiKey)
        #expect(KeyRole.admin.header == .apiKey)
        #expect(KeyRole.compliance.header == .complianceKey)
        #expect(KeyHeader.apiKey.rawValue == "X-API-Key")
        #expect(KeyHeader.complianceKey.rawValue == "X-Compliance-API-Key")
    }
}

@Suite("Key ring")
struct KeyRingTests {
    static func makeKey(
        id: String, tenantID: String = "ten_1", role: KeyRole = .standard, rateLimit: Int = 100, revoked: Bool = false
    ) -> (key: APIKey, secret: String) {
        let secret = KeySecret(role: role)
        let key = APIKey(
            id: id, tenantID: tenantID, role: role, secretHash: secret.hash, displayPrefix: secret.displayPrefix,
            rateLimitPerMinute: rateLimit, createdAt: Date(epochMilliseconds: 1_776_000_000_000),
            revokedAt: revoked ? Date(epochMilliseconds: 1_776_000_001_000) : nil
        )
        return (key, secret.value)
    }

    @Test("authenticate finds live keys by secret and answers nil for anything else")
    func authenticate() {
        let ring = KeyRing()
        let standard = Self.makeKey(id: "key_1", role: .standard, rateLimit: 250)
        let admin = Self.makeKey(id: "key_2", tenantID: "ten_2", role: .admin)
        ring.apply([standard.key, admin.key], changeSequence: 2)

        #expect(ring.count == 2)
        #expect(ring.authenticate(secret: standard.secret) == Principal(keyID: "key_1", tenantID: "ten_1", role: .standard, rateLimitPerMinute: 250))
        #expect(ring.authenticate(secret: admin.secret) == Principal(keyID: "key_2", tenantID: "ten_2", role: .admin, rateLimitPerMinute: 100))
        #expect(ring.authenticate(secret: "ezl_live_000000000000000000000000000000000000000000000000") == nil)
        #expect(ring.authenticate(secret: "") == nil)
        // The hash is never a credential itself.
        #expect(ring.authenticate(secret: standard.key.secretHash) == nil)
        // Nor is a truncated secret, or one with different case.
        #expect(ring.authenticate(secret: String(standard.secret.dropLast())) == nil)
        #expect(ring.authenticate(secret: standard.secret.uppercased()) == nil)
    }

    @Test("a revoked key vanishes once its revocation is applied; others stay")
    func revocation() {
        let ring = KeyRing()
        var first = Self.makeKey(id: "key_1")
        let second = Self.makeKey(id: "key_2")
        ring.apply([first.key, second.key], changeSequence: 2)
        #expect(ring.authenticate(secret: first.secret) != nil)

        first.key.revokedAt = Date(epochMilliseconds: 1_776_000_005_000)
        ring.apply([first.key], changeSequence: 3)
        #expect(ring.authenticate(secret: first.secret) == nil)
        #expect(ring.authenticate(secret: second.secret) != nil)
        #expect(ring.count == 1)
        #expect(ring.changeSequence == 3)
    }

    @Test("a key first seen already revoked is never live")
    func revokedOnArrival() {
        let ring = KeyRing()
        let revoked = Self.makeKey(id: "key_1", revoked: true)
        ring.apply([revoked.key], changeSequence: 1)
        #expect(ring.authenticate(secret: revoked.secret) == nil)
        #expect(ring.count == 0)
    }

    @Test("re-applying a changed key replaces the old entry")
    func replace() {
        let ring = KeyRing()
        let original = Self.makeKey(id: "key_1", rateLimit: 100)
        ring.apply([original.key], changeSequence: 1)

        // Same key, new rate limit.
        var limited = original.key
        limited.rateLimitPerMinute = 10
        ring.apply([limited], changeSequence: 2)
        #expect(ring.authenticate(secret: original.secret)?.rateLimitPerMinute == 10)
        #expect(ring.count == 1)

        // Same key id, new secret: the old secret must stop working.
        let rotated = KeySecret(role: .standard)
        var rotatedKey = limited
        rotatedKey.secretHash = rotated.hash
        ring.apply([rotatedKey], changeSequence: 3)
        #expect(ring.authenticate(secret: original.secret) == nil)
        #expect(ring.authenticate(secret: rotated.value)?.keyID == "key_1")
        #expect(ring.count == 1)
    }

    @Test("the change sequence only moves forward")
    func changeSequenceMonotonic() {
        let ring = KeyRing()
        #expect(ring.changeSequence == 0)
        ring.apply([], changeSequence: 5)
        #expect(ring.changeSequence == 5)
        ring.apply([Self.makeKey(id: "key_1").key], changeSequence: 3)
        #expect(ring.changeSequence == 5)
        ring.apply([], changeSequence: 9)
        #expect(ring.changeSequence == 9)
    }

    @Test("concurrent look-ups and applies stay consistent")
    func concurrentUse() async {
        let ring = KeyRing()
        let keys = (0..<50).map { Self.makeKey(id: "key_\($0)") }
        await withTaskGroup(of: Void.self) { group in
            for (offset, entry) in keys.enumerated() {
                group.addTask { ring.apply([entry.key], changeSequence: Int64(offset + 1)) }
                group.addTask { _ = ring.authenticate(secret: entry.secret) }
            }
        }
        #expect(ring.count == 50)
        #expect(ring.changeSequence == 50)
        #expect(keys.allSatisfy { ring.authenticate(secret: $0.secret)?.keyID == $0.key.id })
    }
}
