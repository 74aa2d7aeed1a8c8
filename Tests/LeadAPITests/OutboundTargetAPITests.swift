import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadOutbound
import NIOCore
import Synchronization
import Testing

/// Every URL a tenant gives (`bid_url`, `webhook_url`, `delivery_webhook`) goes through the outbound
/// target policy: when saved, and at every connect. The resolver and the connector are doubles, so
/// the refusals are proven without dialling anything but loopback listeners the tests start.
@Suite("Outbound target policy through the API")
struct OutboundTargetAPITests {
    static let names: [String: [String]] = [
        "localhost": ["127.0.0.1", "::1"], "metadata.internal": ["169.254.169.254"], "mixed.example": ["93.184.216.34", "10.0.0.7"],
        "public.example": ["93.184.216.34"], "v6only.example": ["fd00::7"],
    ]

    static let refusals: [(url: String, code: String)] = [
        ("http://127.0.0.1/hook", "address_not_allowed"), ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("http://[::ffff:169.254.169.254]/", "address_not_allowed"), ("http://[::ffff:a9fe:a9fe]/", "address_not_allowed"),
        ("http://[::1]/", "address_not_allowed"), ("http://2130706433/", "address_not_allowed"), ("http://0177.0.0.1/", "address_not_allowed"),
        ("http://127.1/", "address_not_allowed"), ("http://0x7f.1/", "address_not_allowed"), ("http://10.0.0.5/", "address_not_allowed"),
        ("http://192.168.0.10/", "address_not_allowed"), ("http://172.20.1.1/", "address_not_allowed"), ("http://100.64.0.1/", "address_not_allowed"),
        ("http://[fd00::1]/", "address_not_allowed"), ("http://[fe80::1]/", "address_not_allowed"), ("http://0.0.0.0/", "address_not_allowed"),
        ("http://224.0.0.1/", "address_not_allowed"), ("http://255.255.255.255/", "address_not_allowed"), ("http://[64:ff9b::7f00:1]/", "address_not_allowed"),
        ("http://localhost/", "address_not_allowed"), ("http://metadata.internal/", "address_not_allowed"), ("http://mixed.example/", "address_not_allowed"),
        ("http://v6only.example/", "address_not_allowed"), ("http://public.example:8080/", "port_not_allowed"),
        ("http://127.0.0.1:99999/x", "invalid_url"), ("http://127.0.0.1:65536/", "invalid_url"), ("http://127.0.0.1:4294967377/", "invalid_url"),
        ("http://[::1]:99999/", "invalid_url"), ("http://public.example:94036/", "invalid_url"), ("ftp://public.example/", "scheme_not_allowed"),
        ("http://user:pw@public.example/", "userinfo_not_allowed"), ("http://public.example@127.0.0.1/", "userinfo_not_allowed"),
    ]

    static func strictServer(connector: RecordingConnector = RecordingConnector(), resolver: StubResolver = StubResolver(names)) async throws -> TestServer {
        try await TestServer.make(targets: { _ in }, resolver: resolver, connector: connector)
    }

    @Test("URLs that reach the operator's network are refused when saved, naming the field and the reason")
    func refusedWhenSaved() async throws {
        let connector = RecordingConnector()
        let server = try await Self.strictServer(connector: connector)
        // Some two hundred requests: past the default rate limit.
        let key = try await server.issueKey(role: .standard, rateLimitPerMinute: 10_000).secret
        try await server.test { client in
            let buyer = try await create("/api/v1/buyers", body: Self.buyerBody(), key: key, client: client)
            let campaign = try await create("/api/v1/campaigns", body: Self.campaignBody(), key: key, client: client)
            for (url, code) in Self.refusals {
                let attempts: [(uri: String, method: HTTPRequest.Method, body: String, field: String)] = [
                    ("/api/v1/buyers", .post, Self.buyerBody(webhook: url), "webhook_url"),
                    ("/api/v1/buyers", .post, Self.buyerBody(bidURL: url), "bid_url"),
                    ("/api/v1/buyers/\(buyer)", .patch, #"{"webhook_url": "\#(url)"}"#, "webhook_url"),
                    ("/api/v1/buyers/\(buyer)", .patch, #"{"bid_url": "\#(url)"}"#, "bid_url"),
                    ("/api/v1/campaigns", .post, Self.campaignBody(webhook: url), "delivery_webhook"),
                    ("/api/v1/campaigns/\(campaign)", .patch, #"{"delivery_webhook": "\#(url)"}"#, "delivery_webhook"),
                ]
                for attempt in attempts {
                    try await client.execute(uri: attempt.uri, method: attempt.method, headers: .apiKey(key), body: .json(attempt.body)) { response in
                        #expect(response.status == .unprocessableContent, "\(attempt.method) \(attempt.uri) \(url): \(response.text)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        let errors = try response.object()["errors"] as? [[String: Any]] ?? []
                        #expect(errors.first?["field"] as? String == attempt.field, "\(url)")
                        #expect(errors.first?["code"] as? String == code, "\(url): \(errors)")
                    }
                }
            }
            // A public name on a standard port is fine everywhere.
            try await client.execute(
                uri: "/api/v1/buyers/\(buyer)", method: .patch, headers: .apiKey(key),
                body: .json(#"{"webhook_url": "https://public.example/hook", "bid_url": "http://public.example/bid"}"#)
            ) { #expect($0.status == .ok, "\($0.text)") }
            try await client.execute(
                uri: "/api/v1/campaigns/\(campaign)", method: .patch, headers: .apiKey(key), body: .json(#"{"delivery_webhook": "https://public.example/crm"}"#)
            ) { #expect($0.status == .ok, "\($0.text)") }
            // Another tenant's buyer is a 404, whatever the URL.
            try await client.execute(
                uri: "/api/v1/buyers/\(buyer)", method: .patch, headers: .apiKey(server.otherTenant.apiKey), body: .json(#"{"webhook_url": "http://127.0.0.1/"}"#)
            ) { #expect($0.status == .notFound) }
        }
        #expect(connector.dialledAddresses.isEmpty, "saving a URL dials nothing")
    }

    @Test("a name that starts resolving to a private address is refused at connect (DNS rebinding): bids and deliveries fail typed, nothing is dialled")
    func rebinding() async throws {
        let connector = RecordingConnector()
        let resolver = StubResolver(["buyer.example": ["93.184.216.34"]])
        let server = try await Self.strictServer(connector: connector, resolver: resolver)
        try await server.test { client in
            let key = server.tenant.apiKey
            let realTime = try await create("/api/v1/buyers", body: Self.buyerBody(price: 40000, bidURL: "http://buyer.example/bid"), key: key, client: client)
            let fixed = try await create("/api/v1/buyers", body: Self.buyerBody(price: 50000, webhook: "https://buyer.example/hook"), key: key, client: client)
            resolver.answer("buyer.example", with: ["169.254.169.254"])

            let compliance = HTTPFields.complianceKey(server.tenant.complianceKey)
            let ping = try await Self.ping(server, client)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(ping)", method: .get, headers: compliance) { response in
                let outcomes = try #require(try response.object()["outcomes"] as? [[String: Any]])
                let outcome = try #require(outcomes.first { $0["buyer_id"] as? String == realTime })
                #expect(outcome["no_bid_reason"] as? String == "target_not_allowed", "\(outcome)")
            }
            let sold = try await Self.post(server, client, ping: ping, buyer: fixed)
            #expect(sold["delivery_status"] as? String == "pending")
            let lead = try #require(sold["lead_id"] as? String)
            try await client.execute(uri: "/api/v1/leads/\(lead)", method: .get, headers: .apiKey(key)) { response in
                let deliveries = try #require(try response.object()["deliveries"] as? [[String: Any]])
                let attempt = try #require((deliveries.first?["attempts"] as? [[String: Any]])?.first)
                #expect(attempt["reason"] as? String == "target_not_allowed", "\(attempt)")
                #expect(attempt["status_code"] is NSNull)
                #expect((attempt["error"] as? String)?.contains("169.254.169.254") == true)
            }
        }
        #expect(connector.dialledAddresses.isEmpty)
        #expect(resolver.lookUps.withLock { $0.filter { $0 == "buyer.example" }.count } >= 4, "looked up when saved and at each connect")
    }

    @Test("with the policy on, a real listener on loopback receives nothing: refused when saved, and refused at connect after a rebinding")
    func nothingArrives() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            let port = try #require(URL(string: hook)?.port)
            let resolver = StubResolver(["crm.example": ["93.184.216.34"], "localhost": ["127.0.0.1", "::1"]])
            // The real connector: had the gate let it through, the delivery would arrive.
            let server = try await TestServer.make(targets: { $0.allowedTargetPorts = [port] }, resolver: resolver)
            try await server.test { client in
                let key = server.tenant.apiKey
                for url in [hook, "http://localhost:\(port)/hook", "http://[::ffff:127.0.0.1]:\(port)/hook", "http://2130706433:\(port)/hook"] {
                    try await client.execute(uri: "/api/v1/buyers", method: .post, headers: .apiKey(key), body: .json(Self.buyerBody(webhook: url))) { response in
                        #expect(response.status == .unprocessableContent, "\(url): \(response.text)")
                    }
                }
                let buyer = try await create("/api/v1/buyers", body: Self.buyerBody(webhook: "http://crm.example:\(port)/hook"), key: key, client: client)
                resolver.answer("crm.example", with: ["127.0.0.1"])
                let sold = try await Self.post(server, client, ping: try await Self.ping(server, client), buyer: buyer)
                #expect(sold["delivery_status"] as? String == "pending")
            }
        }
        #expect(receiver.state.deliveriesByID.withLock { $0.isEmpty })
        #expect(receiver.state.badSignatures.withLock { $0 } == 0)
    }

    @Test("an allowed range reaches a CRM on the operator's network, at the address that was checked; other ranges and ports stay refused")
    func allowedRange() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            let port = try #require(URL(string: hook)?.port)
            let connector = RecordingConnector(dialsLoopback: true)
            let resolver = StubResolver(["crm.internal": ["127.0.0.1"], "elsewhere.internal": ["10.9.8.7"]])
            let server = try await TestServer.make(
                targets: {
                    $0.allowedTargetCIDRs = ["127.0.0.0/8"]
                    $0.allowedTargetPorts = [port]
                },
                resolver: resolver, connector: connector
            )
            try await server.test { client in
                let key = server.tenant.apiKey
                for (url, code) in [("http://elsewhere.internal:\(port)/hook", "address_not_allowed"), ("http://crm.internal:\(port + 1)/hook", "port_not_allowed")] {
                    try await client.execute(uri: "/api/v1/buyers", method: .post, headers: .apiKey(key), body: .json(Self.buyerBody(webhook: url))) { response in
                        #expect(response.status == .unprocessableContent)
                        let errors = try response.object()["errors"] as? [[String: Any]]
                        #expect(errors?.first?["code"] as? String == code)
                    }
                }
                let buyer = try await create(
                    "/api/v1/buyers", body: Self.buyerBody(webhook: "http://crm.internal:\(port)/hook"), key: key, client: client
                )
                let sold = try await Self.post(server, client, ping: try await Self.ping(server, client), buyer: buyer)
                #expect(sold["delivery_status"] as? String == "delivered", "\(sold)")
            }
            #expect(receiver.state.deliveriesByID.withLock { $0.count } == 1)
            #expect(connector.dialledAddresses == ["127.0.0.1:\(port)"])
        }
    }

    @Test("redirects are never followed: a webhook that answers 302 is a failed attempt, and its Location gets nothing")
    func redirects() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            let router = Router()
            router.post("moved") { _, _ in Response(status: .found, headers: [.location: hook]) }
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { redirector in
                let server = try await TestServer.make()
                try await server.test { client in
                    let moved = "http://127.0.0.1:\(redirector.port ?? 0)/moved"
                    let (ping, buyers) = try await PostAPITests.pingWithBuyers(server, client, exclusivity: ["shared"], webhook: moved)
                    let sold = try await Self.post(server, client, ping: ping, buyer: buyers[0])
                    #expect(sold["delivery_status"] as? String == "pending")
                    let lead = try #require(sold["lead_id"] as? String)
                    try await client.execute(uri: "/api/v1/leads/\(lead)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                        let deliveries = try #require(try response.object()["deliveries"] as? [[String: Any]])
                        let attempt = try #require((deliveries.first?["attempts"] as? [[String: Any]])?.first)
                        #expect(attempt["status_code"] as? Int == 302)
                        #expect(attempt["reason"] as? String == "http_error")
                    }
                }
            }
            #expect(receiver.state.deliveriesByID.withLock { $0.count } == 0)
        }
    }

    // Regression: a webhook_url of http://127.0.0.1:99999/x crashed the server at delivery, and on
    // every restart after (the courier retried it).
    @Test("a stored URL that cannot be called is a failed attempt with a reason, never a crash, after a restart too")
    func plantedURLs() async throws {
        let server = try await TestServer.make()
        let tenant = server.tenant.tenant.id
        let fixed = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Fixed", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 50_000, webhookURL: "http://127.0.0.1:8/hook"),
            tenantID: tenant
        )
        let realTime = try await server.dependencies.buyers.create(
            BuyerDraft(name: "RTB", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 40_000, bidURL: "http://127.0.0.1:8/bid"), tenantID: tenant
        )
        // Rows as no API would write them: planted straight in the store.
        let queue = try DatabaseQueue(path: server.configuration.databasePath)
        try await queue.write { db in
            try db.execute(sql: "UPDATE buyers SET webhook_url = 'http://127.0.0.1:99999/x' WHERE id = ?", arguments: [fixed.id])
            try db.execute(sql: "UPDATE buyers SET bid_url = 'http://[::1]:99999/' WHERE id = ?", arguments: [realTime.id])
        }
        try queue.close()
        let restarted = try await server.reopened { _ in }
        try await restarted.test { client in
            let compliance = HTTPFields.complianceKey(restarted.tenant.complianceKey)
            let ping = try await Self.ping(restarted, client)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(ping)", method: .get, headers: compliance) { response in
                let outcomes = try #require(try response.object()["outcomes"] as? [[String: Any]])
                #expect(outcomes.first { $0["buyer_id"] as? String == realTime.id }?["no_bid_reason"] as? String == "target_not_allowed")
            }
            let lead = try #require(try await Self.post(restarted, client, ping: ping, buyer: fixed.id)["lead_id"] as? String)
            // The courier's retry takes the same URL and fails the same way. The delivery service
            // may run that pass itself (then this one finds it running): wait for the attempt.
            restarted.clock.advance(byMilliseconds: 60_000)
            var attempts: [[String: Any]] = []
            for _ in 0..<100 {
                try await restarted.dependencies.courier.deliverDue()
                attempts = try await client.execute(uri: "/api/v1/leads/\(lead)", method: .get, headers: .apiKey(restarted.tenant.apiKey)) { response in
                    let deliveries = try response.object()["deliveries"] as? [[String: Any]]
                    return deliveries?.first?["attempts"] as? [[String: Any]] ?? []
                }
                if attempts.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(attempts.count == 2)
            #expect(attempts.allSatisfy { $0["reason"] as? String == "target_not_allowed" }, "\(attempts)")
            #expect((attempts.first?["error"] as? String)?.contains("invalid_url") == true)
        }
    }

    @Test("a campaign's delivery_webhook receives the sales it funds, signed with the buyer's secret; the buyer's webhook gets none")
    func campaignDeliveryWebhook() async throws {
        let buyerHook = WebhookReceiver()
        let campaignHook = WebhookReceiver()
        try await buyerHook.run { buyerURL in
            try await campaignHook.run { campaignURL in
                let server = try await TestServer.make()
                try await server.test { client in
                    let key = server.tenant.apiKey
                    let buyer = try await create("/api/v1/buyers", body: Self.buyerBody(webhook: buyerURL), key: key, client: client)
                    _ = try await create(
                        "/api/v1/campaigns",
                        body: #"{"name": "Funded", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 1000000, "buyer_id": "\#(buyer)", "delivery_webhook": "\#(campaignURL)"}"#,
                        key: key, client: client
                    )
                    let sold = try await Self.post(server, client, ping: try await Self.ping(server, client), buyer: buyer)
                    #expect(sold["delivery_status"] as? String == "delivered", "\(sold)")
                }
            }
        }
        #expect(campaignHook.state.deliveriesByID.withLock { $0.count } == 1)
        #expect(campaignHook.state.badSignatures.withLock { $0 } == 0)
        #expect(buyerHook.state.deliveriesByID.withLock { $0.count } == 0)
    }

    static func ping(_ server: TestServer, _ client: some TestClientProtocol) async throws -> String {
        try await client.execute(
            uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(PingAPITests.ping)
        ) { try #require(try $0.object()["ping_id"] as? String) }
    }

    /// The post's answer; a post that is not accepted fails the test.
    static func post(_ server: TestServer, _ client: some TestClientProtocol, ping: String, buyer: String) async throws -> [String: Any] {
        try await client.execute(
            uri: "/api/v1/pingpost/post", method: .post, headers: .complianceKey(server.tenant.complianceKey),
            body: .json(PostAPITests.post(ping: ping, buyer: buyer))
        ) { response in
            #expect(response.status == .ok, "\(response.text)")
            return try response.object()
        }
    }

    static func buyerBody(price: Int = 50000, webhook: String? = nil, bidURL: String? = nil) -> String {
        var body = #"{"name": "Buyer", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": \#(price), "webhook_secret": "\#(WebhookReceiver.secret)""#
        if let webhook { body += #", "webhook_url": "\#(webhook)""# }
        if let bidURL { body += #", "bid_url": "\#(bidURL)""# }
        return body + "}"
    }

    static func campaignBody(webhook: String? = nil) -> String {
        #"{"name": "C", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 100000"# + (webhook.map { #", "delivery_webhook": "\#($0)""# } ?? "") + "}"
    }
}
