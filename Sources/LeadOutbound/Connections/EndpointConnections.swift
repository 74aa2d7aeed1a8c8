import LeadEngine
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// One request's answer, completed once: by the response, a failure, the timeout or cancellation,
/// whichever comes first, from any thread.
final class OutboundExchange: Sendable {
    let timeoutMilliseconds: Int64
    private let completed = Atomic(false)
    private let deliver: @Sendable (OutboundAnswer) -> Void
    /// The request on its endpoint's loop, once started there.
    let pending: NIOLoopBoundBox<PendingRequest?>

    init(loop: any EventLoop, timeoutMilliseconds: Int64, deliver: @escaping @Sendable (OutboundAnswer) -> Void) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.deliver = deliver
        self.pending = .makeEmptyBox(valueType: PendingRequest.self, eventLoop: loop)
    }

    func complete(_ answer: OutboundAnswer) {
        if self.completed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            self.deliver(answer)
        }
    }

    var isComplete: Bool { self.completed.load(ordering: .acquiring) }
}

/// One endpoint's connections. Everything but the constants is touched on `loop` only.
final class EndpointConnections: Sendable {
    let origin: OutboundOrigin
    let loop: any EventLoop
    let tls: NIOSSLContext?
    let gate: TargetGate
    let connector: any OutboundConnector
    let maxConnections: Int
    let lateAnswerGrace: TimeAmount
    private let state: NIOLoopBoundBox<State>

    struct State {
        /// Most recently used last: reuse takes the warmest, the sweep closes the coldest.
        var idle: [OutboundConnection] = []
        var open = 0
        var closed = false
        var sweep: RepeatedTask?
        var breaker: EndpointBreaker
    }

    init(
        origin: OutboundOrigin, loop: any EventLoop, tls: NIOSSLContext?, gate: TargetGate, connector: any OutboundConnector, maxConnections: Int,
        lateAnswerGrace: TimeAmount, breaker: EndpointBreaker
    ) {
        self.gate = gate
        self.connector = connector
        self.lateAnswerGrace = lateAnswerGrace
        self.origin = origin
        self.loop = loop
        self.tls = tls
        self.maxConnections = maxConnections
        self.state = .makeBoxSendingValue(State(breaker: breaker), eventLoop: loop)
    }

    var openCount: Int { self.state.value.open }

    /// Sends the request on an idle connection, or a new one; answers at once when neither is possible.
    func start(_ exchange: OutboundExchange, request: EncodedRequest, timeout: TimeAmount) {
        if self.state.value.sweep == nil, !self.state.value.closed {
            self.state.value.sweep = self.loop.scheduleRepeatedTask(initialDelay: Self.sweepInterval, delay: Self.sweepInterval) { [self] _ in
                self.closeIdle(olderThan: .now() - OutboundConnectionPool.idleTimeout)
            }
        }
        if exchange.isComplete { return }  // cut off before it started
        let isProbe: Bool
        switch self.state.value.breaker.admit(now: .now()) {
        case .refuse(let reason):
            exchange.complete(.failed(.timeoutBeforeSending, detail: reason))
            return
        case .ask(let probe):
            isProbe = probe
        }
        let pending = PendingRequest(exchange: exchange, request: request, isProbe: isProbe)
        exchange.pending.value = pending
        pending.timer = self.loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            // Still connecting, or the TLS handshake still holds the request: none of it was sent.
            let sent = pending.connection.map { !$0.awaitingHandshake } ?? false
            exchange.complete(.failed(sent ? .timeout : .timeoutBeforeSending, detail: "no answer within \(exchange.timeoutMilliseconds) ms"))
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
            pending.finish(.failed(.notConnected, detail: "the server is shutting down"))
            return
        }
        guard self.state.value.open < self.maxConnections else {
            if isProbe { self.state.value.breaker.record(answered: false, probe: true, now: .now()) }
            pending.finish(
                .failed(.timeoutBeforeSending, detail: "all \(self.maxConnections) connections to the endpoint are still waiting for earlier answers")
            )
            return
        }
        self.state.value.open += 1
        self.connect().assumeIsolated().whenComplete { [self] result in
            switch result.flatMap({ channel in Result { try channel.pipeline.syncOperations.handler(type: OutboundConnection.self) } }) {
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
    func cutOff(_ exchange: OutboundExchange) {
        guard let pending = exchange.pending.value else { return }
        pending.timer?.cancel()
        self.giveUp(on: pending)
    }

    /// The answer is no longer wanted. A request already sent keeps its connection for a grace
    /// period, so that a late answer can be read and dropped and the connection reused; then it closes.
    private func giveUp(on pending: PendingRequest) {
        pending.exchange.pending.value = nil
        guard let connection = pending.connection, connection.current === pending else { return }
        self.loop.assumeIsolated().scheduleTask(in: self.lateAnswerGrace) {
            if connection.current === pending { connection.close() }
        }
    }

    /// The endpoint answered a request (in time or not): it is alive. A probe that failed another
    /// way (the connection closed under it) counts against it; other such failures do not count.
    func settled(_ pending: PendingRequest, answered: Bool) {
        guard answered || pending.isProbe else { return }
        self.state.value.breaker.record(answered: answered, probe: pending.isProbe, now: .now())
    }

    /// A connection's request is answered (or failed): it goes back to the idle stack, or closes.
    func finished(_ connection: OutboundConnection, reusable: Bool) {
        if reusable, connection.isUsable, !self.state.value.closed {
            connection.lastUsed = .now()
            self.state.value.idle.append(connection)
        } else {
            connection.close()
        }
    }

    /// A connection's channel closed, whatever closed it.
    func closed(_ connection: OutboundConnection) {
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

    /// A new connection, to an address of the host that the gate checked (the first that answers).
    private func connect() -> EventLoopFuture<any Channel> {
        // Resolvers and connectors are injected: their futures are brought back to this loop.
        self.gate.addresses(of: self.origin.host, port: self.origin.port, on: self.loop).hop(to: self.loop).flatMap { [self] addresses in
            self.connect(to: addresses[...])
        }
        .hop(to: self.loop)
    }

    private func connect(to addresses: ArraySlice<SocketAddress>) -> EventLoopFuture<any Channel> {
        guard let address = addresses.first else {
            return self.loop.makeFailedFuture(TargetResolutionError(name: "\(self.origin.host)", reason: "no address"))
        }
        let origin = self.origin
        let tls = self.tls
        return self.connector.connect(to: address, on: self.loop, timeout: OutboundConnectionPool.connectTimeout) { [self] channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                if let tls {
                    // SNI names a host, never an address; the certificate is checked against that name.
                    let serverName: String? = if case .name(let name) = origin.host { name } else { nil }
                    try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                }
                // Requests go out already encoded: the writer passes their bytes on and drops the
                // token head the response decoder needs to see for each request.
                try pipeline.addHandler(EncodedRequestWriter())
                try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                try pipeline.addHandler(OutboundConnection(endpoint: self, overTLS: tls != nil))
            }
        }
        .flatMapError { [self] error in
            // Another address of the same host may answer; a timeout has used the time already.
            if addresses.count > 1, !Self.isTimeout(error) { return self.connect(to: addresses.dropFirst()) }
            return self.loop.makeFailedFuture(error)
        }
    }

    static func isTimeout(_ error: any Error) -> Bool {
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }

    static func classify(connectError error: any Error) -> OutboundAnswer {
        if let refusal = error as? TargetRefusal { return .failed(.targetNotAllowed, detail: refusal.description) }
        if Self.isTimeout(error) { return .failed(.timeoutBeforeSending, detail: "connect timed out") }
        return .failed(.notConnected, detail: "\(error)")
    }
}

/// A request in flight: its exchange, the bytes to send, its timer, and the connection it went out on.
final class PendingRequest {
    let exchange: OutboundExchange
    let request: EncodedRequest
    /// The one request let through to an endpoint that had stopped answering.
    let isProbe: Bool
    var timer: Scheduled<Void>?
    var connection: OutboundConnection?

    init(exchange: OutboundExchange, request: EncodedRequest, isProbe: Bool) {
        self.exchange = exchange
        self.request = request
        self.isProbe = isProbe
    }

    func finish(_ answer: OutboundAnswer) {
        self.timer?.cancel()
        self.exchange.complete(answer)
        // The exchange and its request point at each other until here.
        self.exchange.pending.value = nil
    }
}

