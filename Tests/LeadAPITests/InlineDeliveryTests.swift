import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import NIOPosix
import Testing

/// A buyer's dead webhook costs a post no more than the inline budget, and the courier takes it from there.
@Suite("Inline delivery: a short budget, then pending")
struct InlineDeliveryTests {
    @Test("a webhook that accepts and never answers: the post answers pending after the inline budget, its attempt a timeout of that budget")
    func deadWebhook() async throws {
        let mute = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(mute.localAddress?.port)
        let server = try await TestServer.make(targets: {
            $0.allowPrivateTargets = true
            $0.inlineDeliveryMilliseconds = 150
        })
        try await server.test { client in
            _ = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Dead", price: 30000, extra: #", "webhook_url": "http://127.0.0.1:\#(port)/hook""#),
                key: server.tenant.apiKey, client: client
            )
            let answer = try await LeadAPITests.send(LeadAPITests.inbound(), server: server, client: client)
            let leadID = try #require(answer["id"] as? String)
            let lead = try await LeadAPITests.get("/api/v1/leads/\(leadID)", server: server, client: client)
            let delivery = try #require((lead["deliveries"] as? [[String: Any]])?.first, "\(lead)")
            #expect(delivery["status"] as? String == "pending")
            let attempt = try #require((delivery["attempts"] as? [[String: Any]])?.first, "\(delivery)")
            #expect(attempt["reason"] as? String == "timeout")
            #expect((attempt["error"] as? String)?.contains("150 ms") == true, "\(attempt)")
        }
        try await mute.close()
    }
}
