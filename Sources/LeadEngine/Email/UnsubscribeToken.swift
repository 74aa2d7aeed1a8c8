import Crypto
import Foundation

/// What a one-click unsubscribe link carries: the tenant, the lead and the address it was sent to,
/// signed (HMAC-SHA256 under a key derived from the server's signing key) so it cannot be guessed
/// or altered. Tokens do not expire: CAN-SPAM asks for at least 30 days, and an old link that still
/// works costs nothing.
public struct UnsubscribeToken: Sendable, Equatable {
    public var tenantID: String
    public var leadID: String
    public var email: String

    public init(tenantID: String, leadID: String, email: String) {
        self.tenantID = tenantID
        self.leadID = leadID
        self.email = email
    }
}

/// Signs and reads unsubscribe tokens.
public struct UnsubscribeTokens: Sendable {
    /// The derived key's bytes (SymmetricKey itself is not Sendable).
    let keyBytes: [UInt8]

    /// `secret`: bytes only this server knows (its certificate signing key); a purpose label keeps the derived key apart.
    public init(secret: [UInt8]) {
        self.keyBytes = Array(SHA256.hash(data: Array("ezleeds unsubscribe v1".utf8) + secret))
    }

    var key: SymmetricKey { SymmetricKey(data: self.keyBytes) }

    public func token(for subject: UnsubscribeToken) -> String {
        let payload = Array([subject.tenantID, subject.leadID, subject.email].joined(separator: "\n").utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: self.key)
        return Self.base64URL(payload) + "." + Self.base64URL(Array(mac))
    }

    /// The token's subject, or nil when it is malformed or not ours.
    public func read(_ token: String) -> UnsubscribeToken? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 2048, let payload = Self.bytes(base64URL: parts[0]), let mac = Self.bytes(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: self.key)
        else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3 else { return nil }
        return UnsubscribeToken(tenantID: fields[0], leadID: fields[1], email: fields[2])
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func bytes(base64URL text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard base64.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
