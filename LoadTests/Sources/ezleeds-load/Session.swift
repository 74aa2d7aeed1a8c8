// Turns a scenario name into a running target and a Workload: starts ezleeds, hello-nio and the
// fake bidders as needed, makes the tenant and keys, seeds the buyers, and stops it all after.
import Foundation
import NIOCore
import NIOPosix

enum Scenario: String, CaseIterable, Codable, Sendable {
    case hello, healthz, ping
    case pingRTB = "ping-rtb"
    case pingPost = "ping-post"
    case inbound
}

struct Endpoint: Sendable {
    var host: String
    var port: Int
}

final class Session {
    let target: TargetOptions
    let buyers: BuyerOptions
    /// Setup calls and fake bidders run here, off the harness's own loops.
    let sideGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let folder: URL
    private var server: ChildProcess?
    private var serverEndpoint: Endpoint?
    private var hello: ChildProcess?
    private var helloEndpoint: Endpoint?
    private var bidders: [FakeBidders] = []

    init(target: TargetOptions, buyers: BuyerOptions) throws {
        self.target = target
        self.buyers = buyers
        folder = workFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    var serverBinary: URL {
        URL(fileURLWithPath: target.serverBinary ?? repositoryRoot().appendingPathComponent(".build/release/ezleeds").path)
    }
    private var database: String { folder.appendingPathComponent("load.sqlite").path }

    /// The process whose CPU use is worth reporting next to the harness's.
    func serverPID(for scenario: Scenario) -> Int32? {
        scenario == .hello ? hello?.pid : server?.pid
    }

    func stop() async {
        for bidder in bidders { await bidder.stop() }
        if let server {
            await server.stop()
        }
        if let hello {
            await hello.stop()
        }
        try? await sideGroup.shutdownGracefully()
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Targets

    func ezleeds() async throws -> Endpoint {
        if let serverEndpoint { return serverEndpoint }
        if let url = target.url {
            let endpoint = try Self.endpoint(url)
            serverEndpoint = endpoint
            return endpoint
        }
        let port = try await freePort(group: sideGroup)
        // A minute of pings at the rates driven here outgrows the default bound of 200,000 live pings.
        // The fake bidders listen on loopback, which the outbound target policy refuses otherwise.
        let arguments = [
            "serve", "--host", "127.0.0.1", "--port", "\(port)", "--db", database, "--log-level", "warning",
            "--max-live-pings-per-tenant", "2000000", "--allow-private-targets",
        ]
        let endpoint = try await self.startServing(serverBinary, arguments, name: "ezleeds", port: port, path: "/healthz") { server = $0 }
        serverEndpoint = endpoint
        return endpoint
    }

    func helloNIO() async throws -> Endpoint {
        if let helloEndpoint { return helloEndpoint }
        if let url = target.helloURL {
            let endpoint = try Self.endpoint(url)
            helloEndpoint = endpoint
            return endpoint
        }
        let binary = target.helloBinary.map { URL(fileURLWithPath: $0) } ?? harnessDirectory().appendingPathComponent("hello-nio")
        let port = try await freePort(group: sideGroup)
        let arguments = ["--host", "127.0.0.1", "--port", "\(port)"]
        let endpoint = try await self.startServing(binary, arguments, name: "hello-nio", port: port, path: "/") { hello = $0 }
        helloEndpoint = endpoint
        return endpoint
    }

    /// Starts a child server, hands it to `keep` at once (so it is stopped even if it never comes
    /// up), and waits until `path` answers on its port.
    private func startServing(
        _ binary: URL, _ arguments: [String], name: String, port: Int, path: String, keep: (ChildProcess) -> Void
    ) async throws -> Endpoint {
        let child = try ChildProcess.start(binary, arguments, name: name, in: folder)
        keep(child)
        do {
            try await waitUntilServing(host: "127.0.0.1", port: port, path: path, group: sideGroup)
        } catch {
            throw SetupFailure("\(error)\n\(name) log:\n\(child.logTail())")
        }
        return Endpoint(host: "127.0.0.1", port: port)
    }

    static func endpoint(_ text: String) throws -> Endpoint {
        guard let url = URL(string: text), url.scheme == "http", let host = url.host else {
            throw SetupFailure("\(text) is not an http:// URL")
        }
        return Endpoint(host: host, port: url.port ?? 80)
    }

    // MARK: Tenant, keys, buyers

    /// A fresh tenant with unthrottled keys, made with the CLI on the server's own database; or
    /// the keys given with --url.
    func keys(tenant name: String) async throws -> (apiKey: String, complianceKey: String) {
        if target.url != nil {
            let environment = ProcessInfo.processInfo.environment
            let apiKey = target.apiKey ?? environment["EZLEEDS_API_KEY"]
            guard let complianceKey = target.complianceKey ?? environment["EZLEEDS_COMPLIANCE_KEY"], apiKey != nil || target.noSeed else {
                throw SetupFailure("with --url, pass --compliance-key and (unless --no-seed) --api-key, or EZLEEDS_COMPLIANCE_KEY and EZLEEDS_API_KEY")
            }
            return (apiKey ?? "", complianceKey)
        }
        let tenant = try jsonField("tenant_id", in: try await runTool(serverBinary, ["tenant", "create", name, "--db", database]))
        func key(_ role: String) async throws -> String {
            try jsonField("key", in: try await runTool(serverBinary, [
                "key", "create", "--tenant", tenant, "--role", role, "--rate-limit-per-minute", "100000000", "--db", database,
            ]))
        }
        let keys = (apiKey: try await key("standard"), complianceKey: try await key("compliance"))
        // 100,000,000 a minute is the most the CLI allows (1.7 million a second): never the limit here.
        // The server reloads keys every 250 ms.
        try await Task.sleep(for: .milliseconds(600))
        return keys
    }

    func seed(buyers bodies: [String], apiKey: String, at endpoint: Endpoint) async throws {
        guard !target.noSeed, !bodies.isEmpty else { return }
        let requests = bodies.map {
            Workload.request(method: "POST", path: "/api/v1/buyers", host: endpoint.host, port: endpoint.port,
                             headers: [("X-API-Key", apiKey)], body: $0)
        }
        let answers = try await call(requests, host: endpoint.host, port: endpoint.port, group: sideGroup)
        if let refused = answers.first(where: { $0.status != 201 }) {
            let body = refused.body.map { String(buffer: $0) } ?? ""
            throw SetupFailure("POST /api/v1/buyers answered \(refused.status): \(body)")
        }
    }

    private static func staticBuyer(_ index: Int, exclusivity: String?, webhook: String? = nil) -> String {
        // Prices spread over 10.00–499.99 so the ranking has work to do.
        let price = 1_000 + (index * 7_919) % 49_000
        let exclusivityField = exclusivity.map { #", "exclusivity": "\#($0)""# } ?? ""
        let webhookField = webhook.map { #", "webhook_url": "\#($0)/\#(index)", "webhook_secret": "whsec_load""# } ?? ""
        return #"{"name": "Load static \#(index)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": \#(price)\#(exclusivityField)\#(webhookField)}"#
    }

    /// With --webhooks: a receiver on loopback that answers every delivery 200 at once; with
    /// --webhook-url, the caller's own.
    private func webhookReceiver() async throws -> String? {
        if let url = buyers.webhookURL { return url }
        guard buyers.webhooks else { return nil }
        let receiver = try await FakeBidders.start(behavior: BidderBehavior(minimumMilliseconds: 0, maximumMilliseconds: 0, errorRate: 0), group: sideGroup)
        bidders.append(receiver)
        return "http://127.0.0.1:\(receiver.port)/hook"
    }

    // MARK: Workloads

    func workload(for scenario: Scenario) async throws -> Workload {
        switch scenario {
        case .hello:
            let endpoint = try await helloNIO()
            return Workload(name: "hello", host: endpoint.host, port: endpoint.port, scheduled: Outgoing(
                kind: .hello, bytes: Workload.request(method: "GET", path: "/", host: endpoint.host, port: endpoint.port)))
        case .healthz:
            let endpoint = try await ezleeds()
            return Workload(name: "healthz", host: endpoint.host, port: endpoint.port, scheduled: Outgoing(
                kind: .healthz, bytes: Workload.request(method: "GET", path: "/healthz", host: endpoint.host, port: endpoint.port)))
        case .ping, .pingPost:
            let endpoint = try await ezleeds()
            let keys = try await keys(tenant: "load-\(scenario.rawValue)-\(Int(Date().timeIntervalSince1970))")
            let exclusivity = scenario == .pingPost ? "shared" : nil
            let webhook = try await webhookReceiver()
            try await seed(buyers: (1...buyers.staticBuyers).map { Self.staticBuyer($0, exclusivity: exclusivity, webhook: webhook) },
                           apiKey: keys.apiKey, at: endpoint)
            var workload = pingWorkload(scenario, endpoint, complianceKey: keys.complianceKey, tmaxMilliseconds: nil)
            workload.postsAfterPing = scenario == .pingPost
            return workload
        case .pingRTB:
            let endpoint = try await ezleeds()
            let keys = try await keys(tenant: "load-ping-rtb-\(Int(Date().timeIntervalSince1970))")
            // One listener per bidder, as real buyers are separate hosts: the engine pools
            // connections per host, so bidders sharing a port would share one pool.
            let count = max(buyers.bidders, 1)
            let behavior = BidderBehavior(minimumMilliseconds: buyers.bidMinMs, maximumMilliseconds: buyers.bidMaxMs, errorRate: buyers.bidErrorRate)
            for _ in 1...count {
                bidders.append(try await FakeBidders.start(behavior: behavior, group: sideGroup))
            }
            let bodies = bidders.enumerated().map { index, bidder in
                // The last --silent-bidders never answer.
                let path = index >= count - buyers.silentBidders ? "never" : "bid"
                return #"{"name": "Load RTB \#(index + 1)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 50000, "bid_url": "http://127.0.0.1:\#(bidder.port)/\#(path)/\#(index + 1)", "bid_timeout_ms": \#(buyers.bidTimeoutMs), "exclusivity": "shared"}"#
            }
            try await seed(buyers: bodies, apiKey: keys.apiKey, at: endpoint)
            var workload = pingWorkload(scenario, endpoint, complianceKey: keys.complianceKey, tmaxMilliseconds: buyers.tmaxMs)
            workload.lateAfterNanoseconds = UInt64((Double(buyers.tmaxMs) + buyers.lateAllowanceMs) * 1e6)
            return workload
        case .inbound:
            // Each lead is qualified, deduplicated, scored, certified, auctioned among the static
            // buyers and sold durably to the best bid: the whole inbound path.
            let endpoint = try await ezleeds()
            let keys = try await keys(tenant: "load-inbound-\(Int(Date().timeIntervalSince1970))")
            let webhook = try await webhookReceiver()
            try await seed(buyers: (1...buyers.staticBuyers).map { Self.staticBuyer($0, exclusivity: nil, webhook: webhook) }, apiKey: keys.apiKey, at: endpoint)
            var workload = Workload(
                name: scenario.rawValue, host: endpoint.host, port: endpoint.port,
                scheduled: Outgoing(kind: .inbound, bytes: ByteBuffer()), complianceKey: keys.complianceKey
            )
            workload.inboundAPIKey = keys.apiKey
            return workload
        }
    }

    private func pingWorkload(_ scenario: Scenario, _ endpoint: Endpoint, complianceKey: String, tmaxMilliseconds: Int?) -> Workload {
        let tmax = tmaxMilliseconds.map { #", "tmax_ms": \#($0)"# } ?? ""
        let body = #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "loadtest"\#(tmax)}"#
        let bytes = Workload.request(method: "POST", path: "/api/v1/pingpost/ping", host: endpoint.host, port: endpoint.port,
                                     headers: [("X-Compliance-API-Key", complianceKey)], body: body)
        return Workload(name: scenario.rawValue, host: endpoint.host, port: endpoint.port,
                        scheduled: Outgoing(kind: .ping, bytes: bytes), complianceKey: complianceKey)
    }
}
