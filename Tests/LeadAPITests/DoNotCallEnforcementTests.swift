import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing

/// `require_dnc_clear` on buyers and campaigns: posts and inbound leads are looked up on the
/// do-not-call lists, the look-up is recorded on the lead, and a listed lead never sells to a
/// buyer (or through a campaign) that requires clean ones.
@Suite("Do-not-call enforcement: require_dnc_clear on posts and inbound routing")
struct DoNotCallEnforcementTests {
    static let listedPhone = "+17025550142"
    static let cleanPhone = "+17025550199"

    static func lead(phone: String) -> String {
        #"{"first_name": "Jane", "last_name": "Doe", "phone": "\#(phone)", "email": "jane@example.com", "state": "NV", "zip_code": "89101"}"#
    }

    static func ping(_ server: TestServer, _ client: some TestClientProtocol) async throws -> String {
        try await client.execute(
            uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(PingAPITests.ping)
        ) { try #require(try $0.object()["ping_id"] as? String) }
    }

    /// Posts and returns the answer with its status under "status".
    static func post(
        ping: String, buyer: String, phone: String, server: TestServer, client: some TestClientProtocol, key: String? = nil
    ) async throws -> [String: Any] {
        let body = PostAPITests.post(ping: ping, buyer: buyer, lead: Self.lead(phone: phone))
        return try await client.execute(
            uri: "/api/v1/pingpost/post", method: .post, headers: .complianceKey(key ?? server.tenant.complianceKey), body: .json(body)
        ) { response in
            var object = try response.object()
            object["status"] = Int(response.status.code)
            return object
        }
    }

    static func listInternally(_ phone: String, server: TestServer, client: some TestClientProtocol) async throws {
        _ = try await ComplianceAPITests.call(
            .post, "/api/v1/compliance/dnc/internal", body: #"{"phone": "\#(phone)"}"#, server: server, client: client, expect: .created
        )
    }

    /// A buyer requiring clean leads at 500 and one that does not at 400, with `listedPhone` on the
    /// internal list.
    static func strictAndPlainBuyers(_ server: TestServer, _ client: some TestClientProtocol) async throws -> (strict: String, plain: String) {
        let key = server.tenant.apiKey
        let strict = try await create(
            "/api/v1/buyers", body: PingAPITests.buyer("Strict", price: 500, extra: #", "require_dnc_clear": true"#), key: key, client: client
        )
        let plain = try await create("/api/v1/buyers", body: PingAPITests.buyer("Plain", price: 400), key: key, client: client)
        try await Self.listInternally(Self.listedPhone, server: server, client: client)
        return (strict, plain)
    }

    static func event(_ type: String, of lead: [String: Any]) -> [String: Any]? {
        (lead["events"] as? [[String: Any]])?.first { $0["type"] as? String == type }?["detail"] as? [String: Any]
    }

    @Test("buyers and campaigns carry require_dnc_clear: false by default, settable on create and update, a non-boolean is a 422")
    func setting() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let plain = try await create("/api/v1/buyers", body: PingAPITests.buyer("Plain", price: 100), key: key, client: client)
            let strict = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Strict", price: 100, extra: #", "require_dnc_clear": true"#), key: key, client: client
            )
            #expect(try await LeadAPITests.get("/api/v1/buyers/\(plain)", server: server, client: client)["require_dnc_clear"] as? Bool == false)
            #expect(try await LeadAPITests.get("/api/v1/buyers/\(strict)", server: server, client: client)["require_dnc_clear"] as? Bool == true)
            let patched = try await LeadAPITests.call(
                .patch, "/api/v1/buyers/\(plain)", body: #"{"require_dnc_clear": true}"#, key: key, client: client, expect: .ok
            )
            #expect(patched["require_dnc_clear"] as? Bool == true)
            let refused = try await LeadAPITests.call(
                .patch, "/api/v1/buyers/\(plain)", body: #"{"require_dnc_clear": "yes"}"#, key: key, client: client, expect: .unprocessableContent
            )
            #expect((refused["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["require_dnc_clear"])
            #expect(try await LeadAPITests.get("/api/v1/buyers/\(plain)", server: server, client: client)["require_dnc_clear"] as? Bool == true)

            let campaign = try await create(
                "/api/v1/campaigns",
                body: #"{"name": "NV PI", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 100000, "buyer_id": "\#(plain)", "require_dnc_clear": true}"#,
                key: key, client: client
            )
            #expect(try await LeadAPITests.get("/api/v1/campaigns/\(campaign)", server: server, client: client)["require_dnc_clear"] as? Bool == true)
            let cleared = try await LeadAPITests.call(
                .patch, "/api/v1/campaigns/\(campaign)", body: #"{"require_dnc_clear": false}"#, key: key, client: client, expect: .ok
            )
            #expect(cleared["require_dnc_clear"] as? Bool == false)
            _ = try await LeadAPITests.call(
                .post, "/api/v1/campaigns", body: #"{"name": "X", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 1, "require_dnc_clear": 1}"#,
                key: key, client: client, expect: .unprocessableContent
            )
        }
    }

    @Test("a post of a listed lead to a buyer requiring clean leads is a 409 dnc_listed that keeps nothing; another bidder buys it")
    func postToStrictBuyer() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (strict, plain) = try await Self.strictAndPlainBuyers(server, client)

            // A ping is anonymous: the strict buyer still bids.
            let listedPing = try await Self.ping(server, client)
            let refused = try await Self.post(ping: listedPing, buyer: strict, phone: Self.listedPhone, server: server, client: client)
            #expect(refused["status"] as? Int == 409)
            #expect(refused["code"] as? String == "dnc_listed")
            #expect(refused["lists"] as? [String] == ["internal_dnc"])
            #expect(try await LeadAPITests.get("/api/v1/leads", server: server, client: client)["total"] as? Int == 0, "nothing is kept")

            // The claim was released: the other bidder buys the same ping, and the look-up is on the lead.
            let sold = try await Self.post(ping: listedPing, buyer: plain, phone: Self.listedPhone, server: server, client: client)
            #expect(sold["status"] as? Int == 200, "\(sold)")
            let leadID = try #require(sold["lead_id"] as? String)
            let lead = try await LeadAPITests.get("/api/v1/leads/\(leadID)", server: server, client: client)
            #expect(LeadAPITests.eventTypes(lead) == ["received", "consent_certified", "dnc_checked", "scored", "sold"])
            let check = try #require(Self.event("dnc_checked", of: lead))
            #expect(check["on_dnc"] as? Bool == true)
            #expect(check["internal_dnc"] as? Bool == true)
            #expect(check["federal_dnc"] as? Bool == false)
            #expect(check["lists_not_loaded"] as? [String] == ["federal"], "Nevada keeps no list of its own")

            // A clean lead sells to the strict buyer, and says it was clean.
            let cleanPing = try await Self.ping(server, client)
            let clean = try await Self.post(ping: cleanPing, buyer: strict, phone: Self.cleanPhone, server: server, client: client)
            #expect(clean["status"] as? Int == 200, "\(clean)")
            let cleanLead = try await LeadAPITests.get("/api/v1/leads/\(try #require(clean["lead_id"] as? String))", server: server, client: client)
            #expect(Self.event("dnc_checked", of: cleanLead)?["on_dnc"] as? Bool == false)

            // Another account's internal list is its own: the number is clean there.
            let otherStrict = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Other strict", price: 500, extra: #", "require_dnc_clear": true"#),
                key: server.otherTenant.apiKey, client: client
            )
            let otherPing = try await client.execute(
                uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.otherTenant.complianceKey), body: .json(PingAPITests.ping)
            ) { try #require(try $0.object()["ping_id"] as? String) }
            let otherSale = try await Self.post(
                ping: otherPing, buyer: otherStrict, phone: Self.listedPhone, server: server, client: client, key: server.otherTenant.complianceKey
            )
            #expect(otherSale["status"] as? Int == 200, "\(otherSale)")
        }
    }

    @Test("a campaign requiring clean leads does not fund a listed one; the buyer's other campaign does, or the post is a 409")
    func campaignRequirement() async throws {
        let server = try await TestServer.make()
        let tenantID = server.tenant.tenant.id
        let buyer = try await server.dependencies.buyers.create(
            BuyerDraft(name: "Funded", campaignTypes: ["legal_pi"], states: ["NV"], maxPriceCents: 10_000), tenantID: tenantID
        )
        let strictCampaign = try await server.dependencies.campaigns.create(
            CampaignDraft(name: "Strict", campaignType: "legal_pi", states: ["NV"], budgetCents: 900_000, buyerID: buyer.id, requireDNCClear: true),
            tenantID: tenantID
        )
        // A federal listing, as an import leaves it.
        server.dependencies.doNotCall.setFederal(DoNotCallList.build([try #require(DoNotCallList.number(fromE164: Self.listedPhone))]))
        try await server.test { client in
            let refused = try await Self.post(ping: try await Self.ping(server, client), buyer: buyer.id, phone: Self.listedPhone, server: server, client: client)
            #expect(refused["status"] as? Int == 409)
            #expect(refused["code"] as? String == "dnc_listed")
            #expect(refused["lists"] as? [String] == ["federal_dnc"])
            // The refused post reserved nothing: the strict campaign's budget is whole.
            let strict = try await LeadAPITests.get("/api/v1/campaigns/\(strictCampaign.id)", server: server, client: client)
            #expect(strict["budget_remaining_cents"] as? Int == 900_000)

            let clean = try await Self.post(ping: try await Self.ping(server, client), buyer: buyer.id, phone: Self.cleanPhone, server: server, client: client)
            #expect(clean["status"] as? Int == 200, "the strict campaign funds a clean lead: \(clean)")

            let lenient = try await server.dependencies.campaigns.create(
                CampaignDraft(name: "Lenient", campaignType: "legal_pi", states: ["NV"], budgetCents: 50_000, buyerID: buyer.id), tenantID: tenantID
            )
            let sold = try await Self.post(ping: try await Self.ping(server, client), buyer: buyer.id, phone: Self.listedPhone, server: server, client: client)
            #expect(sold["status"] as? Int == 200, "\(sold)")
            let lead = try await LeadAPITests.get("/api/v1/leads/\(try #require(sold["lead_id"] as? String))", server: server, client: client)
            #expect(Self.event("sold", of: lead)?["campaign_id"] as? String == lenient.id, "the listed lead is paid by the campaign that takes it")
            #expect(Self.event("dnc_checked", of: lead)?["federal_dnc"] as? Bool == true)
        }
    }

    @Test("an inbound listed lead records its look-up and routes past buyers requiring clean leads, which show no-bid reason dnc")
    func inboundRouting() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let (strict, plain) = try await Self.strictAndPlainBuyers(server, client)

            let listed = try await LeadAPITests.send(LeadAPITests.inbound(phone: Self.listedPhone), server: server, client: client)
            #expect(listed["buyer_id"] as? String == plain)
            let lead = try await LeadAPITests.get("/api/v1/leads/\(try #require(listed["id"] as? String))", server: server, client: client)
            #expect(LeadAPITests.eventTypes(lead) == ["received", "qualified", "dnc_checked", "scored", "consent_certified", "sold"])
            #expect(Self.event("dnc_checked", of: lead)?["internal_dnc"] as? Bool == true)
            let pingID = try #require(listed["ping_id"] as? String)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(pingID)", method: .get, headers: .complianceKey(server.tenant.complianceKey)) { response in
                let outcomes = try #require(try response.object()["outcomes"] as? [[String: Any]])
                let reasons = Dictionary(uniqueKeysWithValues: outcomes.map { ($0["buyer_id"] as? String ?? "", $0["no_bid_reason"] as? String ?? "bid") })
                #expect(reasons == [strict: "dnc", plain: "bid"])
            }

            // A clean lead goes to the best bid, the strict buyer.
            let clean = try await LeadAPITests.send(
                LeadAPITests.inbound(phone: Self.cleanPhone, email: "clean@example.com"), server: server, client: client
            )
            #expect(clean["buyer_id"] as? String == strict)

            // With only strict buyers a listed lead stays qualified, and says why.
            _ = try await LeadAPITests.call(.patch, "/api/v1/buyers/\(plain)", body: #"{"status": "paused"}"#, key: key, client: client, expect: .ok)
            try await Self.listInternally("+17025550143", server: server, client: client)
            let unsold = try await LeadAPITests.send(
                LeadAPITests.inbound(phone: "+17025550143", email: "listed2@example.com"), server: server, client: client
            )
            #expect(unsold["status"] as? String == "qualified")
            let unsoldLead = try await LeadAPITests.get("/api/v1/leads/\(try #require(unsold["id"] as? String))", server: server, client: client)
            #expect(Self.event("unsold", of: unsoldLead)?["reason"] as? String == "no buyer bid on the lead")
        }
    }
}

@Suite("Email answers to email opt-outs, not to telephone do-not-call lists")
struct EmailDoNotCallTests {
    @Test("check-outreach: a number on the internal list fails sms but passes email, with a warning")
    func emailIgnoresTelephoneLists() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await DoNotCallEnforcementTests.listInternally("+17025551234", server: server, client: client)
            func check(_ channel: String) async throws -> [String: Any] {
                try await ComplianceAPITests.call(
                    .post, "/api/v1/compliance/check-outreach",
                    body: #"{"phone": "+17025551234", "state": "NV", "channel": "\#(channel)", "has_consent": true, "at": "2026-04-20T19:00:00Z"}"#,
                    server: server, client: client
                )
            }
            let sms = try await check("sms")
            #expect((sms["checks"] as? [String: Any])?["dnc_clear"] as? String == "fail")
            let email = try await check("email")
            #expect(email["allowed"] as? Bool == true, "\(email)")
            #expect((email["checks"] as? [String: Any])?["dnc_clear"] as? String == "pass")
            #expect((email["warnings"] as? [String])?.contains { $0.contains("does not apply to email") } == true)
        }
    }
}
