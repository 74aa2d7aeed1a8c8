import Crypto
import Foundation

/// Signatures on every outbound call to a buyer: bid requests and lead deliveries.
///
/// Two forms side by side: the spec's `X-EZLeeds-Signature: sha256=<hex HMAC-SHA256(secret, body)>`
/// (what `/webhook-test/validate` checks, GitHub's scheme), and Standard Webhooks
/// (`webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`), whose timestamp
/// lets a receiver refuse replays.
public enum WebhookSignature {
    /// `sha256=` followed by the lowercase hex HMAC-SHA256 of the raw body.
    public static func ezleeds(body: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    /// Whether `signature` is the `sha256=` signature of `body`, compared in constant time.
    public static func isValidEZLeeds(signature: String, body: some DataProtocol, secret: String) -> Bool {
        let expected = Array(Self.ezleeds(body: body, secret: secret).utf8)
        let presented = Array(signature.trimmingWhitespace().lowercased().utf8)
        guard expected.count == presented.count else { return false }
        return zip(expected, presented).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The Standard Webhooks `v1,<base64>` signature over `id.timestamp.body`. A secret in the
    /// `whsec_<base64>` form is used as its decoded bytes, as the specification says; any other
    /// secret as its UTF-8 bytes.
    public static func standard(id: String, timestamp: Int64, body: some DataProtocol, secret: String) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Self.standardKey(secret)))
        return "v1," + Data(mac).base64EncodedString()
    }

    static func standardKey(_ secret: String) -> [UInt8] {
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst(6))) {
            return Array(decoded)
        }
        return Array(secret.utf8)
    }
}
