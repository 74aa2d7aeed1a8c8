#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeadEngine
import NIOCore
import NIOPosix

/// TXT look-ups against the operator's resolvers: a datagram per query (RFC 1035), asked again
/// over TCP when the answer did not fit. A query that times out is asked of the next server, round
/// the list again while time is left; a look-up always answers within `totalTimeout`. Anything short
/// of a definitive answer (NOERROR or NXDOMAIN) is `unavailable`, which the domain checks take as
/// "nothing concluded".
public struct DNSClient: TXTResolver {
    public let servers: [SocketAddress]
    public let timeoutPerQuery: TimeAmount
    public let totalTimeout: TimeAmount
    let group: any EventLoopGroup

    /// - Parameters:
    ///   - servers: Recursive resolvers, asked in order (`SystemDNSServers` reads them).
    ///   - timeoutPerQuery: How long one server has to answer one query before the next is asked.
    ///   - totalTimeout: How long a look-up may take, every retry and the TCP fallback included.
    public init(
        servers: [SocketAddress], timeoutPerQuery: TimeAmount = .seconds(2), totalTimeout: TimeAmount = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.servers = servers
        self.timeoutPerQuery = timeoutPerQuery
        self.totalTimeout = totalTimeout
        self.group = group
    }

    /// The TXT records at `name` (ASCII, A-labels), after any CNAME chain.
    public func txtRecords(at name: String) async -> TXTLookup {
        let question: DNSName
        do { question = try DNSName(ascii: name) } catch { return .unavailable(reason: "cannot ask for \(name): \(error)") }
        guard !self.servers.isEmpty else { return .unavailable(reason: "no DNS server configured") }
        let deadline = NIODeadline.now() + self.totalTimeout
        var failures: [String] = []
        // A server that answered with an error, or refused the query, is not asked again; a silent
        // one may have lost a datagram and is asked again on the next round.
        var givenUp = Set<Int>()
        var next = 0
        while givenUp.count < self.servers.count, !Task.isCancelled {
            let now = NIODeadline.now()
            guard now < deadline else { break }
            let index = next % self.servers.count
            next += 1
            guard !givenUp.contains(index) else { continue }
            let server = self.servers[index]
            switch await self.ask(server, DNSQuery(name: question), before: deadline) {
            case .answered(let answer):
                switch answer.responseCode {
                case 0: return answer.txt.isEmpty ? .noRecords : .records(answer.txt)
                case 3: return .nonexistent
                default:
                    failures.append("\(Self.responseName(answer.responseCode)) from \(Self.describe(server))")
                    givenUp.insert(index)
                }
            case .timedOut(let reason):
                failures.append(reason)
            case .failed(let reason):
                failures.append(reason)
                givenUp.insert(index)
            }
        }
        return .unavailable(reason: self.summary(of: failures))
    }

    /// How one server's try ended.
    enum Attempt: Equatable {
        case answered(DNSAnswer)
        case timedOut(String)
        case failed(String)
    }

    /// One query to one server: over UDP, then over TCP if the answer came back truncated; each
    /// within the per-query timeout, both before the look-up's deadline.
    func ask(_ server: SocketAddress, _ query: DNSQuery, before deadline: NIODeadline) async -> Attempt {
        let overUDP = await self.exchange(query, overUDPWith: server, within: self.timeout(before: deadline))
        guard case .answered(let answer) = overUDP, answer.truncated else { return overUDP }
        return await self.exchange(query, overTCPWith: server, within: self.timeout(before: deadline))
    }

    func timeout(before deadline: NIODeadline) -> TimeAmount {
        let left = deadline - NIODeadline.now()
        return left < self.timeoutPerQuery ? left : self.timeoutPerQuery
    }

    /// One datagram out on a fresh socket, the first datagram back carrying the query's id.
    func exchange(_ query: DNSQuery, overUDPWith server: SocketAddress, within timeout: TimeAmount) async -> Attempt {
        let deadline = NIODeadline.now() + timeout
        let wire = query.wire
        do {
            // Connected, so the kernel drops datagrams from anyone else and a closed port fails at once.
            let channel = try await DatagramBootstrap(group: self.group).connect(to: server) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
            let cutOff = channel.channel.eventLoop.scheduleTask(deadline: deadline) { channel.channel.close(promise: nil) }
            defer { cutOff.cancel() }
            let answer: [UInt8]? = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: wire))
                for try await datagram in inbound where datagram.remoteAddress == server {
                    // Another id is a late answer to an earlier query, or a forgery: not ours.
                    if datagram.data.getInteger(at: datagram.data.readerIndex, as: UInt16.self) == query.id {
                        return Array(datagram.data.readableBytesView)
                    }
                }
                return nil  // closed at the deadline
            }
            guard let answer else { return .timedOut(self.timedOut(at: server, after: timeout)) }
            return Self.attempt(query.read(answer, overTCP: false), from: server)
        } catch {
            if NIODeadline.now() >= deadline { return .timedOut(self.timedOut(at: server, after: timeout)) }
            return .failed("\(Self.describe(error)) at \(Self.describe(server))")
        }
    }

    /// The query with its two-byte length over a fresh connection (RFC 1035 §4.2.2), the answer read whole.
    func exchange(_ query: DNSQuery, overTCPWith server: SocketAddress, within timeout: TimeAmount) async -> Attempt {
        guard timeout > .zero else { return .timedOut(self.timedOut(at: server, after: timeout, overTCP: true)) }
        let deadline = NIODeadline.now() + timeout
        var framed = ByteBuffer()
        let wire = query.wire
        framed.writeInteger(UInt16(wire.count))
        framed.writeBytes(wire)
        do {
            let channel = try await ClientBootstrap(group: self.group).connectTimeout(timeout).connect(to: server) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
            let cutOff = channel.channel.eventLoop.scheduleTask(deadline: deadline) { channel.channel.close(promise: nil) }
            defer { cutOff.cancel() }
            let answer: [UInt8]? = try await channel.executeThenClose { [framed] inbound, outbound in
                try await outbound.write(framed)
                var received = ByteBuffer()
                for try await part in inbound {
                    received.writeImmutableBuffer(part)
                    if let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                        let message = received.getBytes(at: received.readerIndex + 2, length: Int(length))
                    {
                        return message
                    }
                }
                return nil  // closed by the server, or at the deadline
            }
            guard let answer else {
                if NIODeadline.now() >= deadline { return .timedOut(self.timedOut(at: server, after: timeout, overTCP: true)) }
                return .failed("\(Self.describe(server)) closed the TCP connection without an answer")
            }
            return Self.attempt(query.read(answer, overTCP: true), from: server)
        } catch {
            if NIODeadline.now() >= deadline || Self.isConnectTimeout(error) {
                return .timedOut(self.timedOut(at: server, after: timeout, overTCP: true))
            }
            return .failed("\(Self.describe(error)) at \(Self.describe(server)) over TCP")
        }
    }

    static func isConnectTimeout(_ error: any Error) -> Bool {
        if case .connectTimeout = error as? ChannelError { return true }
        return false
    }

    static func attempt(_ read: Result<DNSAnswer, DNSFormatError>, from server: SocketAddress) -> Attempt {
        switch read {
        case .success(let answer): .answered(answer)
        case .failure(let error): .failed("a malformed answer from \(Self.describe(server)): \(error)")
        }
    }

    func timedOut(at server: SocketAddress, after amount: TimeAmount, overTCP: Bool = false) -> String {
        "timed out after \(Self.describe(amount)) at \(Self.describe(server))\(overTCP ? " over TCP" : "")"
    }

    /// The distinct reasons, latest last; a few are enough to tell what went wrong.
    func summary(of failures: [String]) -> String {
        var distinct: [String] = []
        for failure in failures where !distinct.contains(failure) { distinct.append(failure) }
        if distinct.isEmpty {
            return Task.isCancelled ? "the look-up was cancelled" : "no answer within \(Self.describe(self.totalTimeout))"
        }
        return distinct.suffix(3).joined(separator: "; ")
    }

    static func responseName(_ code: Int) -> String {
        switch code {
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        default: "response code \(code)"
        }
    }

    /// `127.0.0.1:53`, `[::1]:53`.
    static func describe(_ server: SocketAddress) -> String {
        guard let ip = server.ipAddress, let port = server.port else { return "\(server)" }
        return server.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// `2 s`, `1.5 s`, `300 ms`: rounded, as the last try before the deadline is a hair shorter.
    static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = (amount.nanoseconds + 500_000) / 1_000_000
        if milliseconds < 995 { return "\((milliseconds + 5) / 10 * 10) ms" }
        let tenths = (milliseconds + 50) / 100
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }

    /// A socket error as its system message ("Connection refused"), not NIO's debugging text.
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError, let message = strerror(error.errnoCode) { return String(cString: message) }
        return "\(error)"
    }
}
