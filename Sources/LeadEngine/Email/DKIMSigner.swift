import Crypto
import Foundation
import _CryptoExtras

/// Signs a message as RFC 6376 says: `rsa-sha256`, relaxed/relaxed canonicalization, selector
/// `ezl`, over the headers receivers and RFC 8058 expect signed (List-Unsubscribe and
/// List-Unsubscribe-Post included, so a one-click link cannot be swapped in transit).
public struct DKIMSigner: Sendable {
    public static let signedHeaders = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "list-unsubscribe",
        "list-unsubscribe-post",
    ]

    let key: _RSA.Signing.PrivateKey
    let domain: String
    let selector: String

    public init(privateKeyPEM: String, domain: String, selector: String = SendingDomain.dkimSelector) throws {
        self.key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        self.domain = domain
        self.selector = selector
    }

    /// The `DKIM-Signature` header line (without its CRLF) for a message of `headers` and `body`
    /// (CRLF line ends), signed at `timestamp` (seconds). Headers named in `signedHeaders` that the
    /// message lacks are left out of `h=`.
    public func signature(headers: [(name: String, value: String)], body: String, timestamp: Int64) throws -> String {
        let bodyHash = Data(SHA256.hash(data: Data(Self.relaxedBody(body).utf8))).base64EncodedString()
        var signed: [(name: String, value: String)] = []
        for name in Self.signedHeaders {
            // The last instance of a header is signed first (RFC 6376 §5.4.2); ours appear once.
            if let header = headers.last(where: { $0.name.lowercased() == name }) { signed.append(header) }
        }
        let tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(self.domain); s=\(self.selector); t=\(timestamp); "
            + "h=\(signed.map { $0.name.lowercased() }.joined(separator: ":")); bh=\(bodyHash); b="
        var input = ""
        for header in signed { input += Self.relaxedHeader(name: header.name, value: header.value) + "\r\n" }
        input += Self.relaxedHeader(name: "DKIM-Signature", value: tags)
        let signature = try self.key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return "DKIM-Signature: " + tags + signature.rawRepresentation.base64EncodedString()
    }

    /// RFC 6376 §3.4.2: the name lowercased; the value unfolded, runs of whitespace one space, none at the ends.
    static func relaxedHeader(name: String, value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        return name.lowercased().trimmingCharacters(in: .whitespaces) + ":" + Self.collapsingWhitespace(unfolded).trimmingCharacters(in: .whitespaces)
    }

    /// RFC 6376 §3.4.4: whitespace runs in a line one space, none at a line's end, no empty lines at
    /// the end; a non-empty body ends in one CRLF, an empty one is empty.
    static func relaxedBody(_ body: String) -> String {
        var lines = body.components(separatedBy: "\r\n").map { line in
            var collapsed = Self.collapsingWhitespace(line)
            while collapsed.last == " " { collapsed.removeLast() }
            return collapsed
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\r\n") + "\r\n"
    }

    static func collapsingWhitespace(_ text: String) -> String {
        var result = ""
        var inWhitespace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                if !inWhitespace { result.append(" ") }
                inWhitespace = true
            } else {
                result.unicodeScalars.append(scalar)
                inWhitespace = false
            }
        }
        return result
    }
}
