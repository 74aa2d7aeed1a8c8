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

    @Test(
        "names shown to others refuse control characters, ANSI escapes, CR/LF and bidi overrides",
        // As JSON escapes, so the body carries them.
        arguments: [#"Acme\u001b[31mRED"#, #"Acme\r\nX-Injected: 1"#, #"Acme\tTab"#, #"\u202eemaNlaeR"#, #"Acme\u2066x\u2069"#, #"Ac\u0085me"#]
    )
    func hostileNames(name: String) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for (path, body) in [
                ("/api/v1/buyers", #"{"name": "\#(name)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 100}"#),
                ("/api/v1/campaigns", #"{"name": "\#(name)", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 100}"#),
                ("/api/v1/sequences", #"{"name": "\#(name)", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi"}]}"#),
                ("/api/v1/templates", #"{"name": "\#(name)", "channel": "sms", "body": "Hi"}"#),
            ] {
                try await client.execute(uri: path, method: .post, headers: .apiKey(server.tenant.apiKey), body: .json(body)) { response in
                    #expect(response.status == .unprocessableContent, "\(path): \(response.text)")
                    #expect(response.text.contains("control characters or bidirectional overrides"), "\(path): \(response.text)")
                }
            }
            // A name with accents, CJK, emoji and an apostrophe is a name.
            _ = try await create(
                "/api/v1/buyers", body: #"{"name": "Åcme Légal — 法律 ⚖️ O'Neil", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 100}"#,
                key: server.tenant.apiKey, client: client
            )
        }
    }

    @Test("a body declared as something other than JSON or a form is a 415, before the key is even looked at; JSON types and forms are read")
    func contentTypes() async throws {
        let buyer = #"{"name": "Typed", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 100}"#
        // The router in memory, and a real socket, where pings take the fast lane.
        for setup in [TestingSetup.router, .live] {
            let server = try await TestServer.make()
            try await server.test(setup) { client in
                for type in ["text/plain", "multipart/form-data; boundary=x", "text/xml"] {
                    var headers = HTTPFields.apiKey(server.tenant.apiKey)
                    headers[.contentType] = type
                    try await client.execute(uri: "/api/v1/buyers", method: .post, headers: headers, body: ByteBuffer(string: buyer)) { response in
                        #expect(response.status == .unsupportedMediaType, "\(type): \(response.text)")
                    }
                    var ping = HTTPFields.complianceKey("not a key")
                    ping[.contentType] = type
                    try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: ping, body: ByteBuffer(string: PingAPITests.ping)) { response in
                        #expect(response.status == .unsupportedMediaType, "fast lane, \(type): \(response.text)")
                    }
                }
                for type in ["application/json; charset=utf-8", "application/merge-patch+json", "application/x-www-form-urlencoded"] {
                    var headers = HTTPFields.apiKey(server.tenant.apiKey)
                    headers[.contentType] = type
                    try await client.execute(uri: "/api/v1/buyers", method: .post, headers: headers, body: ByteBuffer(string: buyer)) { response in
                        #expect(response.status == .created, "\(type): \(response.text)")
                    }
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
