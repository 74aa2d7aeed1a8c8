import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Synchronization
import Testing

@Suite("Domains API: sending domains, the records to publish, and their DNS verification")
struct DomainAPITests {
    static func records(_ domain: [String: Any]) -> [[String: Any]] { domain["dns_records"] as? [[String: Any]] ?? [] }

    @Test("register, see the records, publish them, verify; list, show and delete; a second delete is a 404")
    func lifecycle() async throws {
        let dns = ScriptedTXTResolver()
        let server = try await TestServer.make(txtResolver: dns)
        let key = server.tenant.apiKey
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/domains/", body: #"{"domain": "Mail.AcmeLegal.com."}"#, key: key, client: client, expect: .created)
            let id = try #require(created["id"] as? String)
            #expect(id.hasPrefix("dom_"))
            #expect(created["domain"] as? String == "mail.acmelegal.com")
            #expect(created["status"] as? String == "pending_verification")
            #expect(created["spf_valid"] as? Bool == false && created["dkim_valid"] as? Bool == false && created["dmarc_valid"] as? Bool == false)
            let records = Self.records(created)
            #expect(records.compactMap { $0["type"] as? String } == ["TXT", "TXT", "TXT"])
            #expect(records.compactMap { $0["name"] as? String } == ["mail.acmelegal.com", "ezl._domainkey.mail.acmelegal.com", "_dmarc.mail.acmelegal.com"])
            #expect(records.compactMap { $0["value"] as? String } == [
                "v=spf1 a mx ~all", "v=DKIM1; k=rsa; p=\(FixedDKIMKey.pair.publicKey)", "v=DMARC1; p=none",
            ])
            #expect(!"\(created)".contains("PRIVATE"), "the private key is never shown")

            // Nothing published yet: failed, with a reason for each record.
            let failed = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: key, client: client, expect: .ok)
            #expect(failed["status"] as? String == "failed")
            let reasons = (failed["checks"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            #expect(reasons.count == 3, "\(failed)")
            #expect(failed["verified_at"] is NSNull)

            dns.publish(records)
            let verified = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: key, client: client, expect: .ok)
            #expect(verified["status"] as? String == "verified")
            #expect(verified["spf_valid"] as? Bool == true && verified["dkim_valid"] as? Bool == true && verified["dmarc_valid"] as? Bool == true)
            #expect(verified["verified_at"] is String)
            #expect((verified["checks"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String } == ["pass", "pass", "pass"])

            let shown = try await LeadAPITests.get("/api/v1/domains/\(id)", server: server, client: client)
            #expect(shown["status"] as? String == "verified")
            let list = try await LeadAPITests.get("/api/v1/domains", server: server, client: client)
            #expect(list["total"] as? Int == 1)
            #expect((list["items"] as? [[String: Any]])?.first?["verified_at"] is String)

            let deleted = try await LeadAPITests.call(.delete, "/api/v1/domains/\(id)", key: key, client: client, expect: .ok)
            #expect(deleted["deleted"] as? Bool == true && deleted["domain"] as? String == "mail.acmelegal.com")
            _ = try await LeadAPITests.call(.delete, "/api/v1/domains/\(id)", key: key, client: client, expect: .notFound)
            _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: key, client: client, expect: .notFound)
        }
    }

    @Test("the same name twice in an account is domain_exists; a name another account verified is domain_claimed")
    func conflicts() async throws {
        let dns = ScriptedTXTResolver()
        let server = try await TestServer.make(txtResolver: dns)
        try await server.test { client in
            let body = #"{"domain": "mail.acme.com"}"#
            let mine = try await LeadAPITests.call(.post, "/api/v1/domains", body: body, key: server.tenant.apiKey, client: client, expect: .created)
            _ = try await LeadAPITests.call(.post, "/api/v1/domains", body: body, key: server.tenant.apiKey, client: client, expect: .conflict, code: "domain_exists")
            // Unverified, a name is no one's yet: another account may register it too.
            let theirs = try await LeadAPITests.call(.post, "/api/v1/domains", body: body, key: server.otherTenant.apiKey, client: client, expect: .created)
            dns.publish(Self.records(mine))
            let id = try #require(mine["id"] as? String)
            _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: server.tenant.apiKey, client: client, expect: .ok)
            let theirID = try #require(theirs["id"] as? String)
            _ = try await LeadAPITests.call(.delete, "/api/v1/domains/\(theirID)", key: server.otherTenant.apiKey, client: client, expect: .ok)
            _ = try await LeadAPITests.call(
                .post, "/api/v1/domains", body: body, key: server.otherTenant.apiKey, client: client, expect: .conflict, code: "domain_claimed"
            )
        }
    }

    @Test("a resolver that does not answer: 200, checks say dns_unavailable, the status does not move")
    func dnsUnavailable() async throws {
        let dns = ScriptedTXTResolver()
        let server = try await TestServer.make(txtResolver: dns)
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/domains", body: #"{"domain": "acme.com"}"#, key: server.tenant.apiKey, client: client, expect: .created)
            let id = try #require(created["id"] as? String)
            dns.publish(Self.records(created))
            _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: server.tenant.apiKey, client: client, expect: .ok)
            dns.answers.withLock { answers in for name in answers.keys { answers[name] = .unavailable(reason: "timed out after 2 s at 127.0.0.1:53") } }
            let answer = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(answer["status"] as? String == "verified")
            #expect(answer["dkim_valid"] as? Bool == true)
            let outcomes = (answer["checks"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes == ["dns_unavailable", "dns_unavailable", "dns_unavailable"])
        }
    }

    @Test("the daily re-check: records gone fail a verified domain at the second failing check an hour after the first")
    func recheck() async throws {
        let dns = ScriptedTXTResolver()
        let server = try await TestServer.make(txtResolver: dns)
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/domains", body: #"{"domain": "acme.com"}"#, key: server.tenant.apiKey, client: client, expect: .created)
            let id = try #require(created["id"] as? String)
            dns.publish(Self.records(created))
            _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: server.tenant.apiKey, client: client, expect: .ok)
            let day: TimeInterval = 24 * 3600
            #expect(try await server.dependencies.domains.recheckVerified(olderThan: day) == 0, "checked just now")
            dns.answers.withLock { $0["ezl._domainkey.acme.com"] = nil }
            server.clock.advance(byMilliseconds: 25 * 3_600_000)
            #expect(try await server.dependencies.domains.recheckVerified(olderThan: day) == 1)
            let first = try await LeadAPITests.get("/api/v1/domains/\(id)", server: server, client: client)
            #expect(first["status"] as? String == "verified")
            #expect(first["dkim_valid"] as? Bool == false)
            // The next daily check comes a day later, past the hour's grace: failed.
            server.clock.advance(byMilliseconds: 25 * 3_600_000)
            #expect(try await server.dependencies.domains.recheckVerified(olderThan: day) == 1)
            #expect(try await LeadAPITests.get("/api/v1/domains/\(id)", server: server, client: client)["status"] as? String == "failed")
            #expect(try await server.dependencies.domains.recheckVerified(olderThan: day) == 0, "only verified domains are re-checked")
        }
    }

    @Test("bad names are a 422 naming domain; a missing or mistyped field too; malformed JSON a 400", arguments: [
        #"{"domain": "192.0.2.10"}"#, #"{"domain": "localhost"}"#, #"{"domain": "-acme.com"}"#, #"{"domain": "acme..com"}"#,
        #"{"domain": ""}"#, #"{}"#, #"{"domain": 42}"#,
    ])
    func badInput(body: String) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let problem = try await LeadAPITests.call(.post, "/api/v1/domains", body: body, key: server.tenant.apiKey, client: client, expect: .unprocessableContent)
            #expect((problem["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["domain"])
            _ = try await LeadAPITests.call(.post, "/api/v1/domains", body: "{\"domain\": ", key: server.tenant.apiKey, client: client, expect: .badRequest)
            let list = try await LeadAPITests.get("/api/v1/domains", server: server, client: client)
            #expect(list["total"] as? Int == 0)
        }
    }

    @Test("internationalised names are stored as A-labels, and their records name them so")
    func internationalised() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let created = try await LeadAPITests.call(.post, "/api/v1/domains", body: #"{"domain": "Bücher.example"}"#, key: server.tenant.apiKey, client: client, expect: .created)
            #expect(created["domain"] as? String == "xn--bcher-kva.example")
            #expect(Self.records(created).compactMap { $0["name"] as? String }.last == "_dmarc.xn--bcher-kva.example")
        }
    }

    @Test("another tenant's domain is a 404 on every route; a compliance key is a 403")
    func tenancyAndRoles() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let theirs = try await create("/api/v1/domains", body: #"{"domain": "theirs.example"}"#, key: server.otherTenant.apiKey, client: client)
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/domains/\(theirs)"), (.post, "/api/v1/domains/\(theirs)/verify"), (.delete, "/api/v1/domains/\(theirs)")] {
                _ = try await LeadAPITests.call(method, path, key: server.tenant.apiKey, client: client, expect: .notFound)
            }
            #expect(try await LeadAPITests.get("/api/v1/domains", server: server, client: client)["total"] as? Int == 0)
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/domains"), (.post, "/api/v1/domains"), (.post, "/api/v1/domains/\(theirs)/verify"), (.delete, "/api/v1/domains/\(theirs)")] {
                try await client.execute(uri: path, method: method, headers: .apiKey(server.tenant.complianceKey), body: .json(#"{"domain": "x.example"}"#)) { response in
                    #expect(response.status == .forbidden, "\(path)")
                }
            }
            _ = try await LeadAPITests.call(.get, "/api/v1/domains/\(theirs)", key: server.otherTenant.apiKey, client: client, expect: .ok)
        }
    }
}
