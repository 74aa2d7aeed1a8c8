import Foundation
import LeadEngine
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections to buyers' bid endpoints: a small pool per endpoint (scheme,
/// host and port), each pool and its connections on one event loop.
///
/// Built for the ping path, where every real-time ping asks every bidder under a deadline of a few
/// hundred milliseconds: a round of requests is sent from one call and awaited once, and a request
/// on a warm connection is one write and one read on the loop. A bidder that stops answering is
/// bounded: a request cut off at its deadline keeps its connection for a grace period (a late answer
/// is read and dropped, and the connection is reused); an endpoint whose connections are all still
/// waiting gets no new one past `maxConnectionsPerEndpoint`, its requests time out at once instead;
/// and after enough timeouts in a row its breaker stops asking it until a probe is answered.
public final class BidConnectionPool: Sendable {
    public static let defaultMaxConnectionsPerEndpoint = 64
    /// How long a connection whose request was cut off may still bring its late answer before it is closed.
    public static let defaultLateAnswerGrace: TimeAmount = .seconds(2)
    /// Idle connections older than this are closed by the sweep.
    static let idleTimeout: TimeAmount = .seconds(60)
    static let connectTimeout: TimeAmount = .seconds(2)

    let group: any EventLoopGroup
    let maxConnectionsPerEndpoint: Int
    let lateAnswerGrace: TimeAmount
    let breaker: BidEndpointBreaker.Settings
    private let tlsConfiguration: TLSConfiguration
    /// Made on the first https endpoint: loading the trust roots takes milliseconds.
    private let tlsContext = Mutex<Result<NIOSSLContext, any Error>?>(nil)
    private let state = Mutex(PoolState())

    struct PoolState: Sendable {
        var endpoints: [BidOrigin: EndpointConnections] = [:]
        /// Parsed bid URLs; bounded, as buyers come and go.
        var targets: [String: BidTarget] = [:]
        var closed = false
    }

    public init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, maxConnectionsPerEndpoint: Int = BidConnectionPool.defaultMaxConnectionsPerEndpoint,
        lateAnswerGrace: TimeAmount = BidConnectionPool.defaultLateAnswerGrace, breaker: BidEndpointBreaker.Settings = .init(),
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        precondition(maxConnectionsPerEndpoint > 0)
        self.lateAnswerGrace = lateAnswerGrace
        self.breaker = breaker
        self.group = group
        self.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
        self.tlsConfiguration = tlsConfiguration
    }

    /// Sends one request and reads its answer, within `timeout` from now (connecting included).
    func exchange(_ call: BidCall) async -> BidAnswer {
        let answers = await self.exchange([call])
        return answers.first?.answer ?? .failed(.unreachable, detail: "the request failed")
    }

    /// Sends every request at once, each to its endpoint's loop and under its own timeout, and
    /// returns when all are answered: one suspension for the whole round, however many bidders.
    func exchange(_ calls: [BidCall]) async -> [TimedBidAnswer] {
        guard !calls.isEmpty else { return [] }
        let round = BidRound(loop: self.group.next(), count: calls.count)
        var started: [(EndpointConnections, BidExchange)] = []
        started.reserveCapacity(calls.count)
        for (index, call) in calls.enumerated() {
            guard let target = self.target(for: call.url) else {
                round.record(index, .failed(.unreachable, detail: "bid_url is not an http or https URL"))
                continue
            }
            let endpoint: EndpointConnections
            switch self.endpoint(for: target.origin) {
            case .success(let found): endpoint = found
            case .failure(let refusal):
                round.record(index, refusal.answer)
                continue
            }
            let exchange = BidExchange(loop: endpoint.loop, timeoutMilliseconds: call.timeout.nanoseconds / 1_000_000) { answer in
                round.record(index, answer)
            }
            let request = BidRequest(bytes: call.encode(target))
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

    /// The connections open to the endpoint of a bid URL, idle or busy.
    public func openConnections(to url: String) async -> Int {
        guard let target = self.target(for: url), let endpoint = self.state.withLock({ $0.endpoints[target.origin] }) else { return 0 }
        return (try? await endpoint.loop.submit { endpoint.openCount }.get()) ?? 0
    }

    private func target(for url: String) -> BidTarget? {
        if let known = self.state.withLock({ $0.targets[url] }) { return known }
        guard let parsed = BidTarget(url: url) else { return nil }
        self.state.withLock { state in
            if state.targets.count >= 10_000 { state.targets.removeAll(keepingCapacity: true) }
            state.targets[url] = parsed
        }
        return parsed
    }

    private func endpoint(for origin: BidOrigin) -> Result<EndpointConnections, BidAnswerFailure> {
        var context: NIOSSLContext?
        if origin.useTLS {
            switch self.sslContext() {
            case .success(let made): context = made
            case .failure(let error): return .failure(BidAnswerFailure(answer: .failed(.unreachable, detail: "TLS is not available: \(error)")))
            }
        }
        return self.state.withLock { state in
            if state.closed { return .failure(BidAnswerFailure(answer: .failed(.unreachable, detail: "the server is shutting down"))) }
            if let endpoint = state.endpoints[origin] { return .success(endpoint) }
            let endpoint = EndpointConnections(
                origin: origin, loop: self.group.next(), tls: context, maxConnections: self.maxConnectionsPerEndpoint,
                lateAnswerGrace: self.lateAnswerGrace, breaker: BidEndpointBreaker(settings: self.breaker)
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
struct BidAnswerFailure: Error {
    var answer: BidAnswer
}

/// Where connections go: one pool per scheme, host and port.
struct BidOrigin: Hashable, Sendable {
    var host: String
    var port: Int
    var useTLS: Bool
}

/// A parsed bid URL: its origin, the request target (path and query) and the Host header.
struct BidTarget: Sendable {
    var origin: BidOrigin
    var path: String
    var hostHeader: String

    init?(url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        let useTLS = scheme == "https"
        let defaultPort = useTLS ? 443 : 80
        let port = components.port ?? defaultPort
        // An IPv6 literal keeps its brackets in the Host header, not in the address to connect to.
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.origin = BidOrigin(host: bareHost, port: port, useTLS: useTLS)
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.path = path + query
        let hostForHeader = bareHost.contains(":") ? "[\(bareHost)]" : bareHost
        self.hostHeader = port == defaultPort ? hostForHeader : "\(hostForHeader):\(port)"
    }
}

/// One request to make: where, its bytes (made once the URL is parsed) and its timeout.
struct BidCall {
    var url: String
    var encode: (BidTarget) -> ByteBuffer
    var timeout: TimeAmount
}

/// A whole HTTP/1.1 request, head and body, as it goes on the wire.
struct BidRequest: Sendable {
    var bytes: ByteBuffer
}

/// The answers of one round of requests, gathered from whichever loops they come on; the round's
/// promise completes with the last one.
final class BidRound: Sendable {
    let promise: EventLoopPromise<[TimedBidAnswer]>
    private let state: Mutex<(answers: [TimedBidAnswer?], missing: Int)>

    init(loop: any EventLoop, count: Int) {
        self.promise = loop.makePromise()
        self.state = Mutex((answers: Array(repeating: nil, count: count), missing: count))
    }

    func record(_ index: Int, _ answer: BidAnswer) {
        let timed = TimedBidAnswer(answer: answer, answeredAt: .now)
        let complete: [TimedBidAnswer]? = self.state.withLock { state in
            guard state.answers[index] == nil else { return nil }
            state.answers[index] = timed
            state.missing -= 1
            return state.missing == 0 ? state.answers.map { $0! } : nil
        }
        if let complete { self.promise.succeed(complete) }
    }
}

/// One request's answer, completed once: by the response, a failure, the timeout or cancellation,
/// whichever comes first, from any thread.
final class BidExchange: Sendable {
    let timeoutMilliseconds: Int64
    private let completed = Atomic(false)
    private let deliver: @Sendable (BidAnswer) -> Void
    /// The request on its endpoint's loop, once started there.
    let pending: NIOLoopBoundBox<PendingBid?>

    init(loop: any EventLoop, timeoutMilliseconds: Int64, deliver: @escaping @Sendable (BidAnswer) -> Void) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.deliver = deliver
        self.pending = .makeEmptyBox(valueType: PendingBid.self, eventLoop: loop)
    }

    func complete(_ answer: BidAnswer) {
        if self.completed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            self.deliver(answer)
        }
    }

    var isComplete: Bool { self.completed.load(ordering: .acquiring) }
}

/// One endpoint's connections. Everything but the constants is touched on `loop` only.
final class EndpointConnections: Sendable {
    let origin: BidOrigin
    let loop: any EventLoop
    let tls: NIOSSLContext?
    let maxConnections: Int
    let lateAnswerGrace: TimeAmount
    private let state: NIOLoopBoundBox<State>

    struct State {
        /// Most recently used last: reuse takes the warmest, the sweep closes the coldest.
        var idle: [BidConnection] = []
        var open = 0
        var closed = false
        var sweep: RepeatedTask?
        var breaker: BidEndpointBreaker
    }

    init(
        origin: BidOrigin, loop: any EventLoop, tls: NIOSSLContext?, maxConnections: Int, lateAnswerGrace: TimeAmount, breaker: BidEndpointBreaker
    ) {
        self.lateAnswerGrace = lateAnswerGrace
        self.origin = origin
        self.loop = loop
        self.tls = tls
        self.maxConnections = maxConnections
        self.state = .makeBoxSendingValue(State(breaker: breaker), eventLoop: loop)
    }

    var openCount: Int { self.state.value.open }

    /// Sends the request on an idle connection, or a new one; answers at once when neither is possible.
    func start(_ exchange: BidExchange, request: BidRequest, timeout: TimeAmount) {
        if self.state.value.sweep == nil, !self.state.value.closed {
            self.state.value.sweep = self.loop.scheduleRepeatedTask(initialDelay: Self.sweepInterval, delay: Self.sweepInterval) { [self] _ in
                self.closeIdle(olderThan: .now() - BidConnectionPool.idleTimeout)
            }
        }
        if exchange.isComplete { return }  // cut off before it started
        let isProbe: Bool
        switch self.state.value.breaker.admit(now: .now()) {
        case .refuse(let reason):
            exchange.complete(.failed(.timeout, detail: reason))
            return
        case .ask(let probe):
            isProbe = probe
        }
        let pending = PendingBid(exchange: exchange, request: request, isProbe: isProbe)
        exchange.pending.value = pending
        pending.timer = self.loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            exchange.complete(.failed(.timeout, detail: "no answer within \(exchange.timeoutMilliseconds) ms"))
            self.state.value.breaker.record(answered: false, probe: pending.isProbe, now: .now())
            self.giveUp(on: pending)
        }
        while let connection = self.state.value.idle.popLast() {
            if connection.isUsable {
                connection.send(pending)
                return
            }
        }
        guard !self.state.value.closed else {
            pending.finish(.failed(.unreachable, detail: "the server is shutting down"))
            return
        }
        guard self.state.value.open < self.maxConnections else {
            if isProbe { self.state.value.breaker.record(answered: false, probe: true, now: .now()) }
            pending.finish(
                .failed(.timeout, detail: "all \(self.maxConnections) connections to the bid endpoint are still waiting for earlier answers")
            )
            return
        }
        self.state.value.open += 1
        self.connect().assumeIsolated().whenComplete { [self] result in
            switch result.flatMap({ channel in Result { try channel.pipeline.syncOperations.handler(type: BidConnection.self) } }) {
            case .success(let connection):
                if exchange.isComplete {
                    // It timed out while connecting: keep the connection for the next request.
                    self.finished(connection, reusable: true)
                } else {
                    connection.send(pending)
                }
            case .failure(let error):
                self.state.value.open -= 1
                if pending.isProbe { self.state.value.breaker.record(answered: false, probe: true, now: .now()) }
                pending.finish(Self.classify(connectError: error))
            }
        }
    }

    static let sweepInterval: TimeAmount = .seconds(15)

    /// The caller stopped waiting (cancelled at the auction's deadline).
    func cutOff(_ exchange: BidExchange) {
        guard let pending = exchange.pending.value else { return }
        pending.timer?.cancel()
        self.giveUp(on: pending)
    }

    /// The answer is no longer wanted. A request already sent keeps its connection for a grace
    /// period, so that a late answer can be read and dropped and the connection reused; then it closes.
    private func giveUp(on pending: PendingBid) {
        pending.exchange.pending.value = nil
        guard let connection = pending.connection, connection.current === pending else { return }
        self.loop.assumeIsolated().scheduleTask(in: self.lateAnswerGrace) {
            if connection.current === pending { connection.close() }
        }
    }

    /// The endpoint answered a request (in time or not): it is alive. A probe that failed another
    /// way (the connection closed under it) counts against it; other such failures do not count.
    func settled(_ pending: PendingBid, answered: Bool) {
        guard answered || pending.isProbe else { return }
        self.state.value.breaker.record(answered: answered, probe: pending.isProbe, now: .now())
    }

    /// A connection's request is answered (or failed): it goes back to the idle stack, or closes.
    func finished(_ connection: BidConnection, reusable: Bool) {
        if reusable, connection.isUsable, !self.state.value.closed {
            connection.lastUsed = .now()
            self.state.value.idle.append(connection)
        } else {
            connection.close()
        }
    }

    /// A connection's channel closed, whatever closed it.
    func closed(_ connection: BidConnection) {
        self.state.value.open -= 1
        self.state.value.idle.removeAll { $0 === connection }
    }

    func close() -> EventLoopFuture<Void> {
        self.state.value.closed = true
        self.state.value.sweep?.cancel()
        self.state.value.sweep = nil
        let idle = self.state.value.idle
        self.state.value.idle = []
        for connection in idle { connection.close() }
        return self.loop.makeSucceededVoidFuture()
    }

    private func closeIdle(olderThan cutoff: NIODeadline) {
        let stale = self.state.value.idle.filter { $0.lastUsed < cutoff }
        guard !stale.isEmpty else { return }
        self.state.value.idle.removeAll { $0.lastUsed < cutoff }
        for connection in stale { connection.close() }
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let origin = self.origin
        let tls = self.tls
        return ClientBootstrap(group: self.loop)
            .connectTimeout(BidConnectionPool.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls {
                        // SNI names a host, never an address.
                        let isAddress = (try? SocketAddress(ipAddress: origin.host, port: 0)) != nil
                        try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: isAddress ? nil : origin.host))
                    }
                    // Requests go out already encoded: the writer passes their bytes on and drops the
                    // token head the response decoder needs to see for each request.
                    try pipeline.addHandler(EncodedRequestWriter())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(BidConnection(endpoint: self))
                }
            }
            .connect(host: origin.host, port: origin.port)
    }

    static func classify(connectError error: any Error) -> BidAnswer {
        if let error = error as? ChannelError, case .connectTimeout = error { return .failed(.timeout, detail: "connect timed out") }
        return .failed(.unreachable, detail: "\(error)")
    }
}

/// A request in flight: its exchange, the bytes to send, its timer, and the connection it went out on.
final class PendingBid {
    let exchange: BidExchange
    let request: BidRequest
    /// The one request let through to an endpoint that had stopped answering.
    let isProbe: Bool
    var timer: Scheduled<Void>?
    var connection: BidConnection?

    init(exchange: BidExchange, request: BidRequest, isProbe: Bool) {
        self.exchange = exchange
        self.request = request
        self.isProbe = isProbe
    }

    func finish(_ answer: BidAnswer) {
        self.timer?.cancel()
        self.exchange.complete(answer)
        // The exchange and its request point at each other until here.
        self.exchange.pending.value = nil
    }
}

/// Sends requests that are encoded already: a `.body` carries the whole request, head and body,
/// as bytes. The `.head` before it is only a token for the response decoder above, which counts
/// requests (and their methods) to match answers to them; it is dropped here, as is `.end`.
final class EncodedRequestWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .body(let bytes): context.write(self.wrapOutboundOut(bytes), promise: promise)
        case .head, .end: promise?.succeed(())
        }
    }
}

/// One keep-alive connection to a bid endpoint, one request at a time: sends it, reads the answer
/// (at most `HTTPBidRequester.maxAnswerBytes` of body), and hands itself back to its pool.
final class BidConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// What the response decoder needs to know of each request: that there is one, and its method.
    static let token = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")

    private let endpoint: EndpointConnections
    private var context: ChannelHandlerContext?
    private(set) var current: PendingBid?
    private var status: HTTPResponseStatus?
    private var keepAlive = true
    private var body: ByteBuffer?
    private var isOpen = true
    var lastUsed = NIODeadline.now()

    init(endpoint: EndpointConnections) {
        self.endpoint = endpoint
    }

    var isUsable: Bool { self.isOpen && self.context?.channel.isActive == true }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(_ pending: PendingBid) {
        guard let context, self.isOpen else {
            pending.finish(.failed(.unreachable, detail: "the connection closed"))
            return
        }
        pending.connection = self
        self.current = pending
        self.status = nil
        self.body = nil
        self.keepAlive = true
        context.write(self.wrapOutboundOut(.head(Self.token)), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(pending.request.bytes))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status
            self.keepAlive = head.isKeepAlive
        case .body(var part):
            // Only a 200's body is read; others are drained and dropped.
            guard self.current != nil, self.status == .ok else { return }
            if self.body == nil {
                self.body = part
            } else {
                self.body?.writeBuffer(&part)
            }
            if (self.body?.readableBytes ?? 0) > HTTPBidRequester.maxAnswerBytes {
                self.finish(.failed(.badResponse, detail: "answer longer than \(HTTPBidRequester.maxAnswerBytes) bytes"), reusable: false)
            }
        case .end:
            guard self.current != nil else {
                // An answer nobody asked for: the connection cannot be trusted to be in step.
                if self.status != nil { self.close() }
                return
            }
            if let pending = self.current { self.endpoint.settled(pending, answered: true) }
            let answer: BidAnswer
            switch self.status?.code {
            case 204: answer = .declined
            case 200: answer = HTTPBidRequester.parseAnswer(self.body ?? ByteBuffer())
            case let code?: answer = .failed(.httpError, detail: "status \(code)")
            case nil: answer = .failed(.badResponse, detail: "no status line")
            }
            self.finish(answer, reusable: self.keepAlive)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failed(error is HTTPParserError ? .badResponse : .unreachable, detail: "\(error)"), reusable: false)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.failed(.unreachable, detail: "the connection closed before the answer"), reusable: false)
        if self.isOpen {
            self.isOpen = false
            self.endpoint.closed(self)
        }
        context.fireChannelInactive()
    }

    func close() {
        self.context?.close(promise: nil)
    }

    private func finish(_ answer: BidAnswer, reusable: Bool) {
        guard let pending = self.current else {
            if !reusable { self.close() }
            return
        }
        if case .failed(.unreachable, _) = answer { self.endpoint.settled(pending, answered: false) }
        self.current = nil
        self.body = nil
        pending.finish(answer)
        self.endpoint.finished(self, reusable: reusable)
    }
}

/// Stops asking an endpoint that has stopped answering. After `threshold` timeouts in a row its
/// requests time out at once, without a connection, for `cooldown`; then a single request probes
/// it: an answer (any answer) asks it again as usual, another timeout waits another cooldown.
/// A silent bidder so costs a ping nothing, instead of holding it to its deadline.
public struct BidEndpointBreaker: Sendable {
    public struct Settings: Sendable {
        public var threshold: Int
        public var cooldown: TimeAmount

        public init(threshold: Int = 16, cooldown: TimeAmount = .seconds(1)) {
            precondition(threshold > 0)
            self.threshold = threshold
            self.cooldown = cooldown
        }
    }

    enum Admission: Equatable {
        case ask(probe: Bool)
        case refuse(String)
    }

    private enum State: Sendable {
        case closed(consecutiveTimeouts: Int)
        case open(until: NIODeadline)
        /// A probe is out; should its outcome never be recorded, another may go after `until`.
        case probing(until: NIODeadline)
    }

    /// Longer than any bid request may take (timeouts are at most 2 s).
    static let probeLimit: TimeAmount = .seconds(5)

    let settings: Settings
    private var state = State.closed(consecutiveTimeouts: 0)

    init(settings: Settings) {
        self.settings = settings
    }

    mutating func admit(now: NIODeadline) -> Admission {
        switch self.state {
        case .closed:
            return .ask(probe: false)
        case .open(let until) where now < until:
            return .refuse(self.refusal)
        case .open:
            self.state = .probing(until: now + Self.probeLimit)
            return .ask(probe: true)
        case .probing(let until) where now < until:
            return .refuse(self.refusal)
        case .probing:
            self.state = .probing(until: now + Self.probeLimit)
            return .ask(probe: true)
        }
    }

    mutating func record(answered: Bool, probe: Bool, now: NIODeadline) {
        if answered {
            self.state = .closed(consecutiveTimeouts: 0)
            return
        }
        switch self.state {
        case .closed(let timeouts) where timeouts + 1 >= self.settings.threshold:
            self.state = .open(until: now + self.settings.cooldown)
        case .closed(let timeouts):
            self.state = .closed(consecutiveTimeouts: timeouts + 1)
        case .probing where probe:
            self.state = .open(until: now + self.settings.cooldown)
        case .open, .probing:
            break
        }
    }

    private var refusal: String {
        "the bid endpoint stopped answering (\(self.settings.threshold) timeouts in a row); not asked until it answers a probe"
    }
}
