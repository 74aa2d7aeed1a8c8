import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Synchronization
import Testing

@Suite("Ping-post: ping")
struct PingAPITests {
    static let ping = #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "landing_page_v3"}"#

    static func buyer(_ name: String, price: Int64, extra: String = "") -> String {
        #"{"name": "\#(name)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": \#(price)\#(extra)}"#
    }

    @Test("static buyers bid their price, highest first, in exactly the spec's shape")
    func staticBids() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let acme = try await create("/api/v1/buyers", body: Self.buyer("Acme Legal", price: 35000), key: key, client: client)
            let cheap = try await create("/api/v1/buyers", body: Self.buyer("Cheap", price: 20000, extra: #", "exclusivity": "exclusive""#), key: key, client: client)
            _ = try await create("/api/v1/buyers", body: Self.buyer("Other tenant", price: 99000), key: server.otherTenant.apiKey, client: client)
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(Self.ping)) { response in
                #expect(response.status == .ok, "\(response.text)")
                let body = try response.object()
                #expect(Set(body.keys) == ["ping_id", "expires_at", "bids", "floor_price_cents"])
                #expect((body["ping_id"] as? String)?.hasPrefix("ping_") == true)
                let expires = try #require((body["expires_at"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) })
                #expect(expires.epochMilliseconds / 1000 == (server.clock.nowMilliseconds() + 60_000) / 1000)
                #expect(body["floor_price_cents"] as? Int == 0)
                let bids = try #require(body["bids"] as? [[String: Any]])
                #expect(bids.compactMap { $0["buyer_id"] as? String } == [acme, cheap])
                #expect(bids.compactMap { $0["bid_cents"] as? Int } == [35000, 20000])
                #expect(bids.compactMap { $0["exclusivity"] as? String } == ["shared", "exclusive"])
                #expect(bids.first?["buyer_name"] as? String == "Acme Legal")
                #expect(Set(bids.first?.keys ?? [:].keys) == ["buyer_id", "buyer_name", "bid_cents", "exclusivity"])
            }
            // No buyer for the state: still 200, with no bids.
            try await client.execute(
                uri: "/api/v1/pingpost/ping/", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"campaign_type": "legal_pi", "state": "TX", "zip_code": "75001", "source": "x"}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect((body["bids"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("real-time bidders: fast bids count, every other buyer has its reason, and the answer keeps the deadline")
    func realTimeBidders() async throws {
        let bidders = BidServer()
        try await bidders.run { base in
            let server = try await TestServer.make()
            try await server.test { client in
                let key = server.tenant.apiKey
                var ids: [String: String] = [:]
                let secret = #", "webhook_secret": "\#(BidServer.secret)""#
                for name in ["fast", "greedy", "slow", "garbage", "broken", "pass", "zero"] {
                    ids[name] = try await create(
                        "/api/v1/buyers", body: Self.buyer(name, price: 50000, extra: #", "bid_url": "\#(base)/\#(name)", "bid_timeout_ms": 2000"# + secret),
                        key: key, client: client
                    )
                }
                ids["refused"] = try await create(
                    "/api/v1/buyers", body: Self.buyer("refused", price: 50000, extra: #", "bid_url": "http://127.0.0.1:1/bid""#), key: key, client: client
                )
                ids["static"] = try await create("/api/v1/buyers", body: Self.buyer("static", price: 30000), key: key, client: client)
                ids["low"] = try await create("/api/v1/buyers", body: Self.buyer("low", price: 100), key: key, client: client)
                ids["paused"] = try await create("/api/v1/buyers", body: Self.buyer("paused", price: 90000, extra: #", "status": "paused""#), key: key, client: client)
                ids["zipped"] = try await create("/api/v1/buyers", body: Self.buyer("zipped", price: 90000, extra: #", "zip_codes": ["89109"]"#), key: key, client: client)
                try await client.execute(
                    uri: "/api/v1/pingpost/floors/legal_pi", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(#"{"floor_price_cents": 1000}"#)
                ) { response in #expect(response.status == .ok) }

                let started = ContinuousClock.now
                let pingID = try await client.execute(
                    uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                    body: .json(#"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "lp", "tmax_ms": 2000}"#)
                ) { response in
                    let elapsed = ContinuousClock.now - started
                    #expect(response.status == .ok)
                    // The slow bidder answers after 4 s; the ping must not wait for it.
                    #expect(elapsed < .milliseconds(2000 + 1000), "the ping took \(elapsed)")
                    let body = try response.object()
                    #expect(body["floor_price_cents"] as? Int == 1000)
                    let bids = try #require(body["bids"] as? [[String: Any]])
                    #expect(bids.compactMap { $0["buyer_id"] as? String } == [ids["greedy"], ids["fast"], ids["static"]].compactMap { $0 })
                    #expect(bids.compactMap { $0["bid_cents"] as? Int } == [50000, 40000, 30000], "the greedy bid is capped to max_price_cents")
                    #expect(bids.dropFirst().first?["exclusivity"] as? String == "exclusive")
                    return try #require(body["ping_id"] as? String)
                }
                #expect(bidders.received.badSignatures.withLock { $0 } == 0)
                let request = try #require(bidders.received.bodies.withLock { $0["fast"] })
                #expect(request["ping_id"] == .string(pingID))
                #expect(request["campaign_type"] == "legal_pi")
                #expect(request["state"] == "NV")
                #expect(request["zip_code"] == "89101")
                #expect(request["source"] == "lp")
                #expect(request["floor_price_cents"] == .integer(1000))
                #expect(request["tmax_ms"] == .integer(2000))
                if case .string(let expires)? = request["expires_at"] { #expect(expires.hasSuffix("Z")) } else { Issue.record("expires_at missing") }

                try await client.execute(
                    uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: .complianceKey(server.tenant.complianceKey)
                ) { response in
                    #expect(response.status == .ok)
                    let body = try response.object()
                    #expect(body["status"] as? String == "live")
                    let outcomes = try #require(body["outcomes"] as? [[String: Any]])
                    var reasons: [String: String] = [:]
                    for outcome in outcomes {
                        let name = try #require(ids.first { $0.value == outcome["buyer_id"] as? String }?.key)
                        reasons[name] = outcome["no_bid_reason"] as? String ?? "bid"
                    }
                    #expect(reasons == [
                        "fast": "bid", "greedy": "bid", "static": "bid", "slow": "timeout", "garbage": "bad_response", "broken": "http_error",
                        "pass": "declined", "zero": "declined", "refused": reasons["refused"] == "timeout" ? "timeout" : "unreachable",
                        "low": "below_floor", "paused": "paused", "zipped": "filtered_zip",
                    ])
                }
            }
        }
    }

    @Test("a crowded slot: the ten best bids come back; outranked static buyers are counted, those under the floor listed")
    func crowdedSlot() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var byPrice: [Int: String] = [:]
            for price in 1...25 {
                byPrice[price] = try await create("/api/v1/buyers", body: Self.buyer("B\(price)", price: Int64(price * 100)), key: server.tenant.apiKey, client: client)
            }
            _ = try await create("/api/v1/buyers", body: Self.buyer("Paused", price: 9999, extra: #", "status": "paused""#), key: server.tenant.apiKey, client: client)
            try await client.execute(
                uri: "/api/v1/pingpost/floors/legal_pi", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(#"{"floor_price_cents": 300}"#)
            ) { response in #expect(response.status == .ok) }
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            let pingID = try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: key, body: .json(Self.ping)) { response in
                let body = try response.object()
                let bids = try #require(body["bids"] as? [[String: Any]])
                #expect(bids.compactMap { $0["bid_cents"] as? Int } == Array(stride(from: 2500, through: 1600, by: -100)))
                #expect(bids.compactMap { $0["buyer_id"] as? String } == (16...25).reversed().compactMap { byPrice[$0] })
                return try #require(body["ping_id"] as? String)
            }
            try await client.execute(uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: key) { response in
                let body = try response.object()
                #expect(body["outranked_static_buyers"] as? Int == 13)  // 300 to 1500 cents
                let outcomes = try #require(body["outcomes"] as? [[String: Any]])
                let reasons = outcomes.compactMap { $0["no_bid_reason"] as? String }
                #expect(reasons.filter { $0 == "below_floor" }.count == 2)  // 100 and 200 cents
                #expect(reasons.filter { $0 == "paused" }.count == 1)
                #expect(outcomes.filter { $0["result"] as? String == "bid" }.count == 10)
            }
        }
    }

    @Test("pings need a compliance key in X-Compliance-API-Key, and bad pings are 422 naming each field")
    func access() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: .apiKey(server.tenant.complianceKey), body: .json(Self.ping)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.apiKey), body: .json(Self.ping)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"campaign_type": "cooking", "state": "NV", "zip_code": 89101, "tmax_ms": 5000}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let errors = try #require(try response.object()["errors"] as? [[String: Any]])
                #expect(Set(errors.compactMap { $0["field"] as? String }) == ["campaign_type", "zip_code", "source", "tmax_ms"])
            }
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json("{")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("a ping is another tenant's 404; its outcomes show before and after the journal writes them; after 60 s it reads as expired from the store")
    func lifecycle() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            _ = try await create("/api/v1/buyers", body: Self.buyer("Acme", price: 100), key: server.tenant.apiKey, client: client)
            let pingID = try await client.execute(
                uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(Self.ping)
            ) { try #require(try $0.object()["ping_id"] as? String) }
            try await client.execute(uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: .complianceKey(server.otherTenant.complianceKey)) { response in
                #expect(response.status == .notFound)
            }
            // Live, the book has its bids and the journal its outcomes; once written, the store has them.
            func outcomes() async throws -> [String] {
                try await client.execute(uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: .complianceKey(server.tenant.complianceKey)) { response in
                    let body = try response.object()
                    #expect(body["status"] as? String == "live")
                    return (body["outcomes"] as? [[String: Any]] ?? []).compactMap { $0["result"] as? String }
                }
            }
            #expect(try await outcomes() == ["bid"])
            try await server.dependencies.pings.flushJournal()
            #expect(try await outcomes() == ["bid"])
            server.clock.advance(byMilliseconds: 60_000)
            #expect(await server.dependencies.pingBook.sweep(nowMilliseconds: server.clock.nowMilliseconds()) == 1)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: .complianceKey(server.tenant.complianceKey)) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["status"] as? String == "expired")
                #expect((body["bids"] as? [Any])?.count == 1)
            }
        }
    }

    @Test("after a restart, unexpired pings are back in the ping book; expired ones are not")
    func restart() async throws {
        let server = try await TestServer.make()
        let buyer = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Acme", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 100), tenantID: server.tenant.tenant.id
        )
        let request = PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s")
        let old = try await server.dependencies.auctioneer.ping(request, tenantID: server.tenant.tenant.id)
        server.clock.advance(byMilliseconds: 30_000)
        let young = try await server.dependencies.auctioneer.ping(request, tenantID: server.tenant.tenant.id)
        #expect(try await server.dependencies.pings.flushJournal() == 2)
        await server.dependencies.shutdown()

        server.clock.advance(byMilliseconds: 40_000)  // the old ping has expired, the young one has 20 s left
        let restarted = try await AppDependencies.open(server.configuration, clock: server.clock)
        let live = await restarted.pingBook.ping(id: young.id, tenantID: server.tenant.tenant.id, nowMilliseconds: server.clock.nowMilliseconds())
        #expect(live?.bids.map(\.buyerID) == [buyer.id])
        #expect(await restarted.pingBook.ping(id: old.id, tenantID: server.tenant.tenant.id, nowMilliseconds: server.clock.nowMilliseconds()) == nil)
        #expect(await restarted.pingBook.liveCount() == 1)
        await restarted.shutdown()
        await server.close()
    }

    @Test("past the live-ping bound a ping answers 503 with Retry-After")
    func bounded() async throws {
        let server = try await TestServer.make().reopened { $0.maxLivePingsPerTenant = 1 }
        try await server.test { client in
            var statuses: [HTTPResponse.Status] = []
            // One live ping per shard and tenant; 17 pings over 16 shards must overflow one.
            for _ in 0..<17 {
                try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(Self.ping)) { response in
                    statuses.append(response.status)
                    if response.status == .serviceUnavailable {
                        #expect(response.headers[.retryAfter] == "60")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
            }
            #expect(statuses.contains(.serviceUnavailable))
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .serviceUnavailable })
        }
    }

    @Test("floor prices: listed for every campaign type; set by admin keys only")
    func floors() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/pingpost/floors/solar", method: .put, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"floor_price_cents": 5}"#)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/pingpost/floors/cooking", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(#"{"floor_price_cents": -5}"#)) { response in
                #expect(response.status == .unprocessableContent)
                let errors = try #require(try response.object()["errors"] as? [[String: Any]])
                #expect(Set(errors.compactMap { $0["field"] as? String }) == ["campaign_type", "floor_price_cents"])
            }
            try await client.execute(uri: "/api/v1/pingpost/floors/solar", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(#"{"floor_price_cents": 1500}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/pingpost/floors", method: .get, headers: .apiKey(server.otherTenant.apiKey)) { response in
                let items = try #require(try response.object()["items"] as? [[String: Any]])
                #expect(items.first { $0["campaign_type"] as? String == "solar" }?["floor_price_cents"] as? Int == 0)
            }
            try await client.execute(uri: "/api/v1/pingpost/floors", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let items = try #require(try response.object()["items"] as? [[String: Any]])
                #expect(items.count == CampaignType.allCases.count)
                #expect(items.first { $0["campaign_type"] as? String == "solar" }?["floor_price_cents"] as? Int == 1500)
            }
        }
    }
}
