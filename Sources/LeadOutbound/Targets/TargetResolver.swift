#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeadEngine
import NIOCore
import NIOPosix

/// Looks up the addresses of a host name (A and AAAA). Injected, so tests can play a name that
/// resolves one way at create time and another at connect time.
public protocol TargetResolver: Sendable {
    func resolve(_ name: String, on loop: any EventLoop) -> EventLoopFuture<[IPAddress]>
}

/// A host name that has no address.
public struct TargetResolutionError: Error, CustomStringConvertible {
    public var name: String
    public var reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var description: String { "cannot resolve \(self.name): \(self.reason)" }
}

/// The system's resolver (`getaddrinfo`, so /etc/hosts and resolv.conf as the operator set them),
/// called on NIO's blocking-I/O thread pool so no event loop waits for DNS.
public struct SystemTargetResolver: TargetResolver {
    public init() {}

    public func resolve(_ name: String, on loop: any EventLoop) -> EventLoopFuture<[IPAddress]> {
        NIOThreadPool.singleton.runIfActive(eventLoop: loop) { try Self.lookUp(name) }
    }

    static func lookUp(_ name: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0 else { throw TargetResolutionError(name: name, reason: String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var next = list
        while let entry = next?.pointee {
            next = entry.ai_next
            guard let raw = entry.ai_addr else { continue }
            // NIO reads the socket address (and prints it); the text is parsed strictly.
            let address: SocketAddress
            switch entry.ai_family {
            case AF_INET: address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: name) }
            case AF_INET6: address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: name) }
            default: continue
            }
            if let text = address.ipAddress, let parsed = IPAddress(text) { addresses.append(parsed) }
        }
        guard !addresses.isEmpty else { throw TargetResolutionError(name: name, reason: "no address") }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}
