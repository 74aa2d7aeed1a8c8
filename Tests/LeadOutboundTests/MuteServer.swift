import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that accepts connections and never says a word.
struct MuteServer: Sendable {
    let channel: any Channel
    var port: Int { self.channel.localAddress?.port ?? 0 }

    static func start() async throws -> MuteServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        return MuteServer(channel: channel)
    }

    func stop() async {
        try? await self.channel.close()
    }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let server = try await Self.start()
        let port = server.port
        await server.stop()
        return port
    }
}
