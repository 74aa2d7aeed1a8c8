import Foundation
import LeadEngine
import LeadOutbound
import NIOCore
import NIOPosix

/// dnsmasq (Debian `dnsmasq-base`) on 127.0.0.1 at a free port, serving one test zone from its
/// command line: no config file, no resolv.conf, no hosts file, no upstream, so a name in the zone
/// it does not hold is NXDOMAIN. It runs as a `ChildProcess.peer`, so it never outlives the tests.
public final class DNSServerProcess: Sendable {
    static let executable = "/usr/sbin/dnsmasq"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: Self.executable) }

    /// What the zone holds.
    public struct Zone: Sendable {
        public var name: String
        /// One TXT record each: its owner and its character-strings (dnsmasq splits its argument on commas).
        public var txt: [(owner: String, strings: [String])]
        public var cnames: [(alias: String, target: String)]
        /// Names holding an A record and nothing else.
        public var hosts: [String]

        public init(
            name: String, txt: [(owner: String, strings: [String])] = [], cnames: [(alias: String, target: String)] = [], hosts: [String] = []
        ) {
            self.name = name
            self.txt = txt
            self.cnames = cnames
            self.hosts = hosts
        }

        /// A TXT record holding `value`, split into strings of at most 255 bytes as DNS hosts split long values.
        public static func splitting(_ value: String) -> [String] {
            var strings: [String] = []
            var rest = Substring(value)
            while !rest.isEmpty {
                strings.append(String(rest.prefix(255)))
                rest = rest.dropFirst(255)
            }
            return strings
        }

        var arguments: [String] {
            // No shell in between: quotes would reach dnsmasq and be taken literally.
            self.txt.map { "--txt-record=\($0.owner),\($0.strings.joined(separator: ","))" }
                + self.cnames.map { "--cname=\($0.alias),\($0.target)" }
                + self.hosts.map { "--host-record=\($0),192.0.2.1" }
        }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public let address: SocketAddress
    public var port: Int { self.address.port ?? 0 }
    /// dnsmasq under its watchdog.
    private let process: ChildProcess
    /// Where dnsmasq writes its errors, read when it fails to start.
    private let log: String

    /// Runs `body` with a server for `zone`, and stops the server when `body` returns or throws.
    public static func serving<Result: Sendable>(_ zone: Zone, port: Int? = nil, _ body: (DNSServerProcess) async throws -> Result) async throws -> Result {
        let server = try await Self.start(zone, port: port)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A client of this server alone, with timeouts a loaded machine does not reach.
    public var client: DNSClient {
        DNSClient(servers: [self.address], timeoutPerQuery: .seconds(5), totalTimeout: .seconds(10))
    }

    /// Starts a server at `port`, or at a free port: a few tries then, as the port found may be
    /// taken again before dnsmasq binds it.
    public static func start(_ zone: Zone, port: Int? = nil) async throws -> DNSServerProcess {
        var failure = ""
        for _ in 0..<3 {
            let chosen = if let port { port } else { try await Self.freePort() }
            let server = try Self.launch(zone, port: chosen)
            if await server.answers(in: zone) { return server }
            failure = (try? String(contentsOfFile: server.log, encoding: .utf8)) ?? ""
            await server.stop()
        }
        throw StartFailure(description: "dnsmasq did not start: \(failure)")
    }

    private static func launch(_ zone: Zone, port: Int) throws -> DNSServerProcess {
        let arguments = [
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=", "--log-facility=-",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--local=/\(zone.name)/",
            // dnsmasq would drop root for a `dnsmasq` user dnsmasq-base does not create; as root it
            // stays root, and a user that is not root keeps its own uid either way.
            "--user=root",
        ]
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("dnsmasq-\(port)-\(UInt32.random(in: 0...UInt32.max)).log").path
        let process = try ChildProcess.peer(Self.executable, arguments + zone.arguments, log: log)
        return DNSServerProcess(address: try SocketAddress(ipAddress: "127.0.0.1", port: port), process: process, log: log)
    }

    private init(address: SocketAddress, process: ChildProcess, log: String) {
        self.address = address
        self.process = process
        self.log = log
    }

    /// A port the kernel just handed out, and so free for the moment.
    private static func freePort() async throws -> Int {
        let probe = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress?.port
        try await probe.close()
        guard let port else { throw StartFailure(description: "no free port") }
        return port
    }

    /// Ready once a query is answered; the connected UDP socket fails at once while nothing listens.
    private func answers(in zone: Zone) async -> Bool {
        let probe = DNSClient(servers: [self.address], timeoutPerQuery: .milliseconds(100), totalTimeout: .milliseconds(100))
        for _ in 0..<100 {
            if case .unavailable = await probe.txtRecords(at: "ready.\(zone.name)") {
                // A watchdog that ended has nothing left to watch: dnsmasq did not start.
                if !self.process.isRunning { return false }
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                return true
            }
        }
        return false
    }

    /// Ends dnsmasq and its watchdog.
    public func stop() async {
        await self.process.stopPeer()
        try? FileManager.default.removeItem(atPath: self.log)
    }
}
