import Foundation
import TestSupport
import Testing

@testable import LeadEngine

@Suite("DKIM: messages signed by our code verify with dkimpy, code no one here wrote")
struct DKIMSignerTests {
    static let key: DKIMKeyPair = {
        do { return try DKIMKeyPair.generate() } catch { fatalError("\(error)") }
    }()

    /// Whether `python3` can import dkimpy (`.ci/run` installs it with pip).
    static let hasDKIMPy: Bool = (try? ChildProcess.runBlocking("python3", ["-c", "import dkim; print('pass')"]))?.stdout.contains("pass") == true

    /// Runs a script whose last line of output is `pass` or not.
    static func python(_ script: String, input: Data) async throws -> (passed: Bool, output: String) {
        let finished = try await ChildProcess.run("python3", ["-c", script], input: input)
        let output = finished.stdout + finished.stderr
        return (finished.stdout.split(separator: "\n").last == "pass", output)
    }

    /// dkimpy's verify, its DNS answered with the record we publish.
    static func verify(_ message: String, publicKey: String) async throws -> (passed: Bool, output: String) {
        let script = """
            import sys, dkim
            record = b"v=DKIM1; k=rsa; p=\(publicKey)"
            def dns(name, timeout=5):
                return record if name == b"ezl._domainkey.mail.acme.com." else None
            message = sys.stdin.buffer.read()
            ok = dkim.verify(message, dnsfunc=dns)
            print("pass" if ok else "fail")
            sys.exit(0 if ok else 1)
            """
        return try await Self.python(script, input: Data(message.utf8))
    }

    static func message(subject: String = "Your case, Jane", body: String = "Hi Jane,\n\nThanks for reaching out.  Reply any time.\n") -> EmailMessage {
        EmailMessage(
            from: "Acme Legal <outreach@mail.acme.com>", to: "jane@example.com", subject: subject, body: body,
            messageID: "enr_1.1@mail.acme.com", date: Date(timeIntervalSince1970: 1_776_700_800),
            unsubscribeURL: "https://leads.example.com/api/v1/unsubscribe/tok_abc"
        )
    }

    @Test("a plain message, one with a UTF-8 subject and body, and one with trailing blank lines all verify", .enabled(if: hasDKIMPy, "needs dkimpy (pip install dkimpy; .ci/run does)"))
    func verifiesWithDKIMPy() async throws {
        let signer = try DKIMSigner(privateKeyPEM: Self.key.privateKeyPEM, domain: "mail.acme.com")
        for message in [
            Self.message(), Self.message(subject: "Ihr Fall, Jürgen — über 50 % schneller geklärt, mit einem Betreff der länger ist als eine Zeile", body: "Grüße\n"),
            Self.message(body: "Line with = sign and trailing space \n\n\n"), Self.message(body: ""),
        ] {
            let rendered = try message.rendered(signer: signer, timestamp: 1_776_700_800)
            let result = try await Self.verify(rendered, publicKey: Self.key.publicKey)
            #expect(result.passed, "\(result.output)\n\(rendered)")
        }
    }

    @Test("a changed body or a swapped unsubscribe link fails verification", .enabled(if: hasDKIMPy, "needs dkimpy (pip install dkimpy; .ci/run does)"))
    func tamperingFails() async throws {
        let signer = try DKIMSigner(privateKeyPEM: Self.key.privateKeyPEM, domain: "mail.acme.com")
        let rendered = try Self.message().rendered(signer: signer, timestamp: 1_776_700_800)
        let body = rendered.replacingOccurrences(of: "Thanks for", with: "Pay us for")
        #expect(try await !Self.verify(body, publicKey: Self.key.publicKey).passed)
        let link = rendered.replacingOccurrences(of: "tok_abc", with: "tok_evil")
        #expect(try await !Self.verify(link, publicKey: Self.key.publicKey).passed)
    }

    @Test("the signature names the signed headers, List-Unsubscribe among them; headers the message lacks are left out")
    func signedHeaders() throws {
        let signer = try DKIMSigner(privateKeyPEM: Self.key.privateKeyPEM, domain: "mail.acme.com")
        var message = Self.message()
        let header = try signer.signature(headers: message.headers, body: message.encodedBody, timestamp: 1)
        #expect(header.contains("h=from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding:list-unsubscribe:list-unsubscribe-post;"))
        #expect(header.contains("a=rsa-sha256; c=relaxed/relaxed; d=mail.acme.com; s=ezl; t=1;"))
        message.unsubscribeURL = nil
        let without = try signer.signature(headers: message.headers, body: message.encodedBody, timestamp: 1)
        #expect(without.contains("h=from:to:subject:date:message-id:mime-version:content-type:content-transfer-encoding;"))
    }

    @Test("relaxed canonicalization as RFC 6376 §3.4.5's example shows")
    func canonicalization() {
        #expect(DKIMSigner.relaxedHeader(name: "A", value: " X") == "a:X")
        #expect(DKIMSigner.relaxedHeader(name: "B ", value: " Y\t\r\n\tZ  ") == "b:Y Z")
        #expect(DKIMSigner.relaxedBody(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
        #expect(DKIMSigner.relaxedBody("") == "")
    }

    @Test("quoted-printable keeps lines under 76 characters and encodes what must be")
    func quotedPrintable() {
        let encoded = EmailMessage.quotedPrintable(String(repeating: "é", count: 40) + " = end \nnext")
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.contains("=3D"))
        #expect(encoded.contains("end=20\r\nnext"))
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_776_700_800)) == "Mon, 20 Apr 2026 16:00:00 +0000")
    }
}
