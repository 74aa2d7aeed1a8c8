import Foundation
import LeadEngine
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections to the URLs tenants gave (bid endpoints, webhooks): a small pool
/// per endpoint (scheme, host and port), each pool and its connections on one event loop. Every
/// connection is made through the `TargetGate`: the host is resolved, every address checked against
/// the outbound target policy, and the connection goes to an address that was checked, never to a
/// name resolved again. Nothing here follows a redirect.
///
/// Built for the ping path, where every real-time ping asks every bidder under a deadline of a few
/// hundred milliseconds: a round of requests is sent from one call and awaited once, and a request
/// on a warm connection is one write and one read on the loop. An endpoint that stops answering is
/// bounded: a request cut off at its deadline keeps its connection for a grace period (a late answer
/// is read and dropped, and the connection is reused); an endpoint whose connections are all still
/// waiting gets no new one past `maxConnectionsPerEndpoint`, its requests time out at once instead;
/// and after enough timeouts in a row its breaker stops asking it until a probe is answered.
public final class OutboundConnectionPool: Sendable {
    public static let defaultMaxConnectionsPerEndpoint = 64
    /// How long a connection whose request was cut off may still bring its late answer before it is closed.
    public static let defaultLateAnswerGrace: TimeAmount = .seconds(2)
    /// Idle connections older than this are closed by the sweep.
    static let idleTimeout: TimeAmount = .seconds(60)
    static let connectTimeout: TimeAmount = .seconds(2)

    let group: any EventLoopGroup
    let gate: TargetGate
    let connector: any OutboundConnector
    let maxConnectionsPerEndpoint: Int
    let lateAnswerGrace: TimeAmount
    let breaker: EndpointBreaker.Settings
    private let tlsConfiguration: TLSConfiguration
    /// Made on the first https endpoint: loading the trust roots takes milliseconds.
    private let tlsContext = Mutex<Result<NIOSSLContext, any Error>?>(nil)
    private let state = Mutex(PoolState())

    struct PoolState: Sendable {
        var endpoints: [OutboundOrigin: EndpointConnections] = [:]
        /// Parsed URLs (or why they cannot be called); bounded, as buyers come and go.
        var targets: [String: Result<OutboundURL, TargetRefusal>] = [:]
        var closed = false
    }

    public init(
        gate: TargetGate, connector: any OutboundConnector = SocketConnector(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maxConnectionsPerEndpoint: Int = OutboundConnectionPool.defaultMaxConnectionsPerEndpoint,
        lateAnswerGrace: TimeAmount = OutboundConnectionPool.defaultLateAnswerGrace, breaker: EndpointBreaker.Settings = .init(),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        precondition(maxConnectionsPerEndpoint > 0)
        self.gate = gate
        self.connector = connector
        self.lateAnswerGrace = lateAnswerGrace
        self.breaker = breaker
        self.group = group
        self.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
        self.tlsConfiguration = tlsConfiguration
    }

    /// Sends one request and reads its answer, within `timeout` from now (connecting included).
    public func exchange(_ call: OutboundCall) async -> OutboundAnswer {
        let answers = await self.exchange([call])
        return answers.first?.answer ?? .failed(.unreachable, detail: "the request failed")
    }

    /// Sends every request at once, each to its endpoint's loop and under its own timeout, and
    /// returns when all are answered: one suspension for the whole round, however many endpoints.
    public func exchange(_ calls: [OutboundCall]) async -> [TimedOutboundAnswer] {
        guard !calls.isEmpty else { return [] }
        let round = OutboundRound(loop: self.group.next(), count: calls.count)
        var started: [(EndpointConnections, OutboundExchange)] = []
        started.reserveCapacity(calls.count)
        for (index, call) in calls.enumerated() {
            let target: OutboundURL
            switch self.target(for: call.url) {
            case .success(let parsed): target = parsed
            case .failure(let refusal):
                round.record(index, .failed(.targetNotAllowed, detail: refusal.description))
                continue
            }
            let endpoint: EndpointConnections
            switch self.endpoint(for: OutboundOrigin(target)) {
            case .success(let found): endpoint = found
            case .failure(let refusal):
                round.record(index, refusal.answer)
                continue
            }
            let exchange = OutboundExchange(loop: endpoint.loop, timeoutMilliseconds: call.timeout.nanoseconds / 1_000_000) { answer in
                round.record(index, answer)
            }
            let request = EncodedRequest(bytes: call.encode(target), maxBodyBytes: call.maxBodyBytes, truncatesLongBodies: call.truncatesLongBodies)
            let timeout = call.timeout
            endpoint.loop.execute { endpoint.start(exchange, request: request, timeout: timeout) }
            started.append((endpoint, exchange))
        }
        let exchanges = started
        return await withTaskCancellationHandler {
            (try? await round.promise.futureResult.get()) ?? []
        } onCancel: {
            for (endpoint, exchange) in exchanges {
                exchange.complete(.failed(.timeout, detail: "cut off at the deadline"))
                endpoint.loop.execute { endpoint.cutOff(exchange) }
            }
        }
    }

    /// Closes every connection; later requests answer `unreachable`.
    public func shutdown() async {
        let endpoints = self.state.withLock { state in
            state.closed = true
            return Array(state.endpoints.values)
        }
        for endpoint in endpoints {
            try? await endpoint.loop.flatSubmit { endpoint.close() }.get()
        }
    }

    /// The connections open to the endpoint of a URL, idle or busy.
    public func openConnections(to url: String) async -> Int {
        guard case .success(let target) = self.target(for: url), let endpoint = self.state.withLock({ $0.endpoints[OutboundOrigin(target)] })
        else { return 0 }
        return (try? await endpoint.loop.submit { endpoint.openCount }.get()) ?? 0
    }

    /// The URL parsed, and its port (and literal address) checked: what needs no look-up.
    private func target(for url: String) -> Result<OutboundURL, TargetRefusal> {
        if let known = self.state.withLock({ $0.targets[url] }) { return known }
        let parsed = OutboundURL.parse(url).flatMap { url in self.gate.policy.check(url).map { .failure($0) } ?? .success(url) }
        self.state.withLock { state in
            if state.targets.count >= 10_000 { state.targets.removeAll(keepingCapacity: true) }
            state.targets[url] = parsed
        }
        return parsed
    }

    private func endpoint(for origin: OutboundOrigin) -> Result<EndpointConnections, RefusedBeforeConnecting> {
        var context: NIOSSLContext?
        if origin.useTLS {
            switch self.sslContext() {
            case .success(let made): context = made
            case .failure(let error):
                return .failure(RefusedBeforeConnecting(answer: .failed(.notConnected, detail: "TLS is not available: \(error)")))
            }
        }
        return self.state.withLock { state in
            if state.closed { return .failure(RefusedBeforeConnecting(answer: .failed(.notConnected, detail: "the server is shutting down"))) }
            if let endpoint = state.endpoints[origin] { return .success(endpoint) }
            let endpoint = EndpointConnections(
                origin: origin, loop: self.group.next(), tls: context, gate: self.gate, connector: self.connector,
                maxConnections: self.maxConnectionsPerEndpoint, lateAnswerGrace: self.lateAnswerGrace,
                breaker: EndpointBreaker(settings: self.breaker)
            )
            state.endpoints[origin] = endpoint
            return .success(endpoint)
        }
    }

    private func sslContext() -> Result<NIOSSLContext, any Error> {
        self.tlsContext.withLock { cached in
            if let cached { return cached }
            let made = Result { try NIOSSLContext(configuration: self.tlsConfiguration) }
            cached = made
            return made
        }
    }
}

/// A refusal decided before any connection: carried as an error so `Result` can hold it.
struct RefusedBeforeConnecting: Error {
    var answer: OutboundAnswer
}

/// Where connections go: one pool per scheme, host and port.
struct OutboundOrigin: Hashable, Sendable {
    var host: OutboundURL.Host
    var port: Int
    var useTLS: Bool

    init(_ url: OutboundURL) {
        self.host = url.host
        self.port = url.port
        self.useTLS = url.usesTLS
    }
}

/// One request to make: where, its bytes (made once the URL is parsed), its timeout, and how much
/// of a 200's body to read (0: none, the status is the answer).
public struct OutboundCall: Sendable {
    public var url: String
    public var encode: @Sendable (OutboundURL) -> ByteBuffer
    public var timeout: TimeAmount
    public var maxBodyBytes: Int
    /// A 2xx body longer than `maxBodyBytes` is a bad answer (a bid must be read whole) unless this
    /// is set: then its first `maxBodyBytes` are the answer's body, as for any other status (a
    /// webhook test shows a preview of whatever came back).
    public var truncatesLongBodies: Bool

    public init(
        url: String, timeout: TimeAmount, maxBodyBytes: Int, truncatesLongBodies: Bool = false, encode: @escaping @Sendable (OutboundURL) -> ByteBuffer
    ) {
        self.url = url
        self.encode = encode
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.truncatesLongBodies = truncatesLongBodies
    }
}

/// A whole HTTP/1.1 request, head and body, as it goes on the wire.
struct EncodedRequest: Sendable {
    var bytes: ByteBuffer
    var maxBodyBytes: Int
    var truncatesLongBodies = false
}

/// The answers of one round of requests, gathered from whichever loops they come on; the round's
/// promise completes with the last one.
final class OutboundRound: Sendable {
    let promise: EventLoopPromise<[TimedOutboundAnswer]>
    private let state: Mutex<(answers: [TimedOutboundAnswer?], missing: Int)>

    init(loop: any EventLoop, count: Int) {
        self.promise = loop.makePromise()
        self.state = Mutex((answers: Array(repeating: nil, count: count), missing: count))
    }

    func record(_ index: Int, _ answer: OutboundAnswer) {
        let timed = TimedOutboundAnswer(answer: answer, answeredAt: .now)
        let complete: [TimedOutboundAnswer]? = self.state.withLock { state in
            guard state.answers[index] == nil else { return nil }
            state.answers[index] = timed
            state.missing -= 1
            return state.missing == 0 ? state.answers.map { $0! } : nil
        }
        if let complete { self.promise.succeed(complete) }
    }
}
