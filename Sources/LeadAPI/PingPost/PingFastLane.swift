import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine
import Logging
import NIOCore
import NIOHTTPTypes
import Prometheus

/// The event-loop fast lane for `POST /api/v1/pingpost/ping`: the same key gate, body reading,
/// auction, answers, problems, metrics and logs as the Hummingbird route, run on the connection's
/// event loop without a task or a thread hop. The ping book's shards run on the event loops, so
/// the lane reaches its loop's shard directly. A ping that must wait for real-time bidders, and
/// every other request, goes on to Hummingbird unchanged.
struct PingFastLane: Sendable {
    static let path = "/api/v1/pingpost/ping"

    let gate: KeyGate
    let auctioneer: Auctioneer
    let storage: StorageHealth
    let recorders: RouteRecorders
    let logger: Logger
    let serverName: String
    /// The level of the line logged per ping: `info` with the access log on, as the router's.
    let requestLogLevel: Logger.Level
    /// Event loop → index of the ping book shard that runs on it.
    let shardIndexByLoop: [ObjectIdentifier: Int]
    /// Pings the lane answered, and pings it handed to Hummingbird to wait for real-time bidders.
    let answered: CoreMetrics.Counter
    let handedOver: CoreMetrics.Counter

    init(dependencies: AppDependencies, logger: Logger, serverName: String, accessLog: Bool = false, failurePolicy: RateLimitPolicy) {
        self.gate = KeyGate(
            header: .complianceKey, roles: [.compliance], keyRing: dependencies.keyRing, rateLimiter: dependencies.rateLimiter, failurePolicy: failurePolicy
        )
        self.auctioneer = dependencies.auctioneer
        self.storage = dependencies.storage
        self.recorders = dependencies.routeRecorders
        self.logger = logger
        self.serverName = serverName
        self.requestLogLevel = accessLog ? .info : .debug
        self.shardIndexByLoop = Dictionary(uniqueKeysWithValues: dependencies.eventLoops.enumerated().map { (ObjectIdentifier($1), $0) })
        let factory = PrometheusMetricsFactory(registry: dependencies.metrics)
        self.answered = CoreMetrics.Counter(label: "ezleeds_ping_fast_lane_total", dimensions: [("outcome", "answered")], factory: factory)
        self.handedOver = CoreMetrics.Counter(label: "ezleeds_ping_fast_lane_total", dimensions: [("outcome", "handed_over")], factory: factory)
    }

    func shardIndex(of loop: any EventLoop) -> Int? { self.shardIndexByLoop[ObjectIdentifier(loop)] }

    /// What the lane does with a complete ping request.
    enum Outcome {
        case answer(HTTPResponse.Status, HTTPFields, [UInt8])
        /// Real-time bidders must be asked: Hummingbird's route runs it (and counts it).
        case handOver
    }

    /// Runs one ping on the shard `shardIndex`, whose executor is the calling event loop.
    func ping(_ head: HTTPRequest, body: ByteBuffer, bodyTooLarge: Bool, shardIndex: Int, requestID: String, clientAddress: String) -> Outcome {
        let principal = self.gate.identify(head.headerFields[self.gate.headerName])
        // Read once; its errors are answered only after the gate, in the route's order.
        let parsed = Result { () throws -> PingRequest in
            var reader = try FieldReader(jsonBody: body)
            return try PingPostRoutes.pingRequest(from: &reader)
        }
        // A ping that needs bidders is handed over before the gate counts it, so it is counted once.
        if !bodyTooLarge, let principal, self.gate.roles.contains(principal.role), case .success(let request) = parsed,
            self.auctioneer.asksRealTimeBidders(request, tenantID: principal.tenantID)
        {
            return .handOver
        }
        var headers: HTTPFields = [:]
        do {
            // As the router's DeclaredBodyMiddleware, before the key.
            if let declared = head.headerFields[.contentType], !DeclaredBodyMiddleware.isReadable(declared) {
                throw Problem.unsupportedMediaType(declared)
            }
            let tenantID: String
            switch self.gate.check(principal: principal, clientAddress: clientAddress) {
            case .refused(let problem, let decision):
                decision?.apply(to: &headers)
                throw problem
            case .admitted(let admitted, let decision):
                decision.apply(to: &headers)
                tenantID = admitted.tenantID
            }
            if bodyTooLarge { throw Problem.tooLarge() }
            let request = try parsed.get()
            try PingPostRoutes.requireWritableJournal(self.storage)
            let ping: Ping?
            do {
                ping = try self.auctioneer.pingWithoutSuspending(request, tenantID: tenantID, shardIndex: shardIndex)
            } catch {
                throw PingPostRoutes.tooManyLivePings(error)
            }
            // A real-time bidder appeared since the check above: rare, and Hummingbird can wait for it.
            guard let ping else { return .handOver }
            headers[.contentType] = JSONResponse.contentType
            return .answer(.ok, headers, ping.answerJSON())
        } catch {
            // The request id on the error line too, as the router's context logger has it.
            var logger = self.logger
            logger[metadataKey: "hb.request.id"] = .string(requestID)
            let problem = Problem.from(error, logger: logger)
            for field in problem.answerHeaders { headers[field.name] = field.value }
            return .answer(problem.status, headers, problem.body(requestID: requestID))
        }
    }
}

/// The channel handler of the fast lane, one per connection, after HTTP decoding in Hummingbird's
/// pipeline. Answers keep request order: while Hummingbird owes an answer on this connection, later
/// pings wait (and reading pauses) until that answer has gone out.
final class PingFastLaneHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Reading {
        case idle
        case collecting(HTTPRequest, ByteBuffer, tooLarge: Bool)
        case passingOn
    }

    private let lane: PingFastLane
    private var shardIndex: Int?
    private var reading = Reading.idle
    /// Requests handed to Hummingbird whose answer has not fully gone out.
    private var answersOwed = 0
    /// Parts that arrived while an earlier answer was owed, in order.
    private var held = CircularBuffer<HTTPRequestPart>()
    private var readDeferred = false
    private var flushDue = false
    private var date = HTTPDate()

    init(lane: PingFastLane) {
        self.lane = lane
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.shardIndex = self.lane.shardIndex(of: context.eventLoop)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = self.unwrapInboundIn(data)
        if self.held.isEmpty {
            self.process(part, context: context)
        } else {
            self.held.append(part)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flushIfDue(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        // Backpressure: no more reading while requests wait for an earlier answer.
        if self.held.isEmpty {
            context.read()
        } else {
            self.readDeferred = true
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = self.unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        self.answersOwed -= 1
        if self.answersOwed == 0 && !self.held.isEmpty { self.releaseHeld(context: context) }
    }

    private func process(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (self.reading, part) {
        case (.idle, .head(let head)):
            // A body declared past the limit goes to the router, which refuses it before it arrives.
            if self.shardIndex != nil, head.method == .post, Self.path(of: head) == PingFastLane.path, !DeclaredBodyMiddleware.declaresTooMuch(head.headerFields) {
                guard self.answersOwed == 0 else {
                    self.held.append(part)
                    return
                }
                self.reading = .collecting(head, context.channel.allocator.buffer(capacity: 0), tooLarge: false)
            } else {
                self.answersOwed += 1
                self.reading = .passingOn
                context.fireChannelRead(self.wrapInboundOut(part))
            }
        case (.collecting(let head, var body, let tooLarge), .body(var chunk)):
            self.reading = .idle  // drop the buffer's other reference so appending does not copy it
            if tooLarge || body.readableBytes + chunk.readableBytes > AppRequestContext.maxBodyBytes {
                self.reading = .collecting(head, context.channel.allocator.buffer(capacity: 0), tooLarge: true)
            } else {
                body.writeBuffer(&chunk)
                self.reading = .collecting(head, body, tooLarge: false)
            }
        case (.collecting(let head, let body, let tooLarge), .end):
            self.reading = .idle
            self.answer(head, body: body, tooLarge: tooLarge, context: context)
        case (.passingOn, .end):
            self.reading = .idle
            context.fireChannelRead(self.wrapInboundOut(part))
        default:
            context.fireChannelRead(self.wrapInboundOut(part))
        }
    }

    private func answer(_ head: HTTPRequest, body: ByteBuffer, tooLarge: Bool, context: ChannelHandlerContext) {
        // `process` collects a ping only on a loop that has a shard.
        guard let shardIndex = self.shardIndex else { preconditionFailure("fast-lane ping on a loop without a ping book shard") }
        let started = DispatchTime.now().uptimeNanoseconds
        let requestID = RequestID().description
        if self.lane.logger.logLevel <= self.lane.requestLogLevel {
            var logger = self.lane.logger
            logger[metadataKey: "hb.request.id"] = .string(requestID)
            logger.log(
                level: self.lane.requestLogLevel, "Request",
                metadata: ["hb.request.path": .string(LoggedPath.masked(head.path ?? "")), "hb.request.method": .string(head.method.rawValue)]
            )
        }
        let clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
        switch self.lane.ping(head, body: body, bodyTooLarge: tooLarge, shardIndex: shardIndex, requestID: requestID, clientAddress: clientAddress) {
        case .handOver:
            self.lane.handedOver.increment()
            self.answersOwed += 1
            context.fireChannelRead(self.wrapInboundOut(.head(head)))
            if body.readableBytes > 0 { context.fireChannelRead(self.wrapInboundOut(.body(body))) }
            context.fireChannelRead(self.wrapInboundOut(.end(nil)))
        case .answer(let status, var headers, let bytes):
            headers[.requestID] = requestID
            headers[.contentLength] = String(bytes.count)
            headers[.date] = self.date.now()
            headers[.server] = self.lane.serverName
            let closing = head.headerFields[.connection]?.lowercased().contains("close") == true
            if closing { headers[.connection] = "close" }
            context.write(self.wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: headers))), promise: nil)
            context.write(self.wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: bytes))), promise: nil)
            if closing {
                context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            } else {
                context.write(self.wrapOutboundOut(.end(nil)), promise: nil)
                self.flushDue = true
            }
            self.lane.answered.increment()
            self.lane.recorders.record(
                route: PingFastLane.path, method: "POST", status: status.code, nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started)
            )
        }
    }

    /// Hummingbird's answer has gone out: the requests held behind it go ahead, in order.
    private func releaseHeld(context: ChannelHandlerContext) {
        let parts = self.held
        self.held.removeAll()
        for part in parts {
            if self.held.isEmpty { self.process(part, context: context) } else { self.held.append(part) }
        }
        self.flushIfDue(context: context)
        // Outside a read cycle: Hummingbird's inbound side delivers what it was given on read-complete.
        context.fireChannelReadComplete()
        if self.held.isEmpty && self.readDeferred {
            self.readDeferred = false
            context.read()
        }
    }

    private func flushIfDue(context: ChannelHandlerContext) {
        guard self.flushDue else { return }
        self.flushDue = false
        context.flush()
    }

    private static func path(of head: HTTPRequest) -> Substring {
        guard let path = head.path else { return "" }
        return path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }
}

/// The `Date` header's IMF-fixdate, formatted once a second rather than once a request.
struct HTTPDate {
    private var second: Int64 = -1
    private var text = ""

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        let second = Int64(Date().timeIntervalSince1970)
        if second != self.second {
            self.second = second
            self.text = Self.format(epochSeconds: second)
        }
        return self.text
    }

    static func format(epochSeconds: Int64) -> String {
        let days = epochSeconds / 86_400
        let secondOfDay = epochSeconds % 86_400
        let (year, month, day) = GregorianCalendar.date(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(Self.weekdays[Int(days % 7)]), \(two(day)) \(Self.months[Int(month - 1)]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}
