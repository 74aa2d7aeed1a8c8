// Real-time bidders for ping-rtb: one NIO server on 127.0.0.1 whose paths are the buyers' bid
// URLs. /bid/N answers {"bid_cents": …, "exclusivity": "shared"} after a random delay (or a 500 at
// the error rate); /never/N never answers, so the engine has to cut it off at the ping's deadline.
import NIOCore
import NIOHTTP1
import NIOPosix

struct BidderBehavior: Sendable {
    var minimumMilliseconds: Double
    var maximumMilliseconds: Double
    /// Share of bid requests answered 500.
    var errorRate: Double
}

struct FakeBidders: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(behavior: BidderBehavior, group: any EventLoopGroup) async throws -> FakeBidders {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(BidResponder(behavior: behavior))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeBidders(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

final class BidResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let behavior: BidderBehavior
    private var path = ""
    private var keepAlive = true

    init(behavior: BidderBehavior) {
        self.behavior = behavior
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            // HTTPServerPipelineHandler keeps any later request on this connection waiting until
            // this one is answered, so a silent bidder stalls only its own connection.
            guard !path.hasPrefix("/never") else { return }
            let delay = Double.random(in: behavior.minimumMilliseconds...max(behavior.minimumMilliseconds, behavior.maximumMilliseconds))
            let fails = Double.random(in: 0..<1) < behavior.errorRate
            let keepAlive = keepAlive
            context.eventLoop.assumeIsolated().scheduleTask(in: .microseconds(Int64(delay * 1000))) {
                self.answer(context: context, fails: fails, keepAlive: keepAlive)
            }
        }
    }

    private func answer(context: ChannelHandlerContext, fails: Bool, keepAlive: Bool) {
        let body = fails ? "{}" : #"{"bid_cents": \#(Int.random(in: 1_000...50_000)), "exclusivity": "shared"}"#
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(body.utf8.count)")])
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: fails ? .internalServerError : .ok, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !keepAlive { context.close(promise: nil) }
    }
}
