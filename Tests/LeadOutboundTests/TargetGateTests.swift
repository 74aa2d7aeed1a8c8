import LeadEngine
import LeadOutbound
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

/// The gate every outbound connection goes through. Resolver and connector are doubles: the
/// connector dials 127.0.0.1 only, so nothing here reaches a real private or metadata address.
@Suite("Target gate: resolve, check every address, dial the checked one")
struct TargetGateTests {
    /// Answers from a table; a name it does not know does not resolve.
    struct TableResolver: TargetResolver {
        let table: [String: [String]]

        func resolve(_ name: String, on loop: any EventLoop) -> EventLoopFuture<[IPAddress]> {
            guard let addresses = self.table[name] else { return loop.makeFailedFuture(TargetResolutionError(name: name, reason: "NXDOMAIN")) }
            return loop.makeSucceededFuture(addresses.compactMap { IPAddress($0) })
        }
    }

    /// Never answers within a save's patience (answers after a second).
    struct SlowResolver: TargetResolver {
        func resolve(_ name: String, on loop: any EventLoop) -> EventLoopFuture<[IPAddress]> {
            loop.scheduleTask(in: .seconds(30)) { [IPAddress.v4(0x0A00_0001)] }.futureResult
        }
    }

    final class LoopbackOnlyConnector: OutboundConnector {
        let dialled = Mutex<[String]>([])

        func connect(
            to address: SocketAddress, on loop: any EventLoop, timeout: TimeAmount, initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
        ) -> EventLoopFuture<any Channel> {
            self.dialled.withLock { $0.append("\(address.ipAddress ?? "?"):\(address.port ?? 0)") }
            guard address.ipAddress == "127.0.0.1" else { return loop.makeFailedFuture(IOError(errnoCode: ECONNREFUSED, reason: "connect")) }
            return SocketConnector().connect(to: address, on: loop, timeout: timeout, initialize: initialize)
        }
    }

    static func call(_ url: String) -> OutboundCall {
        OutboundCall(url: url, timeout: .milliseconds(1000), maxBodyBytes: 1024) { target in
            var request = ByteBuffer()
            request.writeString("POST \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nContent-Length: 0\r\n\r\n")
            return request
        }
    }

    @Test("a name that resolves to a refused address, even one among good ones, is refused at connect, and nothing is dialled")
    func refusedAtConnect() async throws {
        let connector = LoopbackOnlyConnector()
        let gate = TargetGate(
            policy: OutboundTargetPolicy(), resolver: TableResolver(table: ["meta.example": ["169.254.169.254"], "mixed.example": ["93.184.216.34", "::1"]])
        )
        let pool = OutboundConnectionPool(gate: gate, connector: connector)
        for url in ["http://meta.example/latest", "http://mixed.example/", "http://[::ffff:7f00:1]/", "http://127.1/", "http://93.184.216.34:8080/"] {
            guard case .failed(.targetNotAllowed, let detail) = await pool.exchange(Self.call(url)) else {
                Issue.record("\(url) was not refused")
                continue
            }
            #expect(detail.contains("not_allowed"), "\(url): \(detail)")
        }
        guard case .failed(.notConnected, let detail) = await pool.exchange(Self.call("http://nowhere.example/")) else {
            Issue.record("a name that does not resolve is never connected to")
            return
        }
        #expect(detail.contains("NXDOMAIN"))
        await pool.shutdown()
        #expect(connector.dialled.withLock { $0 }.isEmpty)
    }

    @Test("an allowed name is dialled at the address that was checked, the next address tried when one is refused")
    func dialsCheckedAddress() async throws {
        let server = try await ScriptedBidServer.start()
        let connector = LoopbackOnlyConnector()
        let gate = TargetGate(
            policy: OutboundTargetPolicy(allowedRanges: [try #require(AddressRange("127.0.0.0/8"))], extraPorts: [server.port]),
            resolver: TableResolver(table: ["crm.internal": ["127.0.0.2", "127.0.0.1"]])
        )
        let pool = OutboundConnectionPool(gate: gate, connector: connector)
        let answer = await pool.exchange(Self.call(server.url("/bid/7", host: "crm.internal")))
        guard case .response(200, let body?) = answer else {
            Issue.record("no answer: \(answer)")
            return
        }
        #expect(String(buffer: body) == #"{"bid_cents": 7}"#)
        #expect(connector.dialled.withLock { $0 } == ["127.0.0.2:\(server.port)", "127.0.0.1:\(server.port)"])
        await pool.shutdown()
        await server.stop()
    }

    @Test("saving: a name that resolves to a refused address is refused; one that does not resolve, or not in time, is accepted")
    func vet() async throws {
        let gate = TargetGate(policy: OutboundTargetPolicy(), resolver: TableResolver(table: ["lo.example": ["127.0.0.1"], "ok.example": ["93.184.216.34"]]))
        #expect(await gate.vet(try OutboundURL("https://lo.example/"))?.reason == .addressNotAllowed)
        #expect(await gate.vet(try OutboundURL("https://ok.example/")) == nil)
        #expect(await gate.vet(try OutboundURL("https://nxdomain.example/")) == nil)
        #expect(await gate.vet(try OutboundURL("https://ok.example:22/"))?.reason == .portNotAllowed)
        let slow = TargetGate(policy: OutboundTargetPolicy(), resolver: SlowResolver(), vetTimeout: .milliseconds(100))
        let started = ContinuousClock.now
        #expect(await slow.vet(try OutboundURL("https://slow.example/")) == nil)
        // Its answer, a private address, would be refused; nil is the timeout's. The bound is loose for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(10), "a save does not wait for slow DNS")
    }

    @Test("the system resolver reads /etc/hosts: localhost is loopback, and so refused")
    func systemResolver() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let addresses = try await SystemTargetResolver().resolve("localhost", on: loop).get()
        let loopback = [IPAddress.v4(0x7F00_0001), try #require(IPAddress("::1"))]
        #expect(addresses.contains { loopback.contains($0) }, "\(addresses)")
        let gate = TargetGate(policy: OutboundTargetPolicy())
        #expect(await gate.vet(try OutboundURL("http://localhost/"))?.reason == .addressNotAllowed)
    }
}
