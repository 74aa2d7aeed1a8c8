import LeadEngine
import LeadOutbound
import NIOCore
import Synchronization

/// A resolver that answers from a table the test controls, and can change its answers (DNS rebinding).
final class StubResolver: TargetResolver {
    private let answers: Mutex<[String: [IPAddress]]>
    let lookUps = Mutex<[String]>([])

    init(_ answers: [String: [String]]) {
        self.answers = Mutex(answers.mapValues { $0.compactMap { IPAddress($0) } })
    }

    func answer(_ name: String, with addresses: [String]) {
        self.answers.withLock { $0[name] = addresses.compactMap { IPAddress($0) } }
    }

    func resolve(_ name: String, on loop: any EventLoop) -> EventLoopFuture<[IPAddress]> {
        self.lookUps.withLock { $0.append(name) }
        guard let addresses = self.answers.withLock({ $0[name] }) else {
            return loop.makeFailedFuture(TargetResolutionError(name: name, reason: "NXDOMAIN"))
        }
        return loop.makeSucceededFuture(addresses)
    }
}

/// Records every address a connection would be opened to. It dials only 127.0.0.1 and only when
/// told to; anything else fails as refused, so no test ever opens a connection to a real private
/// or metadata address.
final class RecordingConnector: OutboundConnector {
    let dialled = Mutex<[SocketAddress]>([])
    let dialsLoopback: Bool

    init(dialsLoopback: Bool = false) {
        self.dialsLoopback = dialsLoopback
    }

    var dialledAddresses: [String] { self.dialled.withLock { $0.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } } }

    func connect(
        to address: SocketAddress, on loop: any EventLoop, timeout: TimeAmount, initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        self.dialled.withLock { $0.append(address) }
        if self.dialsLoopback, address.ipAddress == "127.0.0.1" {
            return SocketConnector().connect(to: address, on: loop, timeout: timeout, initialize: initialize)
        }
        return loop.makeFailedFuture(ChannelError.connectTimeout(timeout))
    }
}
