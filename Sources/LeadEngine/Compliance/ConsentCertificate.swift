import Crypto
import Foundation
import Synchronization

/// A signed record of a consent, TrustedForm-style: the consent's fields in a canonical JSON form,
/// its SHA-256, and an Ed25519 signature by the server's key over that hash. Anyone with the
/// published public key can check it offline.
public struct ConsentCertificate: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var leadID: String?
    public var consent: Consent
    public var createdAt: Date
    /// `sha256:` and the lowercase hex digest of `canonicalForm`.
    public var hash: String
    /// Base64 Ed25519 signature over the UTF-8 bytes of `hash`.
    public var signature: String
    public var keyID: String
    public var revokedAt: Date?

    public init(
        id: String, tenantID: String, leadID: String?, consent: Consent, createdAt: Date, hash: String, signature: String, keyID: String,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.leadID = leadID
        self.consent = consent
        self.createdAt = createdAt
        self.hash = hash
        self.signature = signature
        self.keyID = keyID
        self.revokedAt = revokedAt
    }

    public var isActive: Bool { self.revokedAt == nil }

    /// The bytes that are hashed: sorted keys, no insignificant whitespace, times in whole seconds UTC.
    public static func canonicalForm(id: String, tenantID: String, leadID: String?, consent: Consent, createdAt: Date) -> [UInt8] {
        JSONValue.object([
            "certificate_id": .string(id),
            "tenant_id": .string(tenantID),
            "lead_id": leadID.map(JSONValue.string) ?? .null,
            "consent_type": .string(consent.consentType.rawValue),
            "consent_text": .string(consent.consentText),
            "ip_address": .string(consent.ipAddress),
            "page_url": consent.pageURL.map(JSONValue.string) ?? .null,
            "user_agent": consent.userAgent.map(JSONValue.string) ?? .null,
            "channel": .string(consent.channel),
            "mechanism": .string(consent.mechanism),
            "created_at": .string(createdAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))),
        ]).encoded()
    }

    public var canonicalForm: [UInt8] {
        Self.canonicalForm(id: self.id, tenantID: self.tenantID, leadID: self.leadID, consent: self.consent, createdAt: self.createdAt)
    }
}

/// The server's certificate signing key. Made on first start and kept in the store.
public struct CertificateSigningKey: Sendable {
    public let id: String
    /// The raw 32-byte seed, as the store keeps it.
    public let rawPrivateKey: [UInt8]
    public let rawPublicKey: [UInt8]
    /// swift-crypto's key is not `Sendable`, so it lives behind a lock; rebuilding it from the seed
    /// for every signature cost as much as the signature itself.
    private let signer: Signer

    final class Signer: Sendable {
        let key: Mutex<Curve25519.Signing.PrivateKey>

        init(_ key: sending Curve25519.Signing.PrivateKey) {
            self.key = Mutex(key)
        }

        func sign(_ message: [UInt8]) -> Data {
            // Signing with a valid key does not fail.
            self.key.withLock { key in (try? key.signature(for: message)) ?? Data() }
        }
    }

    public init(id: String, rawPrivateKey: [UInt8]) throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey)
        self.id = id
        self.rawPrivateKey = rawPrivateKey
        self.rawPublicKey = Array(key.publicKey.rawRepresentation)
        self.signer = Signer(key)
    }

    public static func generate(identifiers: any IdentifierSource = TimeOrderedIdentifiers()) -> CertificateSigningKey {
        let key = Curve25519.Signing.PrivateKey()
        // A fresh key's raw bytes always round-trip.
        return (try? CertificateSigningKey(id: identifiers.make(.signingKey), rawPrivateKey: Array(key.rawRepresentation)))!
    }

    /// The public key as an RFC 8037 JWK (`kty: OKP`, `crv: Ed25519`).
    public var publicJWK: JSONValue {
        [
            "kty": "OKP", "crv": "Ed25519", "kid": .string(self.id), "use": "sig", "alg": "EdDSA",
            "x": .string(Base64URL.encode(self.rawPublicKey)),
        ]
    }

    public func certify(id: String, tenantID: String, leadID: String?, consent: Consent, createdAt: Date) -> ConsentCertificate {
        // Whole seconds, so the canonical form read back from the store is the one that was signed.
        let createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
        let canonical = ConsentCertificate.canonicalForm(id: id, tenantID: tenantID, leadID: leadID, consent: consent, createdAt: createdAt)
        let hash = "sha256:" + Hex.encode(SHA256.hash(data: canonical))
        let signature = self.signer.sign(Array(hash.utf8))
        return ConsentCertificate(
            id: id, tenantID: tenantID, leadID: leadID, consent: consent, createdAt: createdAt, hash: hash,
            signature: signature.base64EncodedString(), keyID: self.id
        )
    }

    /// Whether the certificate's fields still hash to its hash and the signature is this key's.
    public func verify(_ certificate: ConsentCertificate) -> Bool {
        Self.verify(certificate, rawPublicKey: self.rawPublicKey)
    }

    public static func verify(_ certificate: ConsentCertificate, rawPublicKey: [UInt8]) -> Bool {
        guard
            "sha256:" + Hex.encode(SHA256.hash(data: certificate.canonicalForm)) == certificate.hash,
            let signature = Data(base64Encoded: certificate.signature),
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey)
        else { return false }
        return publicKey.isValidSignature(signature, for: Array(certificate.hash.utf8))
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
