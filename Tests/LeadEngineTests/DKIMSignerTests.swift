import Foundation
import Testing

@testable import LeadEngine

@Suite("DKIM: messages signed by our code verify with dkimpy, code no one here wrote")
struct DKIMSignerTests {
    static let key: DKIMKeyPair = {
        do { return try DKIMKeyPair.generate() } catch { fatalError("\(error)") }
    }()

    /// Whether `python3` can import dkimpy (`.ci/run` installs it with pip).
    static let hasDKIMPy: Bool = (try? Self.python("import dkim", input: Data()).status) == 0

    static func python(_ script: String, input: Data) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// dkimpy's verify, its DNS answered with the record we publish.
    static func verify(_ message: String, publicKey: String) throws -> (status: Int32, output: String) {
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
        return try Self.python(script, input: Data(message.utf8))
    }

    static func message(subject: String = "Your case, Jane", body: String = "Hi Jane,\n\nThanks for reaching out.  Reply any time.\n") -> EmailMessage {
        EmailMessage(
            from: "Acme Legal <outreach@mail.acme.com>", to: "jane@example.com", subject: subject, body: body,
            messageID: "enr_1.1@mail.acme.com", date: Date(timeIntervalSince1970: 1_776_700_800),
            unsubscribeURL: "https://leads.example.com/api/v1/unsubscribe/tok_abc"
        )
    }

    @Test("a plain message, one with a UTF-8 subject and body, and one with trailing blank lines all verify", .enabled(if: hasDKIMPy, "needs dkimpy (pip install dkimpy; .ci/run does)"))
    func verifiesWithDKIMPy() throws {
        let signer = try DKIMSigner(privateKeyPEM: Self.key.privateKeyPEM, domain: "mail.acme.com")
        for message in [
            Self.message(), Self.message(subject: "Ihr Fall, Jürgen — über 50 % schneller geklärt, mit einem Betreff der länger ist als eine Zeile", body: "Grüße\n"),
            Self.message(body: "Line with = sign and trailing space \n\n\n"), Self.message(body: ""),
        ] {
            let rendered = try message.rendered(signer: signer, timestamp: 1_776_700_800)
            let result = try Self.verify(rendered, publicKey: Self.key.publicKey)
            #expect(result.status == 0, "\(result.output)\n\(rendered)")
        }
    }

    @Test("a changed body or a swapped unsubscribe link fails verification", .enabled(if: hasDKIMPy, "needs dkimpy (pip install dkimpy; .ci/run does)"))
    func tamperingFails() throws {
        let signer = try DKIMSigner(privateKeyPEM: Self.key.privateKeyPEM, domain: "mail.acme.com")
        let rendered = try Self.message().rendered(signer: signer, timestamp: 1_776_700_800)
        let body = rendered.replacingOccurrences(of: "Thanks for", with: "Pay us for")
        #expect(try Self.verify(body, publicKey: Self.key.publicKey).status != 0)
        let link = rendered.replacingOccurrences(of: "tok_abc", with: "tok_evil")
        #expect(try Self.verify(link, publicKey: Self.key.publicKey).status != 0)
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
