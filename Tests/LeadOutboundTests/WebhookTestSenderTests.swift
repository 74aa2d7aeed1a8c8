import LeadEngine
import LeadOutbound
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@Suite("The webhook tester: the sample event sent as a delivery, reported as answered")
struct WebhookTestSenderTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// 2026-04-22T14:30:00Z.
    static let now: Int64 = 1_776_868_200_000

    /// The receivers listen on loopback, which the target policy refuses unless told otherwise.
    static func sender(timeout: TimeAmount = WebhookTestSender.defaultTimeout) -> (WebhookTestSender, OutboundConnectionPool) {
        let pool = OutboundConnectionPool(gate: TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true)))
        return (WebhookTestSender(pool: pool, timeout: timeout), pool)
    }

    struct NotSent: Error {
        var outcome: WebhookTestSender.Outcome
    }

    static func report(_ outcome: WebhookTestSender.Outcome) throws -> WebhookTestSender.Report {
        guard case .sent(let report) = outcome else { throw NotSent(outcome: outcome) }
        return report
    }

    @Test("a 2xx: status, body, signature sent, success; the receiver got the sample event signed both ways")
    func delivered() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender()
        let report = try Self.report(await sender.send(to: receiver.url("/ok"), secret: Self.secret, nowMilliseconds: Self.now))
        await pool.shutdown()
        await receiver.stop()

        #expect(report.statusCode == 200)
        #expect(report.responseBody == "OK")
        #expect(report.success)
        #expect(report.error == nil)
        #expect(report.latencyMilliseconds >= 0 && report.latencyMilliseconds < 5000)
        let request = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        #expect(request.method == .POST)
        #expect(request.uri == "/ok")
        #expect(request.body == SampleDelivery.payload(nowMilliseconds: Self.now))
        #expect(String(decoding: request.body, as: UTF8.self).contains(#""timestamp":"2026-04-22T14:30:00Z""#))
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["User-Agent"] == "ezleeds-webhooks/1")
        let id = try #require(request.headers["webhook-id"])
        #expect(id == report.webhookID)
        #expect(id.hasPrefix("msg_test_") && id.count == "msg_test_".count + 24 && id.dropFirst(9).allSatisfy(\.isHexDigit))
        #expect(request.headers["webhook-timestamp"] == "1776868200")
        // What the receiver got verifies, each form checked as a buyer would check it.
        let sent = try #require(request.headers["X-EZLeeds-Signature"])
        #expect(sent == report.signatureSent)
        #expect(WebhookSignature.isValidEZLeeds(signature: sent, body: request.body, secret: Self.secret))
        let standardSignature = try #require(request.headers["webhook-signature"])
        #expect(standardSignature.hasPrefix("v1,"))
        let standard = try WebhookSignatureCheck.validated(
            payload: String(decoding: request.body, as: UTF8.self), signature: standardSignature, secret: Self.secret, webhookID: id,
            webhookTimestamp: 1_776_868_200
        )
        #expect(standard.verdict().valid)
    }

    @Test("each test send has a webhook id of its own")
    func freshIDs() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender()
        let first = try Self.report(await sender.send(to: receiver.url("/ok"), secret: Self.secret, nowMilliseconds: Self.now))
        let second = try Self.report(await sender.send(to: receiver.url("/ok"), secret: Self.secret, nowMilliseconds: Self.now))
        await pool.shutdown()
        await receiver.stop()
        #expect(first.webhookID != second.webhookID)
        #expect(first.signatureSent == second.signatureSent, "the same body and secret sign alike")
    }

    @Test("a 307 is reported as answered, and not followed")
    func redirect() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender()
        let report = try Self.report(await sender.send(to: receiver.url("/redirect"), secret: Self.secret, nowMilliseconds: Self.now))
        // Time for a followed redirect to arrive, had it been followed.
        try await Task.sleep(for: .milliseconds(200))
        await pool.shutdown()
        await receiver.stop()
        #expect(report.statusCode == 307)
        #expect(!report.success)
        #expect(report.error == nil)
        #expect(report.responseBody == "moved")
        #expect(receiver.requests.map(\.uri) == ["/redirect"])
    }

    @Test("a 500 is a failure with its status and body")
    func serverError() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender()
        let report = try Self.report(await sender.send(to: receiver.url("/broken"), secret: Self.secret, nowMilliseconds: Self.now))
        await pool.shutdown()
        await receiver.stop()
        #expect(report.statusCode == 500)
        #expect(report.responseBody == "oops")
        #expect(!report.success)
        #expect(report.error == nil)
    }

    @Test("a 2xx body over 1 KiB is cut at 1 KiB, not refused; a character cut in two decodes lossily")
    func longBody() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender()
        let long = try Self.report(await sender.send(to: receiver.url("/long"), secret: Self.secret, nowMilliseconds: Self.now))
        let cut = try Self.report(await sender.send(to: receiver.url("/cut"), secret: Self.secret, nowMilliseconds: Self.now))
        // The rest of the long bodies was drained: the connection serves the next request.
        let after = try Self.report(await sender.send(to: receiver.url("/ok"), secret: Self.secret, nowMilliseconds: Self.now))
        await pool.shutdown()
        await receiver.stop()
        #expect(long.statusCode == 200 && long.success)
        #expect(long.responseBody == String(repeating: "a", count: 1000) + String(repeating: "b", count: 24))
        #expect(cut.responseBody == String(repeating: "a", count: 1023) + "\u{FFFD}")
        #expect(after.responseBody == "OK")
    }

    @Test("a receiver that never answers: no status, an error, after the timeout")
    func silent() async throws {
        let receiver = try await RecordingWebhook.start()
        let (sender, pool) = Self.sender(timeout: .milliseconds(300))
        let started = ContinuousClock.now
        let report = try Self.report(await sender.send(to: receiver.url("/silent"), secret: Self.secret, nowMilliseconds: Self.now))
        let elapsed = ContinuousClock.now - started
        await pool.shutdown()
        await receiver.stop()
        #expect(report.statusCode == nil)
        #expect(report.responseBody == nil)
        #expect(!report.success)
        #expect(report.error?.hasPrefix("timeout:") == true, "\(report.error ?? "nil")")
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(3), "\(elapsed)")
        #expect(report.latencyMilliseconds >= 300)
    }

    @Test("a closed port: no status, an error")
    func closedPort() async throws {
        let port = try await MuteServer.closedPort()
        let (sender, pool) = Self.sender()
        let report = try Self.report(await sender.send(to: "http://127.0.0.1:\(port)/hook", secret: Self.secret, nowMilliseconds: Self.now))
        await pool.shutdown()
        #expect(report.statusCode == nil)
        #expect(report.responseBody == nil)
        #expect(!report.success)
        #expect(report.error?.hasPrefix("not_connected:") == true, "\(report.error ?? "nil")")
        #expect(report.signatureSent.hasPrefix("sha256="))
    }

    @Test(
        "without private targets, the policy refuses before anything is sent",
        arguments: [
            ("http://127.0.0.1/hook", TargetRefusal.Reason.addressNotAllowed), ("http://10.0.0.1/hook", .addressNotAllowed),
            ("http://169.254.169.254/latest/meta-data/", .addressNotAllowed), ("http://[::1]/hook", .addressNotAllowed),
            ("http://2130706433/", .addressNotAllowed), ("http://93.184.216.34:8080/hook", .portNotAllowed), ("ftp://example.com/hook", .schemeNotAllowed),
            ("http://user:pass@example.com/", .userinfoNotAllowed), ("not a url", .invalidURL), ("", .invalidURL),
        ]
    )
    func refused(url: String, reason: TargetRefusal.Reason) async throws {
        let connector = TargetGateTests.LoopbackOnlyConnector()
        let pool = OutboundConnectionPool(gate: TargetGate(policy: OutboundTargetPolicy()), connector: connector)
        let outcome = await WebhookTestSender(pool: pool).send(to: url, secret: Self.secret, nowMilliseconds: Self.now)
        await pool.shutdown()
        guard case .refused(let refusal) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(refusal.reason == reason)
        #expect(connector.dialled.withLock { $0 }.isEmpty)
    }

    @Test("a name that resolves to a refused address is refused at connect, with the address named")
    func refusedAtConnect() async throws {
        let connector = TargetGateTests.LoopbackOnlyConnector()
        let gate = TargetGate(policy: OutboundTargetPolicy(), resolver: TargetGateTests.TableResolver(table: ["crm.example": ["127.0.0.1"]]))
        let pool = OutboundConnectionPool(gate: gate, connector: connector)
        let outcome = await WebhookTestSender(pool: pool).send(to: "http://crm.example/hook", secret: Self.secret, nowMilliseconds: Self.now)
        await pool.shutdown()
        guard case .refused(let refusal) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(refusal.reason == .addressNotAllowed)
        #expect(refusal.detail.hasPrefix("crm.example resolves to 127.0.0.1"), "\(refusal.detail)")
        #expect(connector.dialled.withLock { $0 }.isEmpty)
    }

    @Test("the pool still refuses a 2xx body over the limit unless the call keeps its first bytes")
    func poolLongBodies() async throws {
        let receiver = try await RecordingWebhook.start()
        let pool = OutboundConnectionPool(gate: TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true)))
        func call(truncating: Bool) -> OutboundCall {
            OutboundCall(url: receiver.url("/long"), timeout: .seconds(2), maxBodyBytes: 16, truncatesLongBodies: truncating) { target in
                ByteBuffer(string: "POST \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nContent-Length: 0\r\n\r\n")
            }
        }
        let whole = await pool.exchange(call(truncating: false))
        let truncated = await pool.exchange(call(truncating: true))
        await pool.shutdown()
        await receiver.stop()
        guard case .failed(.badResponse, _) = whole else {
            Issue.record("expected a bad response, got \(whole)")
            return
        }
        #expect(truncated == .response(status: 200, body: ByteBuffer(string: String(repeating: "a", count: 16))))
    }
}

/// A webhook on 127.0.0.1 that records every request (head and body) and answers by path:
/// `/ok` 200 "OK"; `/redirect` 307 to `/ok`; `/broken` 500 "oops"; `/long` 200 with 1000 × "a" then
/// 2000 × "b" in several writes; `/cut` 200 with 1023 × "a" then "é", so 1 KiB ends inside it; any
/// other path never answers.
final class RecordingWebhook: Sendable {
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: [String: String]
        var body: [UInt8]
    }

    let channel: any Channel
    private let recorded: Recorded

    static func start() async throws -> RecordingWebhook {
        let recorded = Recorded()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answers(recorded: recorded))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return RecordingWebhook(channel: channel, recorded: recorded)
    }

    final class Recorded: Sendable {
        let requests = Mutex<[Request]>([])
    }

    private init(channel: any Channel, recorded: Recorded) {
        self.channel = channel
        self.recorded = recorded
    }

    var requests: [Request] { self.recorded.requests.withLock { $0 } }

    func url(_ path: String) -> String { "http://127.0.0.1:\(self.channel.localAddress?.port ?? 0)\(path)" }

    func stop() async {
        try? await self.channel.close()
    }

    final class Answers: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let recorded: Recorded
        var request: Request?

        init(recorded: Recorded) {
            self.recorded = recorded
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name] = value }
                self.request = Request(method: head.method, uri: head.uri, headers: headers, body: [])
            case .body(let bytes):
                self.request?.body.append(contentsOf: bytes.readableBytesView)
            case .end:
                guard let request = self.request else { return }
                self.recorded.requests.withLock { $0.append(request) }
                switch request.uri {
                case "/ok": self.answer(context, .ok, ["OK"])
                case "/redirect": self.answer(context, .temporaryRedirect, ["moved"], extra: ["Location": "/ok"])
                case "/broken": self.answer(context, .internalServerError, ["oops"])
                case "/long": self.answer(context, .ok, [String(repeating: "a", count: 1000)] + Array(repeating: String(repeating: "b", count: 1000), count: 2))
                case "/cut": self.answer(context, .ok, [String(repeating: "a", count: 1023) + "é"])
                default: break  // silent
                }
            }
        }

        func answer(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ parts: [String], extra: [String: String] = [:]) {
            var headers: HTTPHeaders = ["Content-Length": String(parts.reduce(0) { $0 + $1.utf8.count })]
            for (name, value) in extra { headers.add(name: name, value: value) }
            context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            for part in parts { context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil) }
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
