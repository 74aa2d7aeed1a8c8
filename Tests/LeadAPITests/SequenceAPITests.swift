import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing

@Suite("Sequences API: create, list, inspect, enroll, pause, resume, remove")
struct SequenceAPITests {
    static let spec = """
        {"name": "PI Intake Follow-Up", "steps": [
          {"channel": "sms", "delay_minutes": 0, "template": "Hi {{first_name}}, thanks for reaching out."},
          {"channel": "email", "delay_minutes": 30, "template": "Hello {{first_name}}", "subject": "Your case"},
          {"channel": "call", "delay_minutes": 120}]}
        """

    /// Monday 20 April 2026, 12:00 in Las Vegas (19:00Z): the calling window is open for the spec's NV lead.
    static let mondayNoonPacific: Int64 = 1_776_711_600_000

    static func lead(server: TestServer, client: some TestClientProtocol, phone: String = "+17025551234", extra: String = "") async throws -> String {
        let lead = try await LeadAPITests.send(LeadAPITests.inbound(phone: phone, email: "\(phone.dropFirst())@example.com", extra: extra), server: server, client: client)
        return try #require(lead["id"] as? String)
    }

    @Test("the spec's example: create answers the step count; the detail shows the steps; the list shows enrolled")
    func createListShow() async throws {
        let server = try await TestServer.make()
        server.clock.set(milliseconds: Self.mondayNoonPacific)
        let key = server.tenant.apiKey
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/sequences", body: Self.spec, key: key, client: client, expect: .created)
            let id = try #require(created["id"] as? String)
            #expect(id.hasPrefix("seq_"))
            #expect(created["steps"] as? Int == 3)
            #expect(created["status"] as? String == "active")
            #expect(created["name"] as? String == "PI Intake Follow-Up")

            let leadID = try await Self.lead(server: server, client: client)
            let enrolled = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: #"{"lead_id": "\#(leadID)"}"#, key: key, client: client, expect: .created)
            #expect((enrolled["enrollment_id"] as? String)?.hasPrefix("enr_") == true)
            #expect(enrolled["sequence_id"] as? String == id)
            #expect(enrolled["lead_id"] as? String == leadID)
            #expect(enrolled["next_step_at"] as? String == "2026-04-20T19:00:00Z")

            let list = try await LeadAPITests.get("/api/v1/sequences", server: server, client: client)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["steps"] as? Int == 3)
            #expect(items.first?["enrolled"] as? Int == 1)

            let detail = try await LeadAPITests.get("/api/v1/sequences/\(id)", server: server, client: client)
            let steps = try #require(detail["steps"] as? [[String: Any]])
            #expect(steps.map { $0["channel"] as? String } == ["sms", "email", "call"])
            #expect(steps.map { $0["delay_minutes"] as? Int } == [0, 30, 120])
            #expect(detail["enrolled"] as? Int == 1)
            #expect(detail["active"] as? Int == 1)
            #expect(detail["completed"] as? Int == 0)
            #expect(detail["conversion_rate"] as? Double == 0)
        }
    }

    @Test("bad input: 400 for malformed JSON, 422 naming each bad step field; nothing stored")
    func badInput() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        try await server.test { client in
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences", body: "{", key: key, client: client, expect: .badRequest)
            let invalid = try await LeadAPITests.call(
                .post, "/api/v1/sequences",
                body: """
                    {"name": "", "steps": [{"channel": "fax", "delay_minutes": 0, "template": "x"},
                      {"channel": "sms", "delay_minutes": -5, "template": "x"}, {"channel": "sms", "delay_minutes": 1},
                      {"channel": "email", "delay_minutes": 1, "template": "x", "template_id": "tpl_a"},
                      {"channel": "call", "delay_minutes": "soon"}, {"channel": "sms", "delay_minutes": 0, "template": "x", "subject": "s"}, 7]}
                    """,
                key: key, client: client, expect: .unprocessableContent
            )
            let fields = Set((invalid["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(
                fields == [
                    "name", "steps[0].channel", "steps[1].delay_minutes", "steps[2].template", "steps[3].template_id", "steps[4].delay_minutes",
                    "steps[5].subject", "steps[6]",
                ]
            )
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences", body: #"{"name": "x", "steps": []}"#, key: key, client: client, expect: .unprocessableContent)
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences", body: #"{"name": "x"}"#, key: key, client: client, expect: .unprocessableContent)
            _ = try await LeadAPITests.call(
                .post, "/api/v1/sequences", body: #"{"name": "x", "steps": [{"channel": "sms", "delay_minutes": 0, "template_id": "tpl_missing"}]}"#,
                key: key, client: client, expect: .unprocessableContent
            )
            let list = try await LeadAPITests.get("/api/v1/sequences", server: server, client: client)
            #expect(list["total"] as? Int == 0)
            // Enroll needs a lead_id.
            let id = try await create("/api/v1/sequences", body: Self.spec, key: key, client: client)
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: "{}", key: key, client: client, expect: .unprocessableContent)
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: #"{"lead_id": 5}"#, key: key, client: client, expect: .unprocessableContent)
        }
    }

    @Test("enrollment conflicts: already enrolled, rejected and duplicate leads, not contactable; re-enrollment after removal")
    func enrollmentConflicts() async throws {
        let server = try await TestServer.make()
        server.clock.set(milliseconds: Self.mondayNoonPacific)
        let key = server.tenant.apiKey
        try await server.test { client in
            let id = try await create("/api/v1/sequences", body: Self.spec, key: key, client: client)
            let leadID = try await Self.lead(server: server, client: client)
            let body = #"{"lead_id": "\#(leadID)"}"#
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: body, key: key, client: client, expect: .created)
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: body, key: key, client: client, expect: .conflict, code: "already_enrolled")

            let removed = try await LeadAPITests.call(.delete, "/api/v1/sequences/\(id)/enrollments/\(leadID)", key: key, client: client, expect: .ok)
            #expect(removed["removed"] as? Bool == true)
            #expect(removed["lead_id"] as? String == leadID)
            _ = try await LeadAPITests.call(.delete, "/api/v1/sequences/\(id)/enrollments/\(leadID)", key: key, client: client, expect: .notFound)
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: body, key: key, client: client, expect: .created)
            let detail = try await LeadAPITests.get("/api/v1/sequences/\(id)", server: server, client: client)
            #expect(detail["enrolled"] as? Int == 2)
            #expect(detail["removed"] as? Int == 1)

            // The same lead again is a duplicate; a lead with a bad phone is rejected.
            let duplicate = try await LeadAPITests.send(LeadAPITests.inbound(phone: "+17025551234", email: "7025551234@example.com"), server: server, client: client)
            _ = try await LeadAPITests.call(
                .post, "/api/v1/sequences/\(id)/enroll", body: #"{"lead_id": "\#(duplicate["id"] as? String ?? "")"}"#, key: key, client: client,
                expect: .conflict, code: "lead_not_enrollable"
            )

            // On the internal do-not-call list, with an sms and call only sequence: no channel may ever reach it.
            let listed = try await Self.lead(server: server, client: client, phone: "+17025559876")
            _ = try await server.dependencies.doNotCallStore.changeInternal(
                tenantID: server.tenant.tenant.id, additions: [7_025_559_876], deletions: [], source: "test", nowMilliseconds: Self.mondayNoonPacific
            )
            let phoneOnly = try await create(
                "/api/v1/sequences", body: #"{"name": "texts", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "hi"}, {"channel": "call", "delay_minutes": 5}]}"#,
                key: key, client: client
            )
            let refused = try await LeadAPITests.call(
                .post, "/api/v1/sequences/\(phoneOnly)/enroll", body: #"{"lead_id": "\#(listed)"}"#, key: key, client: client, expect: .conflict,
                code: "not_contactable"
            )
            #expect((refused["reasons"] as? [String])?.count == 2)
            #expect((refused["reasons"] as? [String])?.allSatisfy { $0.contains("internal_dnc") } == true)
            // The spec's sequence has an email step: that one may still reach it.
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(id)/enroll", body: #"{"lead_id": "\#(listed)"}"#, key: key, client: client, expect: .created)
        }
    }

    @Test("another tenant's sequence or lead is a 404; a compliance key is a 403")
    func tenancyAndRoles() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        let other = server.otherTenant.apiKey
        let compliance = server.tenant.complianceKey
        try await server.test { client in
            let id = try await create("/api/v1/sequences", body: Self.spec, key: key, client: client)
            let leadID = try await Self.lead(server: server, client: client)
            let theirs = try await create("/api/v1/sequences", body: Self.spec, key: other, client: client)
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/sequences/\(theirs)", nil), (.post, "/api/v1/sequences/\(theirs)/pause", nil),
                (.post, "/api/v1/sequences/\(theirs)/resume", nil), (.post, "/api/v1/sequences/\(theirs)/enroll", #"{"lead_id": "\#(leadID)"}"#),
                (.delete, "/api/v1/sequences/\(theirs)/enrollments/\(leadID)", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                _ = try await LeadAPITests.call(method, path, body: body, key: key, client: client, expect: .notFound)
            }
            // Their key cannot enroll our lead into their sequence either.
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences/\(theirs)/enroll", body: #"{"lead_id": "\#(leadID)"}"#, key: other, client: client, expect: .notFound)
            let list = try await LeadAPITests.get("/api/v1/sequences", server: server, client: client)
            #expect((list["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/sequences"), (.post, "/api/v1/sequences"), (.get, "/api/v1/sequences/\(id)"), (.post, "/api/v1/sequences/\(id)/pause")] {
                try await client.execute(uri: path, method: method, headers: .apiKey(compliance), body: .json(Self.spec)) { response in
                    #expect(response.status == .forbidden, "\(path)")
                }
            }
        }
    }

    @Test("Idempotency-Key on create: a retry replays the first answer and makes no second sequence")
    func idempotentCreate() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        try await server.test { client in
            var headers = HTTPFields.apiKey(key)
            headers[HTTPField.Name("Idempotency-Key")!] = "seq-create-1"
            var ids: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/api/v1/sequences", method: .post, headers: headers, body: .json(Self.spec)) { response in
                    #expect(response.status == .created)
                    ids.append(try #require(try response.object()["id"] as? String))
                }
            }
            #expect(ids[0] == ids[1])
            #expect(try await LeadAPITests.get("/api/v1/sequences", server: server, client: client)["total"] as? Int == 1)
        }
    }
}
