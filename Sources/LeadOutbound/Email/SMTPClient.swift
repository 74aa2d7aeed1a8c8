import Foundation
import LeadEngine
import NIOCore
import NIOPosix
import NIOSSL

/// What became of one message handed to the relay.
public enum SMTPOutcome: Sendable, Equatable {
    /// The relay took the message: the text of its reply to the final dot, often with its queue id
    /// ("2.0.0 Ok: queued as 4F2A1").
    case accepted(reply: String)
    /// The relay did not take the message: nothing reached it, or it refused. `transient` (no
    /// connection, a 4xx) may be tried again later; otherwise not.
    case notSent(reason: String, transient: Bool)
    /// The whole message was sent but no reply came: the relay may have queued it. Never retried.
    case unknown(reason: String)
}

/// Submits outreach email to the operator's relay: EHLO (HELO when refused), STARTTLS (required
/// off loopback), AUTH PLAIN or LOGIN when credentials are given, MAIL, RCPT per recipient, DATA,
/// QUIT; one connection per message, closed on every path.
///
/// At most once: a failure before the message's final dot is written never delivered it; once the
/// dot is out, a missing reply is `unknown`, since the relay may have queued it.
public struct SMTPClient: Sendable {
    /// How long each step may take.
    public struct Timeouts: Sendable, Equatable {
        /// To open the TCP connection (resolving the name included).
        public var connect: TimeAmount
        /// For the greeting and each command's reply.
        public var reply: TimeAmount
        /// For the reply to the final dot, while the relay checks and queues the message.
        public var endOfData: TimeAmount

        public init(connect: TimeAmount = .seconds(10), reply: TimeAmount = .seconds(30), endOfData: TimeAmount = .seconds(60)) {
            self.connect = connect
            self.reply = reply
            self.endOfData = endOfData
        }
    }

    public let relay: SMTPRelay
    /// The name this server gives in EHLO: its public host name.
    public let heloName: String
    let group: any EventLoopGroup
    let timeouts: Timeouts
    /// Made once: loading the trust roots takes milliseconds.
    let tlsContext: Result<NIOSSLContext, any Error>

    /// - Parameters:
    ///   - tlsConfiguration: for STARTTLS and `smtps`; set `trustRoots` (or `additionalTrustRoots`)
    ///     for a relay with a private CA.
    public init(
        relay: SMTPRelay, heloName: String, tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, timeouts: Timeouts = .init()
    ) {
        self.relay = relay
        self.heloName = heloName
        self.group = group
        self.timeouts = timeouts
        self.tlsContext = Result { try NIOSSLContext(configuration: tlsConfiguration) }
    }

    /// Sends one message from `envelopeSender` (MAIL FROM; "" for the null sender) to every
    /// recipient (RCPT TO). `message` is a complete RFC 5322 message with CRLF line ends; it is
    /// dot-stuffed here. A recipient the relay refuses fails the whole message before DATA.
    public func send(from envelopeSender: String, to recipients: [String], message: String) async -> SMTPOutcome {
        if let refusal = self.refusalBeforeConnecting(from: envelopeSender, to: recipients) {
            return .notSent(reason: refusal, transient: false)
        }
        var implicitTLS: NIOSSLContext?
        if self.relay.security == .implicitTLS {
            switch self.tlsContext {
            case .success(let context): implicitTLS = context
            case .failure(let error): return .notSent(reason: "TLS is not available: \(error)", transient: false)
            }
        }
        let connection: SMTPConnection
        do {
            connection = try await self.connect(tls: implicitTLS)
        } catch {
            return .notSent(reason: self.connectFailure(error), transient: true)
        }
        let channel = connection.channel
        let session = SMTPSession(
            relay: self.relay, heloName: self.heloName, timeouts: self.timeouts, tlsContext: self.tlsContext, channel: channel, reader: connection.reader
        )
        let outcome = await withTaskCancellationHandler {
            await session.run(from: envelopeSender, to: recipients, data: Self.dataBytes(message), eightBit: message.utf8.contains { $0 >= 0x80 })
        } onCancel: {
            channel.close(promise: nil)
        }
        // Already closed when the relay hung up or a step timed out: that error is of no interest.
        try? await channel.close()
        return outcome
    }

    /// Addresses that would break the command line they go on, a HELO name that is not a name,
    /// no recipient: refused for good, before any connection.
    func refusalBeforeConnecting(from sender: String, to recipients: [String]) -> String? {
        guard !recipients.isEmpty else { return "no recipient" }
        for address in [sender] + recipients where address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }) {
            return "the address \(address.debugDescription) cannot be sent over SMTP"
        }
        for recipient in recipients where recipient.isEmpty { return "an empty recipient address" }
        if self.heloName.isEmpty || self.heloName.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
            return "the HELO name \(self.heloName.debugDescription) is not a host name"
        }
        return nil
    }

    private func connect(tls: NIOSSLContext?) async throws -> SMTPConnection {
        let serverName = self.relay.serverName
        return try await ClientBootstrap(group: self.group).connectTimeout(self.timeouts.connect)
            .connect(host: self.relay.host, port: self.relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    let reader = SMTPReplyReader(eventLoop: channel.eventLoop)
                    try channel.pipeline.syncOperations.addHandler(reader)
                    return SMTPConnection(channel: channel, reader: NIOLoopBound(reader, eventLoop: channel.eventLoop))
                }
            }
    }

    private func connectFailure(_ error: any Error) -> String {
        let endpoint = self.relay.endpoint
        if case ChannelError.connectTimeout = error { return "no connection to \(endpoint) within \(SMTPSession.words(self.timeouts.connect))" }
        var causes = [error]
        if let failure = error as? NIOConnectionError {
            if failure.connectionErrors.isEmpty, failure.dnsAError != nil || failure.dnsAAAAError != nil {
                return "\(self.relay.host) could not be resolved"
            }
            causes = failure.connectionErrors.map(\.error)
        }
        if causes.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) { return "connect refused to \(endpoint)" }
        return "cannot connect to \(endpoint): \(causes.first ?? error)"
    }

    /// The message as DATA carries it: every line end CRLF (a bare CR or LF too, so no relay can see
    /// an end of data the client did not mean: SMTP smuggling), a dot doubled at the start of a line
    /// (RFC 5321 §4.5.2), a last line end if the message lacked one, and the closing dot.
    static func dataBytes(_ message: String) -> ByteBuffer {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(message.utf8.count + message.utf8.count / 32 + 5)
        var atLineStart = true
        var afterCR = false
        for byte in message.utf8 {
            if afterCR {
                afterCR = false
                if byte == lf { continue }
            }
            switch byte {
            case cr, lf:
                bytes += [cr, lf]
                atLineStart = true
                afterCR = byte == cr
            case dot where atLineStart:
                bytes += [dot, dot]
                atLineStart = false
            default:
                bytes.append(byte)
                atLineStart = false
            }
        }
        if !atLineStart { bytes += [cr, lf] }
        bytes += [dot, cr, lf]
        return ByteBuffer(bytes: bytes)
    }
}

extension SMTPClient: MailTransport {
    /// The email channel's view: a transient refusal is `notReached` (retried), a permanent one `rejected`.
    public func deliver(from envelopeSender: String, to recipient: String, message: String) async -> SendOutcome {
        switch await self.send(from: envelopeSender, to: [recipient], message: message) {
        case .accepted(let reply): return .sent(providerID: reply)
        case .notSent(let reason, transient: true): return .notReached(reason: reason)
        case .notSent(let reason, transient: false): return .rejected(reason: reason)
        case .unknown(let reason): return .unknown(reason: reason)
        }
    }
}

extension SMTPRelay {
    /// `host:port`, for reasons.
    var endpoint: String { self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)" }
}

