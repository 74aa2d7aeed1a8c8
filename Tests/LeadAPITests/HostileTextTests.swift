import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import Testing

/// Text is stored exactly as it was signed and shown exactly as it was stored: a NUL, which SQLite
/// and C libraries would cut the text at, is refused (422) in every text field; hostile text that
/// is taken is signed, stored, reloaded and verified byte for byte.
@Suite("Hostile text: NUL refused everywhere; what is signed is what is stored")
struct HostileTextTests {
    @Test(
        "a NUL in any text field is a 422 naming the field, and nothing is stored",
        arguments: [
            ("/api/v1/compliance/record-consent", #"{"consent_type": "tcpa_express_written", "consent_text": "I agree\u0000 NOT", "ip_address": "203.0.113.42"}"#, "consent_text", true),
            ("/api/v1/buyers", #"{"name": "nul2\u0000tail", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 100}"#, "name", false),
            ("/api/v1/buyers", #"{"name": "ok", "campaign_types": ["legal_pi"], "states": ["NV\u0000"], "max_price_cents": 100}"#, "states", false),
            ("/api/v1/leads/inbound", LeadAPITests.inbound(extra: #", "notes": "call\u0000me""#), "notes", false),
            ("/api/v1/sequences", #"{"name": "S\u0000", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi"}]}"#, "name", false),
        ]
    )
    func nulRefused(path: String, body: String, field: String, compliance: Bool) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let headers: HTTPFields = compliance ? .complianceKey(server.tenant.complianceKey) : .apiKey(server.tenant.apiKey)
            try await client.execute(uri: path, method: .post, headers: headers, body: .json(body)) { response in
                #expect(response.status == .unprocessableContent, "\(response.text)")
                let errors = try response.object()["errors"] as? [[String: Any]]
                #expect(errors?.contains { ($0["field"] as? String)?.hasSuffix(field) == true } == true, "\(response.text)")
            }
            if path == "/api/v1/buyers" {
                try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    let list = try response.object()
                    #expect(list["total"] as? Int == 0, "nothing stored")
                }
            }
        }
    }

    @Test("hostile text that is taken (quotes, emoji, combining marks, RTL, CRLF, tab) is signed, stored, reloaded and verified byte for byte")
    func signedIsStored() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let text = "I agree \"fully\" — 同意 🎉 e\u{301} \u{5E9}\u{5DC}\u{5D5}\u{5DD}\r\n\tline two \\ end"
            let body = try String(
                decoding: JSONSerialization.data(
                    withJSONObject: ["consent_type": "tcpa_express_written", "consent_text": text, "ip_address": "203.0.113.42"]
                ),
                as: UTF8.self
            )
            let id = try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(body)
            ) { response in
                #expect(response.status == .created, "\(response.text)")
                return try #require(try response.object()["certificate_id"] as? String)
            }
            let verified = try await ConsentAPITests.verify(id, key: server.tenant.complianceKey, client: client)
            #expect(verified["valid"] as? Bool == true)
            #expect((verified["certificate"] as? [String: Any])?["consent_text"] as? String == text)
        }
    }
}
