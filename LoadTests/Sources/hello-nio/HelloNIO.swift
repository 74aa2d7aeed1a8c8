// The floor: a raw SwiftNIO HTTP/1.1 server answering every request `200 hello`. Whatever the
// harness measures against it is the most this machine (and the harness) can do over loopback,
// so every EZLeeds number is read as a fraction of it.
import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix

@main
struct HelloNIO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello-nio",
        abstract: "A minimal SwiftNIO HTTP/1.1 server answering every request `200 hello`."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one; the chosen port is printed).")
    var port = 8081

    @Option(help: "Event loop threads.")
    var threads = System.coreCount

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // NIO accepts only 4 connections per loop tick by default; a load burst opens dozens.
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HelloResponder())
                }
            }
            .bind(host: host, port: port)
            .get()
        // The harness reads this line to learn the port when it starts hello-nio itself.
        print("hello-nio listening on \(host):\(server.localAddress?.port ?? port)")
        try await server.closeFuture.get()
    }
}

/// Answers each request once its end arrives; the pipeline's HTTPServerPipelineHandler holds
/// pipelined requests back until the previous answer is written, so answers stay in order.
final class HelloResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private static let body = ByteBuffer(string: "hello")
    private var keepAlive = true

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            var headers = HTTPHeaders([("Content-Type", "text/plain"), ("Content-Length", "5")])
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(Self.body))), promise: nil)
            if keepAlive {
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                    context.close(promise: nil)
                }
            }
        }
    }

    // One flush per read batch: pipelined requests go out in one syscall.
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
