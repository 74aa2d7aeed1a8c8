import LeadEngine
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A bid endpoint on 127.0.0.1 whose behaviour the request path picks, counting the connections
/// it accepts and the requests it reads, optionally over TLS:
/// - `/bid/N`: 200 `{"bid_cents": N}`; `/pass`: 204; `/broken`: 500 with a body;
/// - `/late/MS/N`: the bid N after MS milliseconds;
/// - `/silent`: never answers; `/close/N`: the bid N with `Connection: close`;
/// - `/huge`: a 20 KiB body.
final class ScriptedBidServer: Sendable {
    let channel: any Channel
    let port: Int

    static func start(tls: NIOSSLContext? = nil) async throws -> ScriptedBidServer {
        let counters = Counters()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counters.connections.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ScriptedAnswers(counters: counters))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedBidServer(channel: channel, counters: counters)
    }

    final class Counters: Sendable {
        let connections = Atomic(0)
        let requests = Atomic(0)
    }

    private let counters: Counters

    private init(channel: any Channel, counters: Counters) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.counters = counters
    }

    var connectionCount: Int { self.counters.connections.load(ordering: .relaxed) }
    var requestCount: Int { self.counters.requests.load(ordering: .relaxed) }

    func url(_ path: String, host: String = "127.0.0.1", scheme: String = "http") -> String { "\(scheme)://\(host):\(self.port)\(path)" }

    func stop() async {
        try? await self.channel.close()
    }

    final class ScriptedAnswers: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let counters: Counters
        var path = ""

        init(counters: Counters) {
            self.counters = counters
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head): self.path = head.uri
            case .body: break
            case .end:
                self.counters.requests.add(1, ordering: .relaxed)
                let parts = self.path.split(separator: "/").map(String.init)
                switch parts.first {
                case "bid": self.answer(context, .ok, #"{"bid_cents": \#(parts.last ?? "0")}"#)
                case "pass": self.answer(context, .noContent, nil)
                case "broken": self.answer(context, .internalServerError, "oops")
                case "close": self.answer(context, .ok, #"{"bid_cents": \#(parts.last ?? "0")}"#, close: true)
                case "huge": self.answer(context, .ok, String(repeating: " ", count: 20_000) + #"{"bid_cents": 1}"#)
                case "late":
                    let delay = Int64(parts.dropFirst().first ?? "0") ?? 0
                    let body = #"{"bid_cents": \#(parts.last ?? "0")}"#
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) { self.answer(context, .ok, body) }
                default: break  // silent
                }
            }
        }

        func answer(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ body: String?, close: Bool = false) {
            var headers: HTTPHeaders = ["Content-Length": String(body?.utf8.count ?? 0)]
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            if close { headers.add(name: "Connection", value: "close") }
            context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            if let body { context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil) }
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if close { context.close(promise: nil) }
            }
        }
    }
}
