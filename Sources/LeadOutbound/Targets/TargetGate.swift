import LeadEngine
import NIOCore
import NIOPosix
import Synchronization

/// The one way to a URL a tenant or the public supplied: the outbound target policy applied to
/// the addresses a host really has, checked when the URL is saved (`vet`) and again before every
/// connection (`addresses`), whose result is the only place a connection may go.
public struct TargetGate: TargetVetting {
    public let policy: OutboundTargetPolicy
    let resolver: any TargetResolver
    /// How long a save waits for DNS; past it the URL is saved and checked again at connect.
    let vetTimeout: TimeAmount

    public init(policy: OutboundTargetPolicy, resolver: any TargetResolver = SystemTargetResolver(), vetTimeout: TimeAmount = .seconds(2)) {
        self.policy = policy
        self.resolver = resolver
        self.vetTimeout = vetTimeout
    }

    /// Every address of the host, each one allowed, ready to connect to; or the refusal
    /// (`TargetRefusal`) or the look-up's error. A host with one forbidden address among good
    /// ones is refused: which address a later look-up returns first is not ours to choose.
    public func addresses(of host: OutboundURL.Host, port: Int, on loop: any EventLoop) -> EventLoopFuture<[SocketAddress]> {
        switch host {
        case .address(let address):
            return loop.makeCompletedFuture { try [self.socketAddress(address, port: port)] }
        case .name(let name):
            return self.resolver.resolve(name, on: loop).flatMapThrowing { addresses in
                guard !addresses.isEmpty else { throw TargetResolutionError(name: name, reason: "no address") }
                return try addresses.map { try self.socketAddress($0, port: port, name: name) }
            }
        }
    }

    private func socketAddress(_ address: IPAddress, port: Int, name: String? = nil) throws -> SocketAddress {
        if var refusal = self.policy.check(address) {
            if let name { refusal.detail = "\(name) resolves to \(refusal.detail)" }
            throw refusal
        }
        return try SocketAddress(ipAddress: address.description, port: port)
    }

    /// At save time: the policy's static checks, then the host's addresses when the policy limits
    /// them. A name that does not resolve (yet) is accepted: the check at connect still holds.
    public func vet(_ url: OutboundURL) async -> TargetRefusal? {
        if let refusal = self.policy.check(url) { return refusal }
        guard !self.policy.allowsPrivateTargets, case .name = url.host else { return nil }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let lookUp = self.addresses(of: url.host, port: url.port, on: loop)
        let answer = loop.makePromise(of: TargetRefusal?.self)
        // The look-up cannot be cancelled; whichever of it and the timer comes first answers.
        let first = FirstToSettle()
        let timer = loop.scheduleTask(in: self.vetTimeout) {
            if first.claim() { answer.succeed(nil) }
        }
        lookUp.whenComplete { result in
            timer.cancel()
            guard first.claim() else { return }
            switch result {
            case .success: answer.succeed(nil)
            case .failure(let refusal as TargetRefusal): answer.succeed(refusal)
            case .failure: answer.succeed(nil)
            }
        }
        return (try? await answer.futureResult.get()) ?? nil
    }
}

/// True for the first caller only, from any thread.
private final class FirstToSettle: Sendable {
    private let settled = Atomic(false)

    func claim() -> Bool { self.settled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged }
}
