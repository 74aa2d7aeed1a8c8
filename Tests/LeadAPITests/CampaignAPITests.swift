import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Logging
import NIOCore
import Testing

@Suite("Campaigns API")
struct CampaignAPITests {
    @Test("POST /campaigns/ with the spec's example creates an active campaign")
    func createCampaign() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(
                uri: "/api/v1/campaigns/", method: .post, headers: .apiKey(server.tenant.apiKey), body: .json(SpecExample.campaign)
            ) { response in
                #expect(response.status == .created)
                let body = try response.object()
                let id = try #require(body["id"] as? String)
                #expect(id.hasPrefix("camp_"))
                #expect(body["name"] as? String == "NV Personal Injury Q2")
                #expect(body["status"] as? String == "active")
                #expect(body["created_at"] is String)
                #expect(body["budget_remaining_cents"] as? Int == 5_000_000)
                #expect(body["max_leads_per_day"] as? Int == 50)
                #expect(body["delivery_webhook"] as? String == "https://crm.example.com/leads")
            }
        }
    }

    @Test("a campaign may name a buyer of its own tenant only")
    func campaignBuyer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let mine = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
            let theirs = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.otherTenant.apiKey, client: client)
            let withBuyer = #"{"name": "C", "campaign_type": "solar", "states": ["TX"], "budget_cents": 0, "buyer_id": "\#(mine)"}"#
            let id = try await create("/api/v1/campaigns", body: withBuyer, key: server.tenant.apiKey, client: client)
            try await client.execute(
                uri: "/api/v1/campaigns/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"buyer_id": "\#(theirs)"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("buyer_id"))
            }
            try await client.execute(uri: "/api/v1/campaigns/\(id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["buyer_id"] as? String == mine)
            }
        }
    }

    @Test("GET /campaigns/ lists the tenant's campaigns with delivery stats and budget left")
    func listCampaigns() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let first = try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.tenant.apiKey, client: client)
            server.clock.advance(byMilliseconds: 1000)
            let second = try await create(
                "/api/v1/campaigns", body: #"{"name": "Solar TX", "campaign_type": "solar", "states": ["TX"], "budget_cents": 100, "status": "paused"}"#,
                key: server.tenant.apiKey, client: client
            )
            _ = try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.otherTenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/campaigns/", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["total"] as? Int == 2)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["id"] as? String } == [second, first])
                #expect(items.last?["leads_delivered"] as? Int == 0)
                #expect(items.last?["budget_remaining_cents"] as? Int == 5_000_000)
                #expect(items.last?["status"] as? String == "active")
            }
            try await client.execute(uri: "/api/v1/campaigns?status=paused", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let items = try #require(try response.object()["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["id"] as? String } == [second])
            }
        }
    }

    @Test("GET /campaigns/{id} has the spec's fields with the spec's types")
    func showCampaign() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let id = try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.tenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/campaigns/\(id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["id"] as? String == id)
                #expect(body["campaign_type"] as? String == "legal_pi")
                #expect(body["states"] as? [String] == ["AZ", "CA", "NV"])
                for field in ["leads_delivered", "leads_accepted", "leads_returned", "avg_cost_cents"] {
                    #expect(body[field] as? Int == 0, "\(field)")
                }
                #expect(body["acceptance_rate"] is NSNumber)
            }
        }
    }

    @Test("PATCH /campaigns/{id} with the spec's example pauses and lowers the daily volume")
    func updateCampaign() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let id = try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.tenant.apiKey, client: client)
            server.clock.advance(byMilliseconds: 5000)
            try await client.execute(
                uri: "/api/v1/campaigns/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(SpecExample.campaignPatch)
            ) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["id"] as? String == id)
                #expect(body["status"] as? String == "paused")
                #expect(body["max_leads_per_day"] as? Int == 25)
                #expect(body["updated_at"] is String)
                #expect(body["updated_at"] as? String != body["created_at"] as? String)
            }
        }
    }
}
