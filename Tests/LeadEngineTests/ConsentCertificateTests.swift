import Crypto
import Foundation
import LeadEngine
import Testing

@Suite("Consent certificates")
struct ConsentCertificateTests {
    static let consent = Consent(
        consentType: .tcpaExpressWritten, consentText: "I agree to be contacted...", ipAddress: "203.0.113.42",
        pageURL: "https://example.com/intake", userAgent: "Mozilla/5.0"
    )

    @Test("a certificate verifies; one changed byte anywhere breaks it")
    func tamper() throws {
        let key = CertificateSigningKey.generate()
        let certificate = key.certify(id: "cert_1", tenantID: "ten_1", leadID: "lead-1", consent: Self.consent, createdAt: Date(timeIntervalSince1970: 1_776_000_000.7))
        #expect(certificate.hash.hasPrefix("sha256:"))
        #expect(certificate.hash.count == 7 + 64)
        #expect(certificate.createdAt == Date(timeIntervalSince1970: 1_776_000_000), "signed times are whole seconds")
        #expect(key.verify(certificate))
        var text = certificate
        text.consent.consentText = "I agree to be contacted..!"
        #expect(!key.verify(text))
        var ip = certificate
        ip.consent.ipAddress = "203.0.113.43"
        #expect(!key.verify(ip))
        var lead = certificate
        lead.leadID = "lead-2"
        #expect(!key.verify(lead))
        var signature = certificate
        var bytes = Array(Data(base64Encoded: certificate.signature)!)
        bytes[0] ^= 1
        signature.signature = Data(bytes).base64EncodedString()
        #expect(!key.verify(signature))
        #expect(!CertificateSigningKey.generate().verify(certificate), "another key's signature does not verify")
    }

    @Test("the published JWK alone verifies a certificate, with an independent Ed25519 check")
    func jwk() throws {
        let key = CertificateSigningKey.generate()
        let certificate = key.certify(id: "cert_2", tenantID: "ten_1", leadID: nil, consent: Self.consent, createdAt: .now)
        guard case .object(let jwk) = key.publicJWK, case .string(let x)? = jwk["x"] else {
            Issue.record("not a JWK: \(key.publicJWK)")
            return
        }
        #expect(jwk["kty"] == "OKP")
        #expect(jwk["crv"] == "Ed25519")
        #expect(jwk["kid"] == .string(key.id))
        var base64 = x.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: base64)))
        let hash = "sha256:" + SHA256.hash(data: certificate.canonicalForm).map { String(format: "%02x", $0) }.joined()
        #expect(hash == certificate.hash)
        #expect(publicKey.isValidSignature(try #require(Data(base64Encoded: certificate.signature)), for: Array(hash.utf8)))
    }

    @Test("US phone numbers normalise to E.164; invalid ones are refused")
    func phones() {
        for (input, expected) in [
            ("+17025551234", "+17025551234"), ("7025551234", "+17025551234"), ("(702) 555-1234", "+17025551234"),
            ("1-702-555-1234", "+17025551234"), ("702.555.1234", "+17025551234"),
        ] {
            #expect(PhoneNumber.e164(fromUS: input) == expected, "\(input)")
        }
        for input in ["+1555", "+17021551234", "+11025551234", "+14115551234", "+447911123456", "702555123x", "", "+1 702 555 12345"] {
            #expect(PhoneNumber.e164(fromUS: input) == nil, "\(input)")
        }
    }

    @Test("email and IP syntax")
    func syntax() {
        let longLocal = String(repeating: "a", count: 64)
        let longLabel = String(repeating: "b", count: 63)
        for good in [
            "jane.doe+leads@example.co.uk", "  Jane.Doe@Example.COM\n", "o'brien{x}|~@mail-1.example.io", "\(longLocal)@\(longLabel).com", "a@b.cd",
        ] {
            #expect(EmailAddress.isValid(good), "\(good)")
        }
        for bad in [
            "jane", "jane@", "@example.com", "jane@example", "jane..doe@example.com", "jane@-example.com", "jane doe@example.com",
            ".jane@example.com", "jane.@example.com", "a@b@example.com", "jane@example..com", "jane@example.com-", "jane@example.c0m",
            "jane@example.c", "jané@example.com", "jane@exämple.com", "jane@\u{301}example.com", "jane\u{301}@example.com", "jane\r\n@example.com",
            "a\(longLocal)@example.com", "jane@b\(longLabel).com", "jane@(example).com", "\"jane\"@example.com",
        ] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
        for good in ["203.0.113.42", "::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"] { #expect(IPAddress.isValid(good), "\(good)") }
        for bad in ["300.1.1.1", "1.2.3", "01.2.3.4", "2001:db8:::1", "localhost", ""] { #expect(!IPAddress.isValid(bad), "\(bad)") }
    }
}
