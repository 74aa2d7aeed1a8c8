import Foundation
import _CryptoExtras

/// A sending domain's DKIM key: RSA-2048, the size receivers expect today (1024 is weak, 4096 does
/// not fit a TXT record comfortably). The private half is stored as PEM and never shown.
public struct DKIMKeyPair: Sendable, Equatable {
    public var privateKeyPEM: String
    /// Base64 of the DER SubjectPublicKeyInfo: the `p=` of the DKIM record.
    public var publicKey: String

    public init(privateKeyPEM: String, publicKey: String) {
        self.privateKeyPEM = privateKeyPEM
        self.publicKey = publicKey
    }

    public static func generate() throws -> DKIMKeyPair {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return DKIMKeyPair(privateKeyPEM: key.pemRepresentation, publicKey: key.publicKey.derRepresentation.base64EncodedString())
    }
}

/// Makes DKIM keys; a fixed key in tests, where RSA generation would cost each test a fraction of a second.
public protocol DKIMKeySource: Sendable {
    func makeKey() throws -> DKIMKeyPair
}

public struct GeneratedDKIMKeys: DKIMKeySource {
    public init() {}

    public func makeKey() throws -> DKIMKeyPair { try DKIMKeyPair.generate() }
}
