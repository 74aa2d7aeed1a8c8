import NIOCore
import NIOPosix

/// Opens a TCP connection to one address. Only `TargetGate`-checked addresses reach it; tests
/// inject one that records what would have been dialled, so a refusal test never opens a
/// connection to a real private or metadata address.
public protocol OutboundConnector: Sendable {
    func connect(
        to address: SocketAddress, on loop: any EventLoop, timeout: TimeAmount,
        initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel>
}

/// Real TCP connections, Nagle off (requests are written whole).
public struct SocketConnector: OutboundConnector {
    public init() {}

    public func connect(
        to address: SocketAddress, on loop: any EventLoop, timeout: TimeAmount,
        initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer(initialize)
            .connect(to: address)
    }
}
