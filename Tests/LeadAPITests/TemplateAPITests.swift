import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Testing

@Suite("Templates API: stored texts that sequence steps name, checked when saved")
struct TemplateAPITests {
    static let welcome = #"{"id": "tpl_welcome", "name": "Welcome", "channel": "email", "subject": "Welcome, {{first_name}}", "body": "Hi {{first_name}} from {{state}}"}"#
    static let text = #"{"name": "First text", "channel": "sms", "body": "Hi {{first_name}}, reply STOP to opt out."}"#

    static func sequence(templateID: String, channel: String = "email") -> String {
        #"{"name": "Uses \#(templateID)", "steps": [{"channel": "\#(channel)", "delay_minutes": 0, "template_id": "\#(templateID)"}]}"#
    }

    @Test("create with a chosen or a generated id, read, list, change and delete; a second delete is a 404")
    func lifecycle() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/templates", body: Self.welcome, key: key, client: client, expect: .created)
            #expect(created["id"] as? String == "tpl_welcome")
            #expect(created["channel"] as? String == "email")
            #expect(created["subject"] as? String == "Welcome, {{first_name}}")
            #expect(created["variables"] as? [String] == ["first_name", "state"])
            let generated = try await LeadAPITests.call(.post, "/api/v1/templates", body: Self.text, key: key, client: client, expect: .created)
            let textID = try #require(generated["id"] as? String)
            #expect(SequenceRules.isTemplateID(textID))
            #expect(generated["subject"] is NSNull)

            _ = try await LeadAPITests.call(.post, "/api/v1/templates", body: Self.welcome, key: key, client: client, expect: .conflict, code: "template_exists")
            // Ids are per tenant: another tenant may use the same one.
            _ = try await LeadAPITests.call(.post, "/api/v1/templates", body: Self.welcome, key: server.otherTenant.apiKey, client: client, expect: .created)

            let list = try await LeadAPITests.get("/api/v1/templates?per_page=1", server: server, client: client)
            #expect(list["total"] as? Int == 2)
            #expect((list["items"] as? [[String: Any]])?.count == 1)

            let changed = try await LeadAPITests.call(
                .patch, "/api/v1/templates/tpl_welcome", body: #"{"body": "Hello {{last_name}}", "name": "Welcome v2"}"#, key: key, client: client, expect: .ok
            )
            #expect(changed["body"] as? String == "Hello {{last_name}}")
            #expect(changed["name"] as? String == "Welcome v2")
            #expect(changed["subject"] as? String == "Welcome, {{first_name}}")
            let shown = try await LeadAPITests.get("/api/v1/templates/tpl_welcome", server: server, client: client)
            #expect(shown["body"] as? String == "Hello {{last_name}}")
            #expect(shown["variables"] as? [String] == ["first_name", "last_name"])

            // To sms: the subject must go in the same change.
            let stillSubject = try await LeadAPITests.call(.patch, "/api/v1/templates/tpl_welcome", body: #"{"channel": "sms"}"#, key: key, client: client, expect: .unprocessableContent)
            #expect((stillSubject["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["subject"])
            let toSMS = try await LeadAPITests.call(.patch, "/api/v1/templates/tpl_welcome", body: #"{"channel": "sms", "subject": null}"#, key: key, client: client, expect: .ok)
            #expect(toSMS["channel"] as? String == "sms")

            let deleted = try await LeadAPITests.call(.delete, "/api/v1/templates/tpl_welcome", key: key, client: client, expect: .ok)
            #expect(deleted["deleted"] as? Bool == true)
            #expect(deleted["id"] as? String == "tpl_welcome")
            _ = try await LeadAPITests.call(.delete, "/api/v1/templates/tpl_welcome", key: key, client: client, expect: .notFound)
            _ = try await LeadAPITests.call(.get, "/api/v1/templates/tpl_welcome", key: key, client: client, expect: .notFound)
            // The other tenant's template of the same id is untouched.
            _ = try await LeadAPITests.call(.get, "/api/v1/templates/tpl_welcome", key: server.otherTenant.apiKey, client: client, expect: .ok)
        }
    }

    @Test("bad input: 400 for malformed JSON, 422 naming every bad field; nothing stored")
    func badInput() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        try await server.test { client in
            _ = try await LeadAPITests.call(.post, "/api/v1/templates", body: "{", key: key, client: client, expect: .badRequest)
            for (body, fields) in [
                (#"{"id": "welcome", "name": "", "channel": "fax", "body": 5}"#, ["body", "channel", "id"]),
                (#"{"name": "x", "channel": "email", "body": "Hi"}"#, ["subject"]),
                (#"{"name": "x", "channel": "sms", "subject": "s", "body": "Hi {{first}}"}"#, ["body", "subject"]),
                (#"{"name": "x", "channel": "email", "subject": "a\nb", "body": "{{#email}}open"}"#, ["body", "subject"]),
                (#"{"name": "x", "channel": "sms", "body": "\#(String(repeating: "a", count: 1_601))"}"#, ["body"]),
                (#"{"id": "tpl_UPPER", "name": "x", "channel": "sms", "body": "ok"}"#, ["id"]),
            ] {
                let answer = try await LeadAPITests.call(.post, "/api/v1/templates", body: body, key: key, client: client, expect: .unprocessableContent)
                #expect(Set((answer["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == Set(fields), "\(body)")
            }
            let id = try await create("/api/v1/templates", body: Self.text, key: key, client: client)
            _ = try await LeadAPITests.call(.patch, "/api/v1/templates/\(id)", body: "[", key: key, client: client, expect: .badRequest)
            for body in [#"{"body": null}"#, #"{"channel": "fax"}"#, #"{"body": "{{ssn}}"}"#, #"{"name": 7}"#, #"{"body": ""}"#] {
                _ = try await LeadAPITests.call(.patch, "/api/v1/templates/\(id)", body: body, key: key, client: client, expect: .unprocessableContent)
            }
            let list = try await LeadAPITests.get("/api/v1/templates", server: server, client: client)
            #expect(list["total"] as? Int == 1)
            #expect((list["items"] as? [[String: Any]])?.first?["body"] as? String == "Hi {{first_name}}, reply STOP to opt out.")
        }
    }

    @Test("a sequence step names a template: unknown or of another channel is a 422 naming the step; in use, delete and breaking changes are 409 naming the sequences")
    func inUse() async throws {
        let server = try await TestServer.make()
        let key = server.tenant.apiKey
        try await server.test { client in
            _ = try await create("/api/v1/templates", body: Self.welcome, key: key, client: client)
            let missing = try await LeadAPITests.call(.post, "/api/v1/sequences", body: Self.sequence(templateID: "tpl_nope"), key: key, client: client, expect: .unprocessableContent)
            #expect((missing["errors"] as? [[String: Any]])?.first?["field"] as? String == "steps[0].template_id")
            let wrongChannel = try await LeadAPITests.call(.post, "/api/v1/sequences", body: Self.sequence(templateID: "tpl_welcome", channel: "sms"), key: key, client: client, expect: .unprocessableContent)
            #expect((wrongChannel["errors"] as? [[String: Any]])?.first?["field"] as? String == "steps[0].template_id")
            // Another tenant's template of that id does not exist for us.
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences", body: Self.sequence(templateID: "tpl_welcome"), key: server.otherTenant.apiKey, client: client, expect: .unprocessableContent)

            let sequence = try await create("/api/v1/sequences", body: Self.sequence(templateID: "tpl_welcome"), key: key, client: client)
            let refused = try await LeadAPITests.call(.delete, "/api/v1/templates/tpl_welcome", key: key, client: client, expect: .conflict, code: "template_in_use")
            #expect(refused["sequences"] as? [String] == [sequence])
            for body in [#"{"channel": "sms", "subject": null}"#, #"{"body": "Hi {{nickname}}"}"#, #"{"subject": "{{ssn}}"}"#] {
                let answer = try await LeadAPITests.call(.patch, "/api/v1/templates/tpl_welcome", body: body, key: key, client: client, expect: .conflict, code: "template_in_use")
                #expect(answer["sequences"] as? [String] == [sequence])
            }
            // A change that keeps the steps working is fine while in use.
            _ = try await LeadAPITests.call(.patch, "/api/v1/templates/tpl_welcome", body: #"{"body": "Hello {{last_name}}"}"#, key: key, client: client, expect: .ok)
            _ = try await LeadAPITests.call(.get, "/api/v1/templates/tpl_welcome", key: key, client: client, expect: .ok)
        }
    }

    @Test("the scheduler sends the stored template rendered for the lead, as it reads when the step runs")
    func rendersStoredTemplate() async throws {
        let sms = RecordingOutreachSender()
        let server = try await OutreachSchedulerTests.server([.sms: sms])
        let key = server.tenant.apiKey
        try await server.test { client in
            _ = try await create(
                "/api/v1/templates", body: #"{"id": "tpl_hello", "name": "Hello", "channel": "sms", "body": "Hi {{first_name}} {{last_name}} & co, in {{state}}"}"#,
                key: key, client: client
            )
            let sequence = try await create(
                "/api/v1/sequences",
                body: #"{"name": "Two texts", "steps": [{"channel": "sms", "delay_minutes": 0, "template_id": "tpl_hello"}, {"channel": "sms", "delay_minutes": 10, "template_id": "tpl_hello"}]}"#,
                key: key, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            _ = try await LeadAPITests.call(.patch, "/api/v1/templates/tpl_hello", body: #"{"body": "Still there, {{first_name}}?"}"#, key: key, client: client, expect: .ok)
            server.clock.advance(byMilliseconds: 10 * OutreachSchedulerTests.minute)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            #expect(sms.messages.map(\.body) == ["Hi Jane Doe & co, in NV", "Still there, Jane?"])
        }
    }

    @Test("another tenant's template is a 404 on every route; a compliance key is a 403")
    func tenancyAndRoles() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let theirs = try await create("/api/v1/templates", body: Self.text, key: server.otherTenant.apiKey, client: client)
            for (method, body) in [(HTTPRequest.Method.get, nil), (.patch, #"{"name": "mine"}"#), (.delete, nil)] as [(HTTPRequest.Method, String?)] {
                _ = try await LeadAPITests.call(method, "/api/v1/templates/\(theirs)", body: body, key: server.tenant.apiKey, client: client, expect: .notFound)
            }
            let list = try await LeadAPITests.get("/api/v1/templates", server: server, client: client)
            #expect(list["total"] as? Int == 0)
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/templates"), (.post, "/api/v1/templates"), (.get, "/api/v1/templates/\(theirs)"), (.delete, "/api/v1/templates/\(theirs)")] {
                try await client.execute(uri: path, method: method, headers: .apiKey(server.tenant.complianceKey), body: .json(Self.text)) { response in
                    #expect(response.status == .forbidden, "\(path)")
                }
            }
            _ = try await LeadAPITests.call(.get, "/api/v1/templates/\(theirs)", key: server.otherTenant.apiKey, client: client, expect: .ok)
        }
    }
}
