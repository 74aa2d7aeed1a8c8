import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Synchronization
import Testing

@Suite("The email channel: from a verified domain, DKIM-signed, with the postal address and a one-click unsubscribe")
struct EmailChannelTests {
    static let emailSequence = #"{"name": "Welcome mail", "steps": [{"channel": "email", "delay_minutes": 0, "template": "Hi {{first_name}}, thanks for reaching out.", "subject": "Your case, {{first_name}}"}, {"channel": "email", "delay_minutes": 60, "template": "Still there?", "subject": "Following up"}]}"#

    /// A verified domain and, unless told otherwise, the tenant's postal address.
    static func ready(_ server: TestServer, client: some TestClientProtocol, dns: ScriptedTXTResolver, postalAddress: Bool = true) async throws -> String {
        let created = try await LeadAPITests.call(.post, "/api/v1/domains", body: #"{"domain": "mail.acme.com"}"#, key: server.tenant.apiKey, client: client, expect: .created)
        dns.publish(created["dns_records"] as? [[String: Any]] ?? [])
        let id = try #require(created["id"] as? String)
        _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(id)/verify", key: server.tenant.apiKey, client: client, expect: .ok)
        if postalAddress {
            try await server.dependencies.tenants.setPostalAddress("Tenant A Legal, 100 Main St, Las Vegas, NV 89101", tenantID: server.tenant.tenant.id)
        }
        return id
    }

    static func server(dns: ScriptedTXTResolver, mail: RecordingMailTransport) async throws -> TestServer {
        let server = try await TestServer.make(txtResolver: dns, mailTransport: mail)
        server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific)
        return server
    }

    @Test("an email step is signed by the domain, carries the footer and the unsubscribe headers; one-click unsubscribe ends the enrollment and stops the next email")
    func sendAndUnsubscribe() async throws {
        let dns = ScriptedTXTResolver()
        let mail = RecordingMailTransport()
        let server = try await Self.server(dns: dns, mail: mail)
        try await server.test { client in
            _ = try await Self.ready(server, client: client, dns: dns)
            let sequence = try await create("/api/v1/sequences", body: Self.emailSequence, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)

            let sent = try #require(mail.messages.first)
            #expect(sent.from == "outreach@mail.acme.com")
            #expect(sent.to == "17025551234@example.com")
            let message = sent.message
            #expect(message.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.acme.com; s=ezl;"))
            #expect(message.contains("\r\nFrom: \"Tenant A\" <outreach@mail.acme.com>\r\n"))
            #expect(message.contains("\r\nSubject: Your case, Jane\r\n"))
            #expect(message.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
            #expect(message.contains("Tenant A Legal, 100 Main St, Las Vegas, NV 89101"))
            let header = try #require(message.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") })
            let url = String(header.dropFirst("List-Unsubscribe: <".count).dropLast())
            let path = try #require(URLComponents(string: url)?.path)
            #expect(path.hasPrefix("/api/v1/unsubscribe/"))
            let (_, attempts) = try await OutreachSchedulerTests.outreach(lead, server: server, client: client)
            #expect(attempts.first?["outcome"] as? String == "sent")

            // The page does not unsubscribe (link scanners open links); its button posts.
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<form method=\"post\">"))
            }
            #expect(try await OutreachSchedulerTests.outreach(lead, server: server, client: client).enrollments.first?["status"] as? String == "active")
            try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { response in
                #expect(response.status == .ok)
            }
            let enrollments = try await OutreachSchedulerTests.outreach(lead, server: server, client: client).enrollments
            #expect(enrollments.first?["status"] as? String == "ended")
            #expect(enrollments.first?["end_reason"] as? String == "opted_out")
            server.clock.advance(byMilliseconds: 3_600_000)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 0)
            #expect(mail.messages.count == 1, "the second email is never sent")

            // Enrolled again, the address stays opted out: email steps are skipped.
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            let reasons = try await OutreachSchedulerTests.outreach(lead, server: server, client: client).attempts.compactMap { $0["reason"] as? String }
            #expect(reasons.contains("email_opted_out"))
            #expect(mail.messages.count == 1)

            // A forged or damaged token is an unknown link.
            try await client.execute(uri: path + "x", method: .post) { response in #expect(response.status == .notFound) }
            try await client.execute(uri: "/api/v1/unsubscribe/bm90LW91cnM.AAAA", method: .get) { response in #expect(response.status == .notFound) }
        }
    }

    @Test("no verified domain or no postal address: the email step is skipped with that reason and the sequence goes on")
    func skips() async throws {
        let dns = ScriptedTXTResolver()
        let mail = RecordingMailTransport()
        let server = try await Self.server(dns: dns, mail: mail)
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: Self.emailSequence, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            _ = try await Self.ready(server, client: client, dns: dns, postalAddress: false)
            server.clock.advance(byMilliseconds: 3_600_000)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            let attempts = try await OutreachSchedulerTests.outreach(lead, server: server, client: client).attempts
            #expect(attempts.compactMap { $0["reason"] as? String } == ["no_verified_domain", "postal_address_missing"])
            #expect(mail.messages.isEmpty)
        }
    }

    @Test("from_email must be on one of the account's verified domains; it is the sender when given")
    func fromEmail() async throws {
        let dns = ScriptedTXTResolver()
        let mail = RecordingMailTransport()
        let server = try await Self.server(dns: dns, mail: mail)
        try await server.test { client in
            let body = #"{"name": "From", "from_email": "Intake@Mail.Acme.com", "steps": [{"channel": "email", "delay_minutes": 0, "template": "Hi", "subject": "Hello"}]}"#
            let refused = try await LeadAPITests.call(.post, "/api/v1/sequences", body: body, key: server.tenant.apiKey, client: client, expect: .unprocessableContent)
            #expect((refused["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["from_email"])
            _ = try await Self.ready(server, client: client, dns: dns)
            let created = try await LeadAPITests.call(.post, "/api/v1/sequences", body: body, key: server.tenant.apiKey, client: client, expect: .created)
            #expect(created["from_email"] as? String == "Intake@mail.acme.com")
            // Another account's verified domain is not this one's.
            _ = try await LeadAPITests.call(.post, "/api/v1/sequences", body: body, key: server.otherTenant.apiKey, client: client, expect: .unprocessableContent)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(try #require(created["id"] as? String), lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            #expect(mail.messages.first?.from == "Intake@mail.acme.com")
        }
    }
}
