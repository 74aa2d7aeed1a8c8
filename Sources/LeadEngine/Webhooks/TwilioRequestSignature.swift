import Crypto
import Foundation

/// Twilio's request signature (`X-Twilio-Signature`), which SignalWire and others copy: the base64
/// HMAC-SHA1, keyed with the auth token, of the full URL the provider posted to followed by every
/// form parameter's name and value, sorted by name.
public enum TwilioRequestSignature {
    public static func signature(url: String, parameters: [(name: String, value: String)], authToken: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Self.signedBytes(url: url, parameters: parameters), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Compared in constant time.
    public static func isValid(signature: String, url: String, parameters: [(name: String, value: String)], authToken: String) -> Bool {
        guard let given = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)) else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(
            given, authenticating: Self.signedBytes(url: url, parameters: parameters), using: SymmetricKey(data: Data(authToken.utf8))
        )
    }

    static func signedBytes(url: String, parameters: [(name: String, value: String)]) -> Data {
        // By name, then value for a repeated name; byte order, as the providers sort.
        let sorted = parameters.sorted { ($0.name.utf8.lexicographicallyPrecedes($1.name.utf8)) || ($0.name == $1.name && $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)) }
        var text = url
        for parameter in sorted { text += parameter.name + parameter.value }
        return Data(text.utf8)
    }
}
