import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Logging
import NIOCore
import Testing

@Suite("Buyers API")
struct BuyerAPITests {
    @Test("POST /buyers/ with the spec's example registers the buyer and never echoes the secret")
    func createBuyer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/buyers/", method: .post, headers: .apiKey(server.tenant.apiKey), body: .json(SpecExample.buyer)) { response in
                #expect(response.status == .created)
                let body = try response.object()
                let id = try #require(body["id"] as? String)
                #expect(id.hasPrefix("buyer_"))
                #expect(response.headers[.location] == "/api/v1/buyers/\(id)")
                #expect(body["name"] as? String == "Acme Legal Partners")
                #expect(body["status"] as? String == "active")
                #expect((body["created_at"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) } != nil)
                #expect(body["webhook_secret"] == nil)
                #expect(body["has_webhook_secret"] as? Bool == true)
                #expect(!response.text.contains("whsec_abc123"))
                #expect(body["exclusivity"] as? String == "shared")
                #expect(body["bid_timeout_ms"] as? Int == Buyer.defaultBidTimeoutMilliseconds)
                #expect(body["bid_url"] is NSNull)
            }
        }
    }

    @Test("the optional ping-post fields are stored and validated")
    func pingPostFields() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let body = """
                {"name": "RTB Buyer", "campaign_types": ["solar"], "states": ["TX"], "max_price_cents": 1200,
                 "bid_url": "http://10.0.0.5:9000/bid", "bid_timeout_ms": 120, "exclusivity": "exclusive",
                 "zip_codes": ["75001", "75002", "75001"], "daily_cap": 40, "time_zone": "America/Chicago", "status": "paused"}
                """
            let id = try await create("/api/v1/buyers", body: body, key: server.tenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/buyers/\(id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let buyer = try response.object()
                #expect(buyer["bid_url"] as? String == "http://10.0.0.5:9000/bid")
                #expect(buyer["bid_timeout_ms"] as? Int == 120)
                #expect(buyer["exclusivity"] as? String == "exclusive")
                #expect(buyer["zip_codes"] as? [String] == ["75001", "75002"])
                #expect(buyer["daily_cap"] as? Int == 40)
                #expect(buyer["time_zone"] as? String == "America/Chicago")
                #expect(buyer["status"] as? String == "paused")
                #expect(buyer["has_webhook_secret"] as? Bool == false)
            }
            // null clears a nullable field; a non-nullable field refuses null.
            try await client.execute(
                uri: "/api/v1/buyers/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey),
                body: .json(#"{"bid_url": null, "zip_codes": null, "daily_cap": null}"#)
            ) { response in
                #expect(response.status == .ok)
                let buyer = try response.object()
                #expect(buyer["bid_url"] is NSNull)
                #expect(buyer["zip_codes"] is NSNull)
                #expect(buyer["daily_cap"] is NSNull)
                #expect(buyer["exclusivity"] as? String == "exclusive")
            }
            try await client.execute(
                uri: "/api/v1/buyers/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"name": null}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("must not be null"))
            }
            // time_zone takes IANA names only; a bad one names the field and changes nothing.
            try await client.execute(
                uri: "/api/v1/buyers/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"time_zone": "CST"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let errors = try #require(try response.object()["errors"] as? [[String: Any]])
                #expect(errors.compactMap { $0["field"] as? String } == ["time_zone"])
            }
            try await client.execute(
                uri: "/api/v1/buyers/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"time_zone": "Pacific/Honolulu"}"#)
            ) { response in
                let buyer = try response.object()
                #expect(buyer["time_zone"] as? String == "Pacific/Honolulu")
            }
            // Without a time_zone a buyer counts UTC days.
            let plain = try await create("/api/v1/buyers", body: PingAPITests.buyer("Plain", price: 1), key: server.tenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/buyers/\(plain)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let buyer = try response.object()
                #expect(buyer["time_zone"] as? String == "UTC")
            }
        }
    }

    @Test("GET /buyers/ lists the tenant's buyers newest first, with the spec's metrics, paged and filtered")
    func listBuyers() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var ids: [String] = []
            for index in 0..<3 {
                server.clock.advance(byMilliseconds: 1000)
                let state = index == 0 ? "TX" : "NV"
                ids.append(
                    try await create(
                        "/api/v1/buyers",
                        body: #"{"name": "Buyer \#(index)", "campaign_types": ["legal_pi"], "states": ["\#(state)"], "max_price_cents": 100}"#,
                        key: server.tenant.apiKey, client: client
                    )
                )
            }
            _ = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.otherTenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/buyers/?per_page=2", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["total"] as? Int == 3)
                #expect(body["page"] as? Int == 1)
                #expect(body["per_page"] as? Int == 2)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
                for item in items {
                    #expect(item["leads_purchased"] as? Int == 0)
                    #expect(item["total_spent_cents"] as? Int == 0)
                    #expect(item["status"] as? String == "active")
                    #expect(item["name"] is String)
                }
            }
            try await client.execute(uri: "/api/v1/buyers?page=2&per_page=2", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let items = try #require(try response.object()["items"] as? [[String: Any]])
                #expect(items.compactMap { $0["id"] as? String } == [ids[0]])
            }
            try await client.execute(uri: "/api/v1/buyers?state=TX", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["total"] as? Int == 1)
            }
        }
    }

    @Test("GET /buyers/match answers from the index: highest bid first, by state, type, ZIP and status")
    func matchBuyers() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let cheap = try await create(
                "/api/v1/buyers", body: #"{"name": "Cheap", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 20000}"#,
                key: key, client: client
            )
            let rich = try await create(
                "/api/v1/buyers",
                body: #"{"name": "Rich", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 35000, "exclusivity": "exclusive"}"#,
                key: key, client: client
            )
            let zipped = try await create(
                "/api/v1/buyers",
                body: #"{"name": "Zipped", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 90000, "zip_codes": ["89109"]}"#,
                key: key, client: client
            )
            _ = try await create(
                "/api/v1/buyers",
                body: #"{"name": "Paused", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 99000, "status": "paused"}"#,
                key: key, client: client
            )
            _ = try await create(
                "/api/v1/buyers", body: #"{"name": "Solar", "campaign_types": ["solar"], "states": ["NV"], "max_price_cents": 99000}"#,
                key: key, client: client
            )
            _ = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.otherTenant.apiKey, client: client)

            func matches(_ query: String) async throws -> [[String: Any]] {
                try await client.execute(uri: "/api/v1/buyers/match?\(query)", method: .get, headers: .apiKey(key)) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    return try #require(try response.object()["matches"] as? [[String: Any]])
                }
            }
            let nv = try await matches("campaign_type=legal_pi&state=NV&zip_code=89101")
            #expect(nv.compactMap { $0["buyer_id"] as? String } == [rich, cheap])
            #expect(nv.first?["bid_cents"] as? Int == 35000)
            #expect(nv.first?["exclusivity"] as? String == "exclusive")
            #expect(nv.first?["name"] as? String == "Rich")
            let withZip = try await matches("campaign_type=legal_pi&state=NV&zip_code=89109")
            #expect(withZip.compactMap { $0["buyer_id"] as? String } == [zipped, rich, cheap])
            #expect(try await matches("campaign_type=legal_pi&state=CA").isEmpty)

            // An update reaches the index at once: the cheap buyer outbids and moves to CA too.
            try await client.execute(
                uri: "/api/v1/buyers/\(cheap)", method: .patch, headers: .apiKey(key),
                body: .json(#"{"max_price_cents": 40000, "states": ["NV", "CA"]}"#)
            ) { response in #expect(response.status == .ok) }
            #expect(try await matches("campaign_type=legal_pi&state=NV&zip_code=89101").compactMap { $0["buyer_id"] as? String } == [cheap, rich])
            #expect(try await matches("campaign_type=legal_pi&state=CA").compactMap { $0["buyer_id"] as? String } == [cheap])
        }
    }

    @Test("GET /buyers/{id} has the spec's fields with the spec's types")
    func showBuyer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let id = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/buyers/\(id)/", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["id"] as? String == id)
                #expect(body["name"] as? String == "Acme Legal Partners")
                #expect(body["campaign_types"] as? [String] == ["legal_mass_tort", "legal_pi"])
                #expect(body["states"] as? [String] == ["CA", "NV"])
                #expect(body["leads_purchased"] as? Int == 0)
                #expect(body["acceptance_rate"] is NSNumber)
                #expect(body["avg_response_time_ms"] as? Int == 0)
            }
        }
    }

    @Test("PATCH /buyers/{id} with the spec's example updates targeting and price")
    func updateBuyer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let id = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
            server.clock.advance(byMilliseconds: 60_000)
            try await client.execute(
                uri: "/api/v1/buyers/\(id)", method: .patch, headers: .apiKey(server.tenant.apiKey), body: .json(SpecExample.buyerPatch)
            ) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["id"] as? String == id)
                #expect(body["states"] as? [String] == ["AZ", "CA", "NV"])
                #expect(body["max_price_cents"] as? Int == 55000)
                #expect(body["updated_at"] as? String != body["created_at"] as? String)
                #expect(body["name"] as? String == "Acme Legal Partners")
            }
        }
    }
}
