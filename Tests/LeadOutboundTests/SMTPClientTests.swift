import Foundation
import NIOCore
import NIOSSL
import TestSupport
import Testing

@testable import LeadOutbound

// One at a time: each test starts a Python interpreter, and a burst of them starves the timing-sensitive suites beside them.
@Suite("SMTP submission against a real server (aiosmtpd on 127.0.0.1), and relays that misbehave", .serialized)
struct SMTPClientTests {
    static let needsSink = Testing.ConditionTrait.enabled(if: SMTPSink.isAvailable, "needs Python's aiosmtpd (.ci/run installs it with pip)")
    static let needsOpenSSL = Testing.ConditionTrait.enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command to make a test certificate"
    )

    /// Every relay here is on loopback, but the machine may be loaded (CI runs every suite at once):
    /// timeouts no answering relay reaches. Tests of timeouts set their own.
    static let quick = SMTPClient.Timeouts(connect: .seconds(10), reply: .seconds(10), endOfData: .seconds(10))

    /// A message with a line starting with a dot (stuffed on the wire, unstuffed by the server) and
    /// UTF-8 text in a quoted-printable body.
    static let message = [
        "From: Acme Legal <outreach@acme.test>", "To: lead@example.test", "Subject: =?UTF-8?Q?Caf=C3=A9_hours?=",
        "Message-ID: <e1.1@acme.test>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable", "", "Bonjour, caf=C3=A9 cr=C3=A8me =E2=80=94 =F0=9F=93=9E", ".a line with a dot",
        "..two dots", ".", "", "Acme Legal, 100 Main St",
    ].joined(separator: "\r\n") + "\r\n"

    static func client(_ relay: SMTPRelay, tls: TLSConfiguration = .makeClientConfiguration(), timeouts: SMTPClient.Timeouts = quick) -> SMTPClient {
        SMTPClient(relay: relay, heloName: "leads.acme.test", tlsConfiguration: tls, timeouts: timeouts)
    }

    static func loopback(_ port: Int, security: SMTPRelay.Security = .plain, username: String? = nil, password: String? = nil) -> SMTPRelay {
        SMTPRelay(host: "127.0.0.1", port: port, security: security, username: username, password: password)
    }

    /// A certificate for the test, removed after it.
    static func withCertificate<T>(_ body: (ThrowawayCertificate) async throws -> T) async throws -> T {
        let certificate = try await ThrowawayCertificate.make()
        defer { certificate.remove() }
        return try await body(certificate)
    }

    @Test("a plain loopback relay receives the message byte for byte, for every recipient", needsSink)
    func plainLoopback() async throws {
        try await SMTPSink.running { sink in
            let relay = try SMTPRelay.parse("smtp://127.0.0.1:\(sink.port)").get()
            #expect(relay.security == .plain)
            let outcome = await Self.client(relay).send(from: "outreach@acme.test", to: ["lead@example.test", "cc@example.test"], message: Self.message)
            #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
            let received = try #require(sink.received.first)
            #expect(received.from == "outreach@acme.test")
            #expect(received.to == ["lead@example.test", "cc@example.test"])
            #expect(received.message == Self.message)
            #expect(!received.tls)

            // Raw UTF-8 (8BITMIME) and no CRLF at the end: the client ends the last line.
            let eightBit = "Subject: hi\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln ☎\r\n.\r\nlast line"
            let second = await Self.client(relay).send(from: "", to: ["lead@example.test"], message: eightBit)
            #expect(second == .accepted(reply: "2.0.0 Ok: queued as Q1"))
            #expect(sink.received.last?.message == eightBit + "\r\n")
            #expect(sink.received.last?.from == "<>", "the null sender, as aiosmtpd records it")
        }
    }

    @Test("STARTTLS required: the relay's certificate is checked for localhost, and mail goes over TLS", needsSink, needsOpenSSL)
    func startTLS() async throws {
        try await Self.withCertificate { certificate in
            let options = SMTPSink.Options(cert: certificate.certificate, key: certificate.key, requireStartTLS: true)
            try await SMTPSink.running(options) { sink in
                let relay = SMTPRelay(host: "localhost", port: sink.port, security: .startTLS)
                let outcome = await Self.client(relay, tls: try certificate.trustingIt()).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
                #expect(sink.received.first?.tls == true)
                #expect(sink.received.first?.message == Self.message)

                // The system's roots do not know this certificate: the handshake fails, nothing is sent.
                let untrusted = await Self.client(relay).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                guard case .notSent(let reason, transient: true) = untrusted else { Issue.record("\(untrusted)"); return }
                #expect(reason.contains("TLS with localhost:\(sink.port) failed"), "\(reason)")
                #expect(sink.received.count == 1)
            }
        }
    }

    @Test("a plain loopback relay still gets STARTTLS when it offers it (the certificate checked against 127.0.0.1)", needsSink, needsOpenSSL)
    func opportunisticTLS() async throws {
        try await Self.withCertificate { certificate in
            try await SMTPSink.running(.init(cert: certificate.certificate, key: certificate.key)) { sink in
                let outcome = await Self.client(Self.loopback(sink.port), tls: try certificate.trustingIt())
                    .send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
                #expect(sink.received.first?.tls == true)
            }
        }
    }

    @Test("smtps: TLS from the first byte", needsSink, needsOpenSSL)
    func implicitTLS() async throws {
        try await Self.withCertificate { certificate in
            try await SMTPSink.running(.init(cert: certificate.certificate, key: certificate.key, implicitTLS: true)) { sink in
                let relay = try SMTPRelay.parse("smtps://localhost:\(sink.port)").get()
                let outcome = await Self.client(relay, tls: try certificate.trustingIt()).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
                #expect(sink.received.first?.tls == true)
            }
        }
    }

    @Test("a relay required to offer STARTTLS that does not: refused for good, before any credential or message", needsSink)
    func missingStartTLS() async throws {
        try await SMTPSink.running(.init(credentials: ["user", "secret"], authOverPlain: true)) { sink in
            let relay = Self.loopback(sink.port, security: .startTLS, username: "user", password: "secret")
            let outcome = await Self.client(relay).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
            #expect(outcome == .notSent(reason: "smtp://user@127.0.0.1:\(sink.port) does not offer STARTTLS; mail is not sent in the clear", transient: false))
            #expect(sink.received.isEmpty)
            #expect(!sink.log.contains("AUTH"), "\(sink.log)")
        }
    }

    @Test("AUTH PLAIN after STARTTLS with percent-decoded credentials; a wrong password is a permanent refusal", needsSink, needsOpenSSL)
    func authPlain() async throws {
        try await Self.withCertificate { certificate in
            let options = SMTPSink.Options(cert: certificate.certificate, key: certificate.key, requireStartTLS: true, credentials: ["us@er", "p@ss:w/rd"])
            try await SMTPSink.running(options) { sink in
                let relay = try SMTPRelay.parse("smtp://us%40er:p%40ss%3Aw%2Frd@localhost:\(sink.port)").get()
                let client = Self.client(relay, tls: try certificate.trustingIt())
                let outcome = await client.send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
                #expect(sink.received.first?.auth == "PLAIN")

                var wrong = relay
                wrong.password = "guess"
                let refused = await Self.client(wrong, tls: try certificate.trustingIt()).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
                guard case .notSent(let reason, transient: false) = refused else { Issue.record("\(refused)"); return }
                #expect(reason.hasPrefix("535"), "\(reason)")
                #expect(sink.received.count == 1)
            }
        }
    }

    @Test("AUTH LOGIN when the relay offers only that", needsSink)
    func authLogin() async throws {
        try await SMTPSink.running(.init(credentials: ["user", "secret"], authOverPlain: true, excludeAuth: ["PLAIN"])) { sink in
            let relay = Self.loopback(sink.port, username: "user", password: "secret")
            let outcome = await Self.client(relay).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
            #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
            #expect(sink.received.first?.auth == "LOGIN")
        }
    }

    @Test("HELO when the relay refuses EHLO", needsSink)
    func heloFallback() async throws {
        try await SMTPSink.running(.init(refuseEHLO: true)) { sink in
            let outcome = await Self.client(Self.loopback(sink.port)).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
            #expect(outcome == .accepted(reply: "2.0.0 Ok: queued as Q0"), "\(sink.log)")
        }
    }

    @Test("a refused recipient stops the message: 550 for good, 451 for later", needsSink)
    func refusedRecipients() async throws {
        let refuse = ["gone@example.test": "550 5.1.1 mailbox unavailable", "busy@example.test": "451 4.3.0 try again later"]
        try await SMTPSink.running(.init(refuse: refuse)) { sink in
            let client = Self.client(Self.loopback(sink.port))
            let gone = await client.send(from: "a@acme.test", to: ["ok@example.test", "gone@example.test"], message: Self.message)
            #expect(gone == .notSent(reason: "550 5.1.1 mailbox unavailable", transient: false))
            let busy = await client.send(from: "a@acme.test", to: ["busy@example.test"], message: Self.message)
            #expect(busy == .notSent(reason: "451 4.3.0 try again later", transient: true))
            #expect(sink.received.isEmpty)
        }
    }

    @Test("a refusal of the message itself, after the final dot: 4xx transient, 5xx permanent", needsSink, arguments: [
        ("452 4.3.1 insufficient storage", true), ("554 5.7.1 message refused", false),
    ])
    func refusedAtEndOfData(reply: String, transient: Bool) async throws {
        try await SMTPSink.running(.init(dataReply: reply)) { sink in
            let outcome = await Self.client(Self.loopback(sink.port)).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
            #expect(outcome == .notSent(reason: reply, transient: transient))
        }
    }

    @Test("no reply to the final dot is unknown: the relay may have the message", needsSink)
    func silentAfterDot() async throws {
        try await SMTPSink.running(.init(silentAfterData: true)) { sink in
            // The other timeouts far longer: the one for the final dot is what ends the wait.
            let timeouts = SMTPClient.Timeouts(connect: .seconds(20), reply: .seconds(20), endOfData: .milliseconds(300))
            let started = ContinuousClock.now
            let outcome = await Self.client(Self.loopback(sink.port), timeouts: timeouts).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
            #expect(outcome == .unknown(reason: "no reply after the message was sent (300 ms)"))
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("connection refused: transient, nothing sent")
    func connectRefused() async throws {
        let port = try await MuteServer.closedPort()
        let outcome = await Self.client(Self.loopback(port)).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
        #expect(outcome == .notSent(reason: "connect refused to 127.0.0.1:\(port)", transient: true))
    }

    @Test("a relay that never greets: transient, within the reply timeout")
    func noGreeting() async throws {
        let server = try await MuteServer.start()
        let timeouts = SMTPClient.Timeouts(connect: .seconds(2), reply: .milliseconds(200), endOfData: .seconds(2))
        let port = server.port
        let outcome = await Self.client(Self.loopback(port), timeouts: timeouts).send(from: "a@acme.test", to: ["b@example.test"], message: Self.message)
        await server.stop()
        #expect(outcome == .notSent(reason: "no greeting from 127.0.0.1:\(port) within 200 ms", transient: true))
    }

    @Test("addresses that would break the command line are refused before connecting", arguments: [
        ("a@acme.test\r\nRCPT TO:<x@evil.test>", "b@example.test"), ("a@acme.test", "b@example.test>"), ("a@acme.test", "<b@example.test"),
        ("a@acme.test", "b@exa\nmple.test"),
    ])
    func unsendableAddresses(sender: String, recipient: String) async throws {
        let port = try await MuteServer.closedPort()
        let outcome = await Self.client(Self.loopback(port)).send(from: sender, to: [recipient], message: Self.message)
        guard case .notSent(let reason, transient: false) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("the address"), "\(reason)")
        #expect(await Self.client(Self.loopback(port)).send(from: "a@acme.test", to: [], message: "") == .notSent(reason: "no recipient", transient: false))
    }
}

@Suite("SMTP relay settings, dot-stuffing and replies")
struct SMTPPartsTests {
    @Test("smtp:// and smtps:// with their default ports, loopback hosts plain, credentials percent-decoded")
    func parse() throws {
        #expect(try SMTPRelay.parse("smtp://relay.example").get() == SMTPRelay(host: "relay.example", port: 587, security: .startTLS))
        #expect(try SMTPRelay.parse("SMTPS://Relay.Example/").get() == SMTPRelay(host: "relay.example", port: 465, security: .implicitTLS))
        #expect(try SMTPRelay.parse("smtp://relay.example:2525").get().port == 2525)
        #expect(try SMTPRelay.parse("smtp://127.0.0.1:2525").get() == SMTPRelay(host: "127.0.0.1", port: 2525, security: .plain))
        #expect(try SMTPRelay.parse("smtp://localhost").get().security == .plain)
        #expect(try SMTPRelay.parse("smtp://[::1]:25").get() == SMTPRelay(host: "::1", port: 25, security: .plain))
        #expect(try SMTPRelay.parse("smtp://127.9.9.9").get().security == .plain)
        #expect(try SMTPRelay.parse("smtp://10.0.0.1").get().security == .startTLS)
        #expect(try SMTPRelay.parse("smtp://localhost.example").get().security == .startTLS)
        #expect(try SMTPRelay.parse("smtps://127.0.0.1").get().security == .implicitTLS)
        let relay = try SMTPRelay.parse("smtps://ap%40acme.test:p%40ss%3Aw%2Frd%25@smtp.relay.example:465").get()
        #expect(relay.username == "ap@acme.test")
        #expect(relay.password == "p@ss:w/rd%")
        #expect(try SMTPRelay.parse("smtp://user@relay.example").get().password == nil)
        #expect(try SMTPRelay.parse("smtp://user:@relay.example").get().password == "")
        // An "@" left unencoded in the password still parses: the last "@" ends the credentials.
        #expect(try SMTPRelay.parse("smtp://user:p@ss@relay.example").get().password == "p@ss")
    }

    @Test("malformed settings are refused with a reason that never repeats the password", arguments: [
        "http://relay.example", "relay.example:587", "smtp://", "smtp://user:hunter2@", "smtp://relay.example:0", "smtp://relay.example:70000",
        "smtp://relay.example:25x", "smtp://relay.example/path", "smtp://relay.example?x=1", "smtp://::1", "smtp://[::1", "smtp://[nope]:25",
        "smtp://user:hunter2%zz@relay.example", "smtp://:hunter2@relay.example", "smtp://re lay.example",
    ])
    func parseErrors(url: String) {
        guard case .failure(let error) = SMTPRelay.parse(url) else { Issue.record("\(url) parsed"); return }
        #expect(!error.description.isEmpty)
        #expect(!error.description.contains("hunter2"))
    }

    @Test("the description, debug description and mirror show the user, never the password")
    func description() throws {
        let relay = try SMTPRelay.parse("smtp://ap%40acme.test:hunter2@relay.example").get()
        #expect(relay.description == "smtp://ap%40acme.test@relay.example:587")
        #expect("\(relay)" == relay.description)
        #expect(String(reflecting: relay) == relay.description)
        var dumped = ""
        dump(relay, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(dumped.contains("relay.example"))
        #expect(SMTPRelay(host: "::1", port: 25, security: .plain).description == "smtp://[::1]:25")
    }

    @Test("dot-stuffing: a line starting with a dot gets another, every line ends CRLF, and CRLF.CRLF ends the data")
    func dotStuffing() {
        func stuffed(_ message: String) -> String { String(buffer: SMTPClient.dataBytes(message)) }
        #expect(stuffed("a\r\n.b\r\n..c\r\n.\r\nd\r\n") == "a\r\n..b\r\n...c\r\n..\r\nd\r\n.\r\n")
        #expect(stuffed(".first\r\nlast") == "..first\r\nlast\r\n.\r\n")
        #expect(stuffed("a.b\r\n") == "a.b\r\n.\r\n")
        #expect(stuffed("") == ".\r\n")
        #expect(stuffed("é\r\n.é") == "é\r\n..é\r\n.\r\n")
        // Bare LF and CR become CRLF: no relay reads an end of data the client did not send (SMTP smuggling).
        #expect(stuffed("a\n.\nb\r.\rc") == "a\r\n..\r\nb\r\n..\r\nc\r\n.\r\n")
    }

    @Test("replies: one line, several lines, extensions and AUTH mechanisms; garbage refused")
    func replies() throws {
        var assembler = SMTPReplyAssembler()
        #expect(try assembler.add("220 sink.test ESMTP") == SMTPReply(code: 220, lines: ["sink.test ESMTP"]))
        #expect(try assembler.add("250-sink.test") == nil)
        #expect(try assembler.add("250-8BITMIME") == nil)
        #expect(try assembler.add("250-starttls") == nil)
        #expect(try assembler.add("250-AUTH LOGIN PLAIN") == nil)
        let ehlo = try #require(try assembler.add("250 HELP"))
        #expect(ehlo.code == 250)
        #expect(ehlo.offers("STARTTLS") && ehlo.offers("8BITMIME") && !ehlo.offers("SMTPUTF8"))
        #expect(ehlo.authMechanisms == ["LOGIN", "PLAIN"])
        #expect(SMTPReply(code: 250, lines: ["x", "AUTH=LOGIN"]).authMechanisms == ["LOGIN"])
        #expect(SMTPReply(code: 250, lines: ["STARTTLS"]).offers("STARTTLS") == false, "the first line is the relay's name")
        #expect(try assembler.add("250") == SMTPReply(code: 250, lines: [""]))
        #expect(try assembler.add("550 5.1.1 mailbox unavailable")?.summary == "550 5.1.1 mailbox unavailable")
        #expect(SMTPReply(code: 250, lines: ["2.0.0 Ok:", "queued as Q1"]).text == "2.0.0 Ok: queued as Q1")
        for garbage in ["hello", "25", "2500 x", "650 no", "25a x", "250_x"] {
            var fresh = SMTPReplyAssembler()
            #expect(throws: SMTPFailure.self) { try fresh.add(garbage) }
        }
        var mixed = SMTPReplyAssembler()
        _ = try mixed.add("250-one")
        #expect(throws: SMTPFailure.self) { try mixed.add("550 two") }
    }
}
