import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Synchronization
import Testing

@Suite("Ping-post: post")
struct PostAPITests {
    static func lead(state: String = "NV", zip: String = "89101") -> String {
        #"{"first_name": "Jane", "last_name": "Doe", "phone": "+17025551234", "email": "jane@example.com", "state": "\#(state)", "zip_code": "\#(zip)"}"#
    }

    static let consent = #"{"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42", "page_url": "https://example.com/intake"}"#

    static func post(ping: String, buyer: String, lead: String = PostAPITests.lead(), consent: String? = PostAPITests.consent) -> String {
        #"{"ping_id": "\#(ping)", "buyer_id": "\#(buyer)", "lead": \#(lead)"# + (consent.map { #", "consent": \#($0)}"# } ?? "}")
    }

    /// Buyers with the given exclusivity, one ping on them; returns the ping id and buyer ids, highest bid first.
    static func pingWithBuyers(
        _ server: TestServer, _ client: some TestClientProtocol, exclusivity: [String], webhook: String? = nil
    ) async throws -> (ping: String, buyers: [String]) {
        var buyers: [String] = []
        for (index, kind) in exclusivity.enumerated() {
            let hook = webhook.map { #", "webhook_url": "\#($0)", "webhook_secret": "\#(WebhookReceiver.secret)""# } ?? ""
            buyers.append(
                try await create(
                    "/api/v1/buyers",
                    body: #"{"name": "B\#(index)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": \#(50000 - index * 1000), "exclusivity": "\#(kind)"\#(hook)}"#,
                    key: server.tenant.apiKey, client: client
                )
            )
        }
        let ping = try await client.execute(
            uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(PingAPITests.ping)
        ) { try #require(try $0.object()["ping_id"] as? String) }
        return (ping, buyers)
    }

    @Test("a post sells the lead at the bid price, delivers it signed, and answers in the spec's shape")
    func sellAndDeliver() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            let server = try await TestServer.make()
            try await server.test { client in
                let (ping, buyers) = try await Self.pingWithBuyers(server, client, exclusivity: ["shared"], webhook: hook)
                try await client.execute(
                    uri: "/api/v1/pingpost/post", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                    body: .json(Self.post(ping: ping, buyer: buyers[0]))
                ) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    let body = try response.object()
                    #expect(Set(body.keys) == ["accepted", "lead_id", "buyer_id", "price_cents", "consent_certificate_id", "delivery_status"])
                    #expect(body["accepted"] as? Bool == true)
                    #expect(body["buyer_id"] as? String == buyers[0])
                    #expect(body["price_cents"] as? Int == 50000)
                    #expect((body["consent_certificate_id"] as? String)?.hasPrefix("cert_") == true)
                    #expect(body["delivery_status"] as? String == "delivered")
                    let leadID = try #require(body["lead_id"] as? String)
                    #expect(UUID(uuidString: leadID) != nil)
                    let payload = try #require(receiver.state.payloads.withLock { $0.first })
                    #expect(payload["event"] == "lead.delivered")
                    guard case .object(let data)? = payload["data"] else {
                        Issue.record("no data in \(payload)")
                        return
                    }
                    #expect(data["lead_id"] == .string(leadID))
                    #expect(data["phone"] == "+17025551234")
                    #expect(data["sold_price_cents"] == .integer(50000))
                    #expect(data["consent_certificate_id"] == body["consent_certificate_id"].flatMap { ($0 as? String).map(JSONValue.string) })
                    #expect(Set(data.keys) == [
                        "lead_id", "first_name", "last_name", "email", "phone", "state", "zip_code", "campaign_type", "score",
                        "consent_certificate_id", "sold_price_cents",
                    ])
                }
                #expect(receiver.state.badSignatures.withLock { $0 } == 0)
                try await client.execute(uri: "/api/v1/pingpost/pings/\(ping)", method: .get, headers: .complianceKey(server.tenant.complianceKey)) { response in
                    let body = try response.object()
                    #expect(body["sold_to"] as? [String] == [buyers[0]])
                }
                try await client.execute(uri: "/api/v1/buyers/\(buyers[0])", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    let body = try response.object()
                    #expect(body["leads_purchased"] as? Int == 1)
                    #expect(body["total_spent_cents"] as? Int == 50000)
                }
            }
        }
    }

    @Test("posts that cannot sell: unknown, another tenant's, expired, wrong buyer, contradicting lead, bad lead, no consent")
    func rejections() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (ping, buyers) = try await Self.pingWithBuyers(server, client, exclusivity: ["shared"])
            let stranger = try await create("/api/v1/buyers", body: PingAPITests.buyer("Stranger", price: 1, extra: #", "states": ["TX"]"#), key: server.tenant.apiKey, client: client)
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            func expect(_ body: String, _ status: HTTPResponse.Status, _ code: String, headers: HTTPFields = key, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: headers, body: .json(body)) { response in
                    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
                    let body = try response.object()
                    #expect(body["code"] as? String == code, sourceLocation: sourceLocation)
                }
            }
            try await expect(Self.post(ping: "ping_00ffffffffffffffffffffffff", buyer: buyers[0]), .notFound, "not_found")
            try await expect(Self.post(ping: ping, buyer: buyers[0]), .notFound, "not_found", headers: .complianceKey(server.otherTenant.complianceKey))
            try await expect(Self.post(ping: ping, buyer: stranger), .conflict, "buyer_not_bidding")
            try await expect(Self.post(ping: ping, buyer: buyers[0], lead: Self.lead(state: "CA")), .conflict, "ping_mismatch")
            try await expect(Self.post(ping: ping, buyer: buyers[0], lead: Self.lead(zip: "89109")), .conflict, "ping_mismatch")
            try await expect(
                Self.post(ping: ping, buyer: buyers[0], lead: #"{"first_name": "J4ne", "last_name": "", "phone": "+1555", "email": "nope", "state": "NV", "zip_code": "89101"}"#),
                .unprocessableContent, "invalid_fields"
            )
            try await expect(Self.post(ping: ping, buyer: buyers[0], consent: nil), .unprocessableContent, "invalid_fields")
            try await expect(Self.post(ping: ping, buyer: buyers[0], consent: #"{"consent_type": "maybe", "consent_text": "x", "ip_address": "300.1.1.1"}"#), .unprocessableContent, "invalid_fields")
            // The ping has not sold through all that.
            try await client.execute(uri: "/api/v1/pingpost/pings/\(ping)", method: .get, headers: key) { response in
                let body = try response.object()
                #expect(body["sold_to"] as? [String] == [])
            }
            // After 60 s: 409 with the time it expired, whether or not the book still holds it.
            server.clock.advance(byMilliseconds: 60_000)
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: ping, buyer: buyers[0]))) { response in
                #expect(response.status == .conflict)
                let body = try response.object()
                #expect(body["code"] as? String == "ping_expired")
                #expect(body["expired_at"] is String)
            }
            try await server.dependencies.pings.flushJournal()
            await server.dependencies.pingBook.sweep(nowMilliseconds: server.clock.nowMilliseconds())
            try await expect(Self.post(ping: ping, buyer: buyers[0]), .conflict, "ping_expired")
        }
    }

    @Test("the invalid lead's 422 names each field")
    func invalidLeadFields() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (ping, buyers) = try await Self.pingWithBuyers(server, client, exclusivity: ["shared"])
            try await client.execute(
                uri: "/api/v1/pingpost/post", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(Self.post(ping: ping, buyer: buyers[0], lead: #"{"first_name": "J4ne", "last_name": "", "phone": "+1555", "email": "nope", "state": 7, "zip_code": "89101"}"#, consent: #"{"consent_type": "maybe", "ip_address": "300.1.1.1"}"#))
            ) { response in
                let errors = try #require(try response.object()["errors"] as? [[String: Any]])
                #expect(Set(errors.compactMap { $0["field"] as? String }) == [
                    "lead.first_name", "lead.last_name", "lead.phone", "lead.email", "lead.state", "consent.consent_type", "consent.consent_text",
                    "consent.ip_address",
                ])
            }
        }
    }

    @Test("racing posts: an exclusive ping sells exactly once; a shared one to at most three buyers, each once")
    func races() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            @Sendable func race(_ ping: String, _ buyers: [String], posts: Int) async throws -> [(buyer: String, status: HTTPResponse.Status)] {
                try await withThrowingTaskGroup(of: (String, HTTPResponse.Status).self) { group in
                    for index in 0..<posts {
                        let buyer = buyers[index % buyers.count]
                        group.addTask {
                            try await client.execute(
                                uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: ping, buyer: buyer))
                            ) { (buyer, $0.status) }
                        }
                    }
                    return try await group.reduce(into: [(String, HTTPResponse.Status)]()) { $0.append($1) }
                }
            }
            let exclusive = try await Self.pingWithBuyers(server, client, exclusivity: ["exclusive", "exclusive", "exclusive"])
            let exclusiveResults = try await race(exclusive.ping, exclusive.buyers, posts: 8)
            #expect(exclusiveResults.filter { $0.status == .ok }.count == 1)
            #expect(exclusiveResults.allSatisfy { $0.status == .ok || $0.status == .conflict })

            // Mixed bids: the seller's choice decides. An exclusive sale is the only sale; shared ones may be several.
            let mixed = try await Self.pingWithBuyers(server, client, exclusivity: ["exclusive", "shared", "shared"])
            let mixedWinners = try await race(mixed.ping, mixed.buyers, posts: 9).filter { $0.status == .ok }.map(\.buyer)
            #expect(mixedWinners == [mixed.buyers[0]] || (!mixedWinners.isEmpty && !mixedWinners.contains(mixed.buyers[0])), "\(mixedWinners)")

            let shared = try await Self.pingWithBuyers(server, client, exclusivity: ["shared", "shared", "shared", "shared", "shared"])
            let winners = try await race(shared.ping, shared.buyers, posts: 15).filter { $0.status == .ok }.map(\.buyer)
            #expect(winners.count == SharedSaleLimits.defaultMaxSharedBuyers)
            #expect(Set(winners).count == winners.count, "a buyer buys a lead once")
        }
    }

    @Test("max_shared_buyers is an account setting: admin-only, validated, applied to the next post")
    func sharingSetting() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/pingpost/settings", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["max_shared_buyers"] as? Int == 3)
            }
            try await client.execute(uri: "/api/v1/pingpost/settings", method: .put, headers: .apiKey(server.tenant.apiKey), body: .json(#"{"max_shared_buyers": 1}"#)) { response in
                #expect(response.status == .forbidden)
            }
            for bad in [#"{"max_shared_buyers": 11}"#, #"{"max_shared_buyers": 0}"#, #"{"max_shared_buyers": "2"}"#, "{}"] {
                try await client.execute(uri: "/api/v1/pingpost/settings", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(bad)) { response in
                    #expect(response.status == .unprocessableContent, "\(bad)")
                }
            }
            try await client.execute(uri: "/api/v1/pingpost/settings", method: .put, headers: .apiKey(server.tenant.adminKey), body: .json(#"{"max_shared_buyers": 1}"#)) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["max_shared_buyers"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/pingpost/settings", method: .get, headers: .apiKey(server.otherTenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["max_shared_buyers"] as? Int == 3)
            }
            let (ping, buyers) = try await Self.pingWithBuyers(server, client, exclusivity: ["shared", "shared"])
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: ping, buyer: buyers[0]))) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: ping, buyer: buyers[1]))) { response in
                #expect(response.status == .conflict)
                let body = try response.object()
                #expect(body["code"] as? String == "already_sold")
            }
            // The setting survives a restart.
            let restarted = try await AppDependencies.open(server.configuration, clock: server.clock)
            #expect(restarted.settings.maxSharedBuyers(tenantID: server.tenant.tenant.id) == 1)
            await restarted.shutdown()
        }
    }

    @Test("daily_cap: a capped buyer stops bidding once it bought its leads today, and a post past the cap is refused")
    func dailyCap() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let buyer = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Capped", price: 100, extra: #", "daily_cap": 1"#), key: server.tenant.apiKey, client: client
            )
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            func ping() async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: key, body: .json(PingAPITests.ping)) { try $0.object() }
            }
            let first = try #require(try await ping()["ping_id"] as? String)
            let second = try #require(try await ping()["ping_id"] as? String)
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: first, buyer: buyer))) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: second, buyer: buyer))) { response in
                #expect(response.status == .conflict)
                let body = try response.object()
                #expect(body["code"] as? String == "daily_cap_reached")
            }
            let third = try await ping()
            #expect((third["bids"] as? [Any])?.isEmpty == true)
            let thirdID = try #require(third["ping_id"] as? String)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(thirdID)", method: .get, headers: key) { response in
                let outcomes = try #require(try response.object()["outcomes"] as? [[String: Any]])
                #expect(outcomes.first?["no_bid_reason"] as? String == "daily_cap")
            }
            // The next UTC day the cap starts over.
            server.clock.advance(byMilliseconds: 86_400_000)
            #expect((try await ping()["bids"] as? [Any])?.count == 1)
        }
    }

    @Test("daily_cap counts the buyer's calendar day in its time_zone, and today's sales are restored after a restart")
    func dailyCapInTheBuyersTimeZone() async throws {
        // The test clock starts at 2026-04-12T13:20Z: 06:20 in Los Angeles (PDT, UTC−7).
        let server = try await TestServer.make()
        let tenantID = server.tenant.tenant.id
        try await server.test { client in
            let extra = #", "daily_cap": 1, "time_zone": "America/Los_Angeles""#
            let buyer = try await create("/api/v1/buyers", body: PingAPITests.buyer("West", price: 100, extra: extra), key: server.tenant.apiKey, client: client)
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            let pingID = try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: key, body: .json(PingAPITests.ping)) {
                try #require(try $0.object()["ping_id"] as? String)
            }
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: pingID, buyer: buyer))) { response in
                #expect(response.status == .ok)
            }
            // 00:05Z on the 13th: a new UTC day, still the 12th in Los Angeles.
            server.clock.advance(byMilliseconds: (10 * 60 + 45) * 60_000)
            let request = PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s")
            let capped = try await server.dependencies.auctioneer.ping(request, tenantID: tenantID)
            #expect(capped.bids.isEmpty)
            #expect(capped.outcomes.map(\.result) == [.noBid(.dailyCap, detail: nil)])

            // A restart counts the sale made earlier in the buyer's day.
            await server.dependencies.shutdown()
            let restarted = try await AppDependencies.open(server.configuration, clock: server.clock)
            #expect(try await restarted.auctioneer.ping(request, tenantID: tenantID).bids.isEmpty)
            // 07:00Z on the 13th is midnight in Los Angeles: the cap starts over.
            server.clock.set(milliseconds: 1_776_063_600_000)
            #expect(try await restarted.auctioneer.ping(request, tenantID: tenantID).bids.count == 1)
            await restarted.shutdown()
        }
    }

    @Test("campaign budgets: a buyer buys only what its campaigns can pay, across restarts")
    func budgets() async throws {
        let server = try await TestServer.make()
        let buyer = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Funded", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 10_000), tenantID: server.tenant.tenant.id
        )
        let campaign = try await server.dependencies.campaigns.create(
            CampaignDraft(name: "NV PI", campaignType: "legal_pi", states: ["NV"], budgetCents: 25_000, maxLeadsPerDay: 5, buyerID: buyer.id),
            tenantID: server.tenant.tenant.id
        )
        try await server.test { client in
            let key = HTTPFields.complianceKey(server.tenant.complianceKey)
            func ping() async throws -> (id: String, bids: Int) {
                try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: key, body: .json(PingAPITests.ping)) { response in
                    let body = try response.object()
                    return (try #require(body["ping_id"] as? String), (body["bids"] as? [Any])?.count ?? -1)
                }
            }
            func post(_ ping: String) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: key, body: .json(Self.post(ping: ping, buyer: buyer.id))) {
                    var body = try $0.object()
                    body["status"] = Int($0.status.code)
                    return body
                }
            }
            let first = try await ping()
            let second = try await ping()
            let third = try await ping()
            let bidCounts = [first.bids, second.bids, third.bids]
            #expect(bidCounts == [1, 1, 1])
            let posted = [try await post(first.id), try await post(second.id)]
            #expect(posted.map { $0["status"] as? Int } == [200, 200])
            // 5,000 left: the third bid, given before, cannot be paid any more.
            let refused = try await post(third.id)
            #expect(refused["status"] as? Int == 409)
            #expect(refused["code"] as? String == "budget_exhausted")
            let fourth = try await ping()
            #expect(fourth.bids == 0)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(fourth.id)", method: .get, headers: key) { response in
                let body = try response.object()
                let outcomes = try #require(body["outcomes"] as? [[String: Any]])
                #expect(outcomes.first?["no_bid_reason"] as? String == "budget")
            }
            try await client.execute(uri: "/api/v1/campaigns/\(campaign.id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["leads_delivered"] as? Int == 2)
                #expect(body["budget_remaining_cents"] as? Int == 5_000)
                #expect(body["avg_cost_cents"] as? Int == 10_000)
            }
            // After a restart the spend is read back from the store.
            let restarted = try await AppDependencies.open(server.configuration, clock: server.clock)
            let now = server.clock.nowMilliseconds()
            let budgets = restarted.campaigns.budgets
            #expect(budgets.verdict(buyerID: buyer.id, campaignType: .legalPI, state: "NV", priceCents: 10_000, nowMilliseconds: now) == .exhausted)
            #expect(
                budgets.verdict(buyerID: buyer.id, campaignType: .legalPI, state: "NV", priceCents: 5_000, nowMilliseconds: now)
                    == .funded(campaignID: campaign.id)
            )
            await restarted.shutdown()
        }
    }

    @Test("a buyer outage: deliveries wait, the buyer comes back, every lead arrives once per webhook id")
    func outage() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            let server = try await TestServer.make()
            try await server.test { client in
                receiver.state.up.withLock { $0 = false }
                var leads: [String] = []
                for _ in 0..<3 {
                    let (ping, buyers) = try await Self.pingWithBuyers(server, client, exclusivity: ["shared"], webhook: hook)
                    try await client.execute(
                        uri: "/api/v1/pingpost/post", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                        body: .json(Self.post(ping: ping, buyer: buyers[0]))
                    ) { response in
                        #expect(response.status == .ok)
                        let body = try response.object()
                        #expect(body["delivery_status"] as? String == "pending")
                        leads.append(try #require(body["lead_id"] as? String))
                    }
                }
                #expect(receiver.state.refused.withLock { $0 } == 3)
                // Nothing is due before the first retry step.
                #expect(try await server.dependencies.courier.deliverDue() == 0)
                receiver.state.up.withLock { $0 = true }
                server.clock.advance(byMilliseconds: 13_000)  // 10 s + 20 % jitter at most
                // The server's own delivery service runs beside this test (every second), so the
                // pass below may share the work with it; together they deliver each lead once.
                try await server.dependencies.courier.deliverDue()
                for _ in 0..<100 where receiver.state.deliveriesByID.withLock({ $0.count }) < 3 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(try await server.dependencies.courier.deliverDue() == 0)
                server.clock.advance(byMilliseconds: 3_600_000)
                #expect(try await server.dependencies.courier.deliverDue() == 0, "delivered leads are not sent again")
                let counts = receiver.state.deliveriesByID.withLock { $0 }
                #expect(counts.count == 3)
                #expect(counts.values.allSatisfy { $0 == 1 })
                let delivered = receiver.state.payloads.withLock { $0 }.compactMap { payload -> String? in
                    if case .object(let data)? = payload["data"], case .string(let id)? = data["lead_id"] { return id }
                    return nil
                }
                #expect(Set(delivered) == Set(leads))
            }
        }
    }
}
