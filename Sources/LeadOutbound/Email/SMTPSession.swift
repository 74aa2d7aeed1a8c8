import Foundation
import LeadEngine
import NIOCore
import NIOPosix
import NIOSSL

/// A connected channel and its reply reader.
struct SMTPConnection: Sendable {
    var channel: any Channel
    var reader: NIOLoopBound<SMTPReplyReader>
}

// MARK: - The conversation

/// Where in the conversation a reply was awaited, for reasons.
enum SMTPStage: Sendable, CustomStringConvertible {
    case greeting, ehlo, helo, startTLS, auth, mailFrom, rcptTo, data, endOfData, quit

    var description: String {
        switch self {
        case .greeting: "the greeting"
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .startTLS: "STARTTLS"
        case .auth: "AUTH"
        case .mailFrom: "MAIL FROM"
        case .rcptTo: "RCPT TO"
        case .data: "DATA"
        case .endOfData: "the end of the message"
        case .quit: "QUIT"
        }
    }
}

/// One message's conversation over a connected channel; every step awaits its reply on the loop.
struct SMTPSession: Sendable {
    let relay: SMTPRelay
    let heloName: String
    let timeouts: SMTPClient.Timeouts
    let tlsContext: Result<NIOSSLContext, any Error>
    let channel: any Channel
    let reader: NIOLoopBound<SMTPReplyReader>

    func run(from sender: String, to recipients: [String], data: ByteBuffer, eightBit: Bool) async -> SMTPOutcome {
        do {
            if let refusal = try await self.openTransaction(from: sender, to: recipients, eightBit: eightBit) {
                await self.quit()
                return refusal
            }
        } catch {
            return .notSent(reason: self.reason(error), transient: true)
        }
        do {
            try await self.channel.writeAndFlush(data).get()
        } catch {
            // The dot is the last byte: a write that failed did not finish the message.
            return .notSent(reason: "the connection failed while the message was sent: \(error)", transient: true)
        }
        let reply: SMTPReply
        do {
            reply = try await self.reply(at: .endOfData, within: self.timeouts.endOfData)
        } catch {
            return .unknown(reason: self.reason(error))
        }
        let outcome: SMTPOutcome
        switch reply.code {
        case 200..<300: outcome = .accepted(reply: reply.text)
        case 400..<500: outcome = .notSent(reason: reply.summary, transient: true)
        case 500..<600: outcome = .notSent(reason: reply.summary, transient: false)
        default: outcome = .unknown(reason: "unexpected reply to the end of the message: \(reply.summary)")
        }
        await self.quit()
        return outcome
    }

    /// From the greeting to the relay's 354 to DATA: nil when it waits for the message, else why not.
    private func openTransaction(from sender: String, to recipients: [String], eightBit: Bool) async throws -> SMTPOutcome? {
        var reply = try await self.reply(at: .greeting, within: self.timeouts.reply)
        guard reply.code == 220 else { return Self.refusal(reply, at: .greeting) }
        reply = try await self.hello()
        guard reply.code == 250 else { return Self.refusal(reply, at: .ehlo) }
        var encrypted = self.relay.security == .implicitTLS
        if !encrypted {
            if reply.offers("STARTTLS") {
                let context: NIOSSLContext
                switch self.tlsContext {
                case .success(let made): context = made
                case .failure(let error): return .notSent(reason: "TLS is not available: \(error)", transient: false)
                }
                let answer = try await self.startTLS(context)
                guard answer.code == 220 else { return Self.refusal(answer, at: .startTLS) }
                encrypted = true
                // RFC 3207: what the relay said before TLS is forgotten; ask again.
                reply = try await self.hello()
                guard reply.code == 250 else { return Self.refusal(reply, at: .ehlo) }
            } else if !self.relay.mayStayPlain {
                return .notSent(reason: "\(self.relay) does not offer STARTTLS; mail is not sent in the clear", transient: false)
            }
        }
        if let user = self.relay.username {
            guard encrypted || self.relay.isLoopback else {
                return .notSent(reason: "credentials are never sent to \(self.relay) unencrypted", transient: false)
            }
            if let refusal = try await self.authenticate(user: user, password: self.relay.password ?? "", offered: reply.authMechanisms) {
                return refusal
            }
        }
        var parameters = ""
        if eightBit, reply.offers("8BITMIME") { parameters += " BODY=8BITMIME" }
        if ([sender] + recipients).contains(where: { !$0.allSatisfy(\.isASCII) }), reply.offers("SMTPUTF8") { parameters += " SMTPUTF8" }
        reply = try await self.command("MAIL FROM:<\(sender)>\(parameters)", at: .mailFrom)
        guard reply.code == 250 else { return Self.refusal(reply, at: .mailFrom) }
        for recipient in recipients {
            reply = try await self.command("RCPT TO:<\(recipient)>", at: .rcptTo)
            guard reply.code == 250 || reply.code == 251 else { return Self.refusal(reply, at: .rcptTo) }
        }
        reply = try await self.command("DATA", at: .data)
        guard reply.code == 354 else { return Self.refusal(reply, at: .data) }
        return nil
    }

    /// EHLO, or HELO when the relay refuses EHLO for good (an old relay: no extensions, so no STARTTLS).
    private func hello() async throws -> SMTPReply {
        let reply = try await self.command("EHLO \(self.heloName)", at: .ehlo)
        guard (500..<600).contains(reply.code) else { return reply }
        return try await self.command("HELO \(self.heloName)", at: .helo)
    }

    /// Sends STARTTLS; the reader puts TLS in front of itself at the 220, before reading another byte.
    private func startTLS(_ context: NIOSSLContext) async throws -> SMTPReply {
        let (channel, reader, serverName, timeout) = (self.channel, self.reader, self.relay.serverName, self.timeouts.reply)
        return try await channel.eventLoop.flatSubmit {
            do {
                reader.value.startTLSAtNextReply(try NIOSSLClientHandler(context: context, serverHostname: serverName))
            } catch {
                return channel.eventLoop.makeFailedFuture(SMTPStepFailure(stage: .startTLS, failure: .connection(error)))
            }
            channel.writeAndFlush(ByteBuffer(string: "STARTTLS\r\n"), promise: nil)
            return reader.value.nextReply(at: .startTLS, within: timeout)
        }.get()
    }

    /// AUTH PLAIN with the initial response, or AUTH LOGIN when the relay offers only that.
    private func authenticate(user: String, password: String, offered: Set<String>) async throws -> SMTPOutcome? {
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if offered.contains("LOGIN"), !offered.contains("PLAIN") {
            var reply = try await self.command("AUTH LOGIN", at: .auth)
            guard reply.code == 334 else { return Self.refusal(reply, at: .auth) }
            reply = try await self.command(base64(user), at: .auth)
            guard reply.code == 334 else { return Self.refusal(reply, at: .auth) }
            reply = try await self.command(base64(password), at: .auth)
            return reply.code == 235 ? nil : Self.refusal(reply, at: .auth)
        }
        let token = base64("\0\(user)\0\(password)")
        var reply = try await self.command("AUTH PLAIN \(token)", at: .auth)
        // A relay that wants the credentials on a line of their own asks with an empty 334.
        if reply.code == 334 { reply = try await self.command(token, at: .auth) }
        return reply.code == 235 ? nil : Self.refusal(reply, at: .auth)
    }

    /// QUIT, its reply awaited briefly: the message's fate is already known.
    private func quit() async {
        _ = try? await self.command("QUIT", at: .quit, within: min(self.timeouts.reply, .seconds(1)))
    }

    private func command(_ line: String, at stage: SMTPStage, within timeout: TimeAmount? = nil) async throws -> SMTPReply {
        let (channel, reader, timeout) = (self.channel, self.reader, timeout ?? self.timeouts.reply)
        return try await channel.eventLoop.flatSubmit {
            channel.writeAndFlush(ByteBuffer(string: line + "\r\n"), promise: nil)
            return reader.value.nextReply(at: stage, within: timeout)
        }.get()
    }

    private func reply(at stage: SMTPStage, within timeout: TimeAmount) async throws -> SMTPReply {
        let reader = self.reader
        return try await self.channel.eventLoop.flatSubmit { reader.value.nextReply(at: stage, within: timeout) }.get()
    }

    /// A refusal before the message was sent: a 4xx may pass, a 5xx will not; any other code is a
    /// relay not speaking SMTP as it should, which trying again will not change.
    static func refusal(_ reply: SMTPReply, at stage: SMTPStage) -> SMTPOutcome {
        switch reply.code {
        case 400..<500: .notSent(reason: reply.summary, transient: true)
        case 500..<600: .notSent(reason: reply.summary, transient: false)
        default: .notSent(reason: "unexpected reply to \(stage): \(reply.summary)", transient: false)
        }
    }

    /// Why no reply came, in words.
    func reason(_ error: any Error) -> String {
        guard let step = error as? SMTPStepFailure else { return "\(error)" }
        switch (step.failure, step.stage) {
        case (.noReply(let waited), .endOfData): return "no reply after the message was sent (\(Self.words(waited)))"
        case (.noReply(let waited), .greeting): return "no greeting from \(self.relay.endpoint) within \(Self.words(waited))"
        case (.noReply(let waited), let stage): return "no reply to \(stage) within \(Self.words(waited))"
        case (.closed, .endOfData): return "the relay closed the connection after the message was sent, without a reply"
        case (.closed, .greeting): return "\(self.relay.endpoint) closed the connection before its greeting"
        case (.closed, let stage): return "the relay closed the connection before its reply to \(stage)"
        case (.garbled(let line), _): return "not an SMTP reply: \(line)"
        case (.plaintextAfterStartTLS, _): return "the relay sent more than its reply to STARTTLS before TLS began; the connection was dropped"
        case (.connection(let cause), _) where cause is NIOSSLError || cause is NIOSSLExtraError || cause is BoringSSLError:
            return "TLS with \(self.relay.endpoint) failed: \(cause)"
        case (.connection(let cause), let stage): return "the connection failed at \(stage): \(cause)"
        }
    }

    /// "30 s", "250 ms".
    static func words(_ time: TimeAmount) -> String {
        time.nanoseconds % 1_000_000_000 == 0 ? "\(time.nanoseconds / 1_000_000_000) s" : "\(time.nanoseconds / 1_000_000) ms"
    }
}
