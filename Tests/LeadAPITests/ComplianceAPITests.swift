import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing

@Suite("Compliance API: state rules, outreach pre-flight, do-not-call look-ups")
struct ComplianceAPITests {
    static func call(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, server: TestServer, client: some TestClientProtocol,
        key: String? = nil, expect status: HTTPResponse.Status = .ok, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        try await client.execute(
            uri: uri, method: method, headers: .complianceKey(key ?? server.tenant.complianceKey), body: body.map(ByteBuffer.json)
        ) { response in
            #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
            return try response.object(sourceLocation: sourceLocation)
        }
    }

    @Test("rules: all 51 jurisdictions with sources, one state in the spec's shape, unknown states 404, the compliance key only")
    func rules() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let all = try await Self.call(.get, "/api/v1/compliance/rules", server: server, client: client)
            #expect(all["total"] as? Int == 51)
            let states = try #require(all["states"] as? [String: [String: Any]])
            #expect(states.count == 51)
            #expect(states["DC"] != nil)
            for (code, rule) in states {
                #expect(((rule["sources"] as? [String]) ?? []).contains { $0.hasPrefix("http") }, "\(code) has no source")
            }
            let california = try await Self.call(.get, "/api/v1/compliance/rules/ca", server: server, client: client)
            for key in ["state", "calling_hours", "two_party_consent", "telemarketing_registration_required", "mini_tcpa", "additional_restrictions"] {
                #expect(california[key] != nil, "missing \(key)")
            }
            #expect(california["state"] as? String == "CA")
            let hours = california["calling_hours"] as? [String: Any]
            #expect(hours?["start"] as? String == "08:00")
            #expect(hours?["timezone"] as? String == "America/Los_Angeles")
            #expect(california["two_party_consent"] as? Bool == true)
            let alabama = try await Self.call(.get, "/api/v1/compliance/rules/AL", server: server, client: client)
            #expect((alabama["calling_hours_by_day"] as? [String: Any])?["sunday"] is NSNull, "Alabama bans Sunday calls")
            let unknown = try await Self.call(.get, "/api/v1/compliance/rules/ZZ", server: server, client: client, expect: .notFound)
            #expect(unknown["code"] as? String == "not_found")
            try await client.execute(uri: "/api/v1/compliance/rules", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .unauthorized, "rules take the compliance key, in its own header")
            }
            // A standard key in the compliance header has the wrong role, on every compliance endpoint.
            for (method, uri, body) in [
                (HTTPRequest.Method.get, "/api/v1/compliance/rules/NV", nil), (.post, "/api/v1/compliance/check-outreach", "{}"),
                (.post, "/api/v1/compliance/dnc-check", "{}"), (.post, "/api/v1/compliance/dnc/internal", "{}"),
                (.delete, "/api/v1/compliance/dnc/internal/7025551234", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                try await client.execute(uri: uri, method: method, headers: .complianceKey(server.tenant.apiKey), body: body.map(ByteBuffer.json)) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }

    @Test("check-outreach: the spec's example, the window in the called party's time, consent by certificate, and bad input")
    func checkOutreach() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let uri = "/api/v1/compliance/check-outreach"
            let spec = try await Self.call(
                .post, uri, body: #"{"phone": "+17025551234", "state": "NV", "channel": "sms", "campaign_type": "legal_pi", "has_consent": true, "at": "2026-04-22T18:00:00Z"}"#,
                server: server, client: client
            )
            #expect(spec["allowed"] as? Bool == true)
            let checks = try #require(spec["checks"] as? [String: String])
            #expect(Set(checks.keys) == ["state_rules", "time_window", "consent_valid", "dnc_clear"])
            #expect(checks["time_window"] == "pass")
            #expect(spec["warnings"] is [String])

            // 19:30 in the Florida panhandle is 20:30 in the rest of Florida: closed for an 850 number.
            let late = try await Self.call(
                .post, uri, body: #"{"phone": "+18505551234", "state": "FL", "channel": "call", "has_consent": true, "calls_last_24h": 0, "at": "2026-04-23T00:30:00Z"}"#,
                server: server, client: client
            )
            #expect(late["allowed"] as? Bool == false)
            #expect((late["checks"] as? [String: String])?["time_window"] == "fail")
            #expect((late["local_times"] as? [Any])?.count == 2)
            // Email has no calling window.
            let email = try await Self.call(
                .post, uri, body: #"{"phone": "+18505551234", "state": "FL", "channel": "email", "has_consent": true, "at": "2026-04-23T00:30:00Z"}"#,
                server: server, client: client
            )
            #expect((email["checks"] as? [String: String])?["time_window"] == "pass")
            // Florida caps calls at 3 in 24 hours.
            let capped = try await Self.call(
                .post, uri, body: #"{"phone": "+13055551234", "state": "FL", "channel": "call", "has_consent": true, "calls_last_24h": 3, "at": "2026-04-22T15:00:00Z"}"#,
                server: server, client: client
            )
            #expect((capped["checks"] as? [String: String])?["state_rules"] == "fail")
            #expect(capped["allowed"] as? Bool == false)

            // Consent evidenced by a certificate: valid, then revoked; another tenant's is unknown.
            let certificate = try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"consent_type": "tcpa_express_written", "consent_text": "I agree", "ip_address": "203.0.113.42"}"#)
            ) { try #require(try $0.object()["certificate_id"] as? String) }
            func consent(_ key: String? = nil) async throws -> String? {
                let answer = try await Self.call(
                    .post, uri, body: #"{"phone": "+17025551234", "state": "NV", "channel": "email", "certificate_id": "\#(certificate)"}"#,
                    server: server, client: client, key: key
                )
                return (answer["checks"] as? [String: String])?["consent_valid"]
            }
            #expect(try await consent() == "pass")
            #expect(try await consent(server.otherTenant.complianceKey) == "fail")
            _ = try await Self.call(.post, "/api/v1/compliance/revoke-consent", body: #"{"certificate_id": "\#(certificate)"}"#, server: server, client: client)
            #expect(try await consent() == "fail")
            let noConsent = try await Self.call(.post, uri, body: #"{"phone": "+17025551234", "state": "NV", "channel": "email"}"#, server: server, client: client)
            #expect((noConsent["checks"] as? [String: String])?["consent_valid"] == "fail")

            let invalid = try await Self.call(
                .post, uri, body: #"{"phone": "555", "state": "ZZ", "channel": "fax", "has_consent": "yes", "calls_last_24h": -1, "at": "noon"}"#,
                server: server, client: client, expect: .unprocessableContent
            )
            let fields = Set((invalid["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["phone", "state", "channel", "has_consent", "calls_last_24h", "at"])
        }
    }

    @Test("dnc-check: the spec's shape; a do_not_call return puts the number on the tenant's internal list only")
    func doNotCall() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let body = #"{"phone": "+17025551100", "state": "NV"}"#
            let clear = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: body, server: server, client: client)
            #expect(clear["on_dnc"] as? Bool == false)
            #expect(clear["checks"] as? [String: Bool] == ["federal_dnc": false, "state_dnc": false, "internal_dnc": false])
            #expect(clear["lists_not_loaded"] as? [String] == ["federal"])

            // Sell a lead with that phone and return it as do_not_call.
            let (_, leads) = try await LeadAPITests.soldLeads(1, server: server, client: client)
            _ = try await LeadAPITests.call(
                .post, "/api/v1/leads/\(leads[0])/return", body: #"{"reason": "do_not_call"}"#, key: server.tenant.apiKey, client: client, expect: .ok
            )
            let listed = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: body, server: server, client: client)
            #expect(listed["on_dnc"] as? Bool == true)
            #expect((listed["checks"] as? [String: Bool])?["internal_dnc"] == true)
            let elsewhere = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: body, server: server, client: client, key: server.otherTenant.complianceKey)
            #expect(elsewhere["on_dnc"] as? Bool == false, "another tenant's internal list is its own")
            let outreach = try await Self.call(
                .post, "/api/v1/compliance/check-outreach", body: #"{"phone": "(702) 555-1100", "state": "NV", "channel": "call", "has_consent": true}"#,
                server: server, client: client
            )
            #expect((outreach["checks"] as? [String: String])?["dnc_clear"] == "fail")
            #expect(outreach["allowed"] as? Bool == false)

            // The federal list, once loaded, is consulted too (an import will fill it).
            server.dependencies.doNotCall.setFederal(DoNotCallList.build([7025551200]))
            let federal = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: #"{"phone": "+17025551200", "state": "NV"}"#, server: server, client: client)
            #expect((federal["checks"] as? [String: Bool])?["federal_dnc"] == true)
            #expect(federal["lists_not_loaded"] as? [String] == [])
            _ = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: #"{"phone": "12", "state": "NV"}"#, server: server, client: client, expect: .unprocessableContent)
        }
    }

    @Test("the internal list over the API: add, look up, remove; per tenant; a revoked consent puts its lead's phone on it")
    func internalList() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let added = try await Self.call(
                .post, "/api/v1/compliance/dnc/internal", body: #"{"phone": "(702) 555-0142", "reason": "asked by phone"}"#, server: server, client: client,
                expect: .created
            )
            #expect(added["phone"] as? String == "+17025550142")
            #expect(added["added"] as? Bool == true)
            let again = try await Self.call(.post, "/api/v1/compliance/dnc/internal", body: #"{"phone": "+17025550142"}"#, server: server, client: client)
            #expect(again["added"] as? Bool == false, "listing twice changes nothing")
            let check = #"{"phone": "+17025550142", "state": "NV"}"#
            #expect((try await Self.call(.post, "/api/v1/compliance/dnc-check", body: check, server: server, client: client)["on_dnc"]) as? Bool == true)
            let elsewhere = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: check, server: server, client: client, key: server.otherTenant.complianceKey)
            #expect(elsewhere["on_dnc"] as? Bool == false)
            _ = try await Self.call(.delete, "/api/v1/compliance/dnc/internal/+17025550142", server: server, client: client, key: server.otherTenant.complianceKey, expect: .notFound)
            let removed = try await Self.call(.delete, "/api/v1/compliance/dnc/internal/%2B17025550142", server: server, client: client)
            #expect(removed["removed"] as? Bool == true)
            #expect((try await Self.call(.post, "/api/v1/compliance/dnc-check", body: check, server: server, client: client)["on_dnc"]) as? Bool == false)
            _ = try await Self.call(.delete, "/api/v1/compliance/dnc/internal/7025550142", server: server, client: client, expect: .notFound)
            _ = try await Self.call(.post, "/api/v1/compliance/dnc/internal", body: #"{"phone": "12"}"#, server: server, client: client, expect: .unprocessableContent)

            // An inbound lead's consent, revoked: an opt-out, so its phone is listed.
            let lead = try await LeadAPITests.send(LeadAPITests.inbound(phone: "+17025550177", email: "optout@example.com"), server: server, client: client)
            let certificate = try #require(lead["consent_certificate_id"] as? String)
            _ = try await Self.call(.post, "/api/v1/compliance/revoke-consent", body: #"{"certificate_id": "\#(certificate)"}"#, server: server, client: client)
            let optedOut = try await Self.call(.post, "/api/v1/compliance/dnc-check", body: #"{"phone": "+17025550177", "state": "NV"}"#, server: server, client: client)
            #expect((optedOut["checks"] as? [String: Bool])?["internal_dnc"] == true)
        }
    }
}
