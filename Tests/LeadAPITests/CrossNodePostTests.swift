import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Testing

@Suite("A post that reaches another node than its ping's")
struct CrossNodePostTests {
    @Test("is served from the store: the ping and its bids are read from the journal, and it sells once")
    func servedFromTheStore() async throws {
        let server = try await TestServer.make()
        let tenantID = server.tenant.tenant.id
        let buyer = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Anywhere", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 2_500), tenantID: tenantID
        )
        // A second node on the same store, running before the ping: its book never holds it.
        let node = try await AppDependencies.open(server.configuration, clock: server.clock)
        let ping = try await server.dependencies.auctioneer.ping(
            PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s"), tenantID: tenantID
        )
        try await server.dependencies.pings.flushJournal()
        #expect(await node.pingBook.ping(id: ping.id, tenantID: tenantID, nowMilliseconds: server.clock.nowMilliseconds()) == nil)

        let key = HTTPFields.complianceKey(server.tenant.complianceKey)
        let post = PostAPITests.post(ping: ping.id, buyer: buyer.id)
        try await buildApplication(server.configuration, dependencies: node).test(.router) { client in
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(post)) { response in
                let body = try response.object()
                #expect(response.status == .ok)
                #expect(body["buyer_id"] as? String == buyer.id)
            }
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(post)) { response in
                let body = try response.object()
                #expect(response.status == .conflict)
                #expect(body["code"] as? String == "already_sold")
            }
            // Another tenant's key finds nothing, as on the ping's own node.
            let other = HTTPFields.complianceKey(server.otherTenant.complianceKey)
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: other, body: .json(post)) { response in
                #expect(response.status == .notFound)
            }
        }
        await node.shutdown()
        await server.close()
    }
}
