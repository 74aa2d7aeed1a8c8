import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadStore
import Testing

@Suite("Outreach scheduler: steps run when due, gated by the pre-flight, at most once")
struct OutreachSchedulerTests {
    static let minute: Int64 = 60_000

    struct Channels {
        let sms = RecordingOutreachSender()
        let email = RecordingOutreachSender()
        let call = RecordingOutreachSender()
        var all: [OutreachChannel: any OutreachSender] { [.sms: self.sms, .email: self.email, .call: self.call] }
    }

    static func server(_ senders: [OutreachChannel: any OutreachSender]) async throws -> TestServer {
        let server = try await TestServer.make(outreachSenders: senders)
        server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific)
        return server
    }

    static func enroll(_ sequence: String, lead: String, server: TestServer, client: some TestClientProtocol) async throws -> [String: Any] {
        try await LeadAPITests.call(
            .post, "/api/v1/sequences/\(sequence)/enroll", body: #"{"lead_id": "\#(lead)"}"#, key: server.tenant.apiKey, client: client, expect: .created
        )
    }

    static func outreach(_ lead: String, server: TestServer, client: some TestClientProtocol) async throws -> (enrollments: [[String: Any]], attempts: [[String: Any]]) {
        let detail = try await LeadAPITests.get("/api/v1/leads/\(lead)", server: server, client: client)
        let outreach = try #require(detail["outreach"] as? [String: Any])
        return (outreach["enrollments"] as? [[String: Any]] ?? [], outreach["attempts"] as? [[String: Any]] ?? [])
    }

    @Test("each step runs its delay after the previous one ran, rendered for the lead, and the enrollment completes")
    func stepsInOrder() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        let scheduler = server.dependencies.outreachScheduler
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.sms.messages.map(\.body) == ["Hi Jane, thanks for reaching out."])
            #expect(channels.sms.messages.first?.to == "+17025551234")
            #expect(try await scheduler.runDue() == 0)
            server.clock.advance(byMilliseconds: 29 * Self.minute)
            #expect(try await scheduler.runDue() == 0)
            server.clock.advance(byMilliseconds: Self.minute)
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.email.messages.map(\.subject) == ["Your case"])
            server.clock.advance(byMilliseconds: 120 * Self.minute)
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.call.messages.count == 1)
            #expect(channels.call.messages.first?.body == "")

            let (enrollments, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["status"] as? String == "completed")
            #expect(attempts.map { $0["outcome"] as? String } == ["sent", "sent", "sent"])
            #expect(attempts.map { $0["channel"] as? String } == ["sms", "email", "call"])
            let detail = try await LeadAPITests.get("/api/v1/sequences/\(sequence)", server: server, client: client)
            #expect(detail["completed"] as? Int == 1)
            #expect(detail["active"] as? Int == 0)
        }
    }

    @Test("a closed window defers a text to the instant it opens; the next delay counts from then")
    func deferredAcrossWindow() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        let scheduler = server.dependencies.outreachScheduler
        // Monday 22:00 in Las Vegas: Tuesday 08:00 PDT is 15:00Z, ten hours on.
        server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific + 10 * 60 * Self.minute)
        try await server.test { client in
            let sequence = try await create(
                "/api/v1/sequences",
                body: #"{"name": "texts", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "one"}, {"channel": "sms", "delay_minutes": 30, "template": "two"}]}"#,
                key: server.tenant.apiKey, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            let enrolled = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            #expect(enrolled["next_step_at"] as? String == "2026-04-21T15:00:00Z")
            #expect(try await scheduler.runDue() == 0)
            server.clock.advance(byMilliseconds: 10 * 60 * Self.minute - 1)
            #expect(try await scheduler.runDue() == 0)
            #expect(channels.sms.messages.isEmpty)
            server.clock.advance(byMilliseconds: 1)
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.sms.messages.map(\.body) == ["one"])
            let (enrollments, _) = try await Self.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["next_step_at"] as? String == "2026-04-21T15:30:00Z")
        }
    }

    @Test("a step whose window closed while it waited is deferred, shown on the lead, and runs when it opens")
    func deferredAtRunTime() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        let scheduler = server.dependencies.outreachScheduler
        try await server.test { client in
            // Due at 21:30 Pacific, after the window closes at 21:00.
            let sequence = try await create(
                "/api/v1/sequences", body: #"{"name": "late", "steps": [{"channel": "call", "delay_minutes": 570, "template": "script"}]}"#,
                key: server.tenant.apiKey, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            let enrolled = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            #expect(enrolled["next_step_at"] as? String == "2026-04-21T15:00:00Z")
            server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific + 570 * Self.minute)
            #expect(try await scheduler.runDue() == 0)
            server.clock.set(milliseconds: try Date("2026-04-21T15:00:00Z", strategy: .iso8601).epochMilliseconds)
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.call.messages.map(\.body) == ["script"])
        }
    }

    @Test("a channel with no transport skips its steps with channel_not_configured; the sequence goes on")
    func notConfigured() async throws {
        let sms = RecordingOutreachSender()
        let server = try await Self.server([.sms: sms])
        let scheduler = server.dependencies.outreachScheduler
        try await server.test { client in
            let sequence = try await create(
                "/api/v1/sequences",
                body: #"{"name": "mixed", "steps": [{"channel": "email", "delay_minutes": 0, "template": "mail", "subject": "s"}, {"channel": "sms", "delay_minutes": 0, "template": "text"}]}"#,
                key: server.tenant.apiKey, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await scheduler.runDue() == 2)
            #expect(sms.messages.map(\.body) == ["text"])
            let (_, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(attempts.map { $0["outcome"] as? String } == ["skipped", "sent"])
            #expect(attempts.first?["reason"] as? String == "channel_not_configured")
        }
    }

    @Test("a number put on the internal list after enrollment: the step is blocked, the enrollment ends, nothing is sent")
    func doNotCallEnds() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            _ = try await server.dependencies.doNotCallStore.changeInternal(
                tenantID: server.tenant.tenant.id, additions: [7_025_551_234], deletions: [], source: "test", nowMilliseconds: 0
            )
            try await server.dependencies.outreachScheduler.runDue()
            #expect(channels.sms.messages.isEmpty)
            let (enrollments, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["status"] as? String == "ended")
            #expect(enrollments.first?["end_reason"] as? String == "internal_dnc")
            #expect(attempts.map { $0["outcome"] as? String } == ["blocked"])
            let detail = try await LeadAPITests.get("/api/v1/sequences/\(sequence)", server: server, client: client)
            #expect(detail["ended"] as? Int == 1)
        }
    }

    @Test("a revoked consent certificate ends the enrollment before the next text")
    func revokedConsentEnds() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: server.tenant.apiKey, client: client)
            let leadBody = try await LeadAPITests.send(LeadAPITests.inbound(), server: server, client: client)
            let lead = try #require(leadBody["id"] as? String)
            let certificate = try #require(leadBody["consent_certificate_id"] as? String)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            _ = try await server.dependencies.consents.revoke(id: certificate, tenantID: server.tenant.tenant.id)
            try await server.dependencies.outreachScheduler.runDue()
            #expect(channels.sms.messages.isEmpty)
            let (enrollments, _) = try await Self.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["end_reason"] as? String == "consent_revoked")
        }
    }

    @Test("revoke-consent is an opt-out: the phone joins the internal list, every certificate of it is revoked, its enrollments end")
    func revokeConsentEndsEnrollments() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: server.tenant.apiKey, client: client)
            let leadBody = try await LeadAPITests.send(LeadAPITests.inbound(), server: server, client: client)
            let lead = try #require(leadBody["id"] as? String)
            let certificate = try #require(leadBody["consent_certificate_id"] as? String)
            // A second consent recorded later against the same lead.
            let second = try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"lead_id": "\#(lead)", "consent_type": "tcpa_express_written", "consent_text": "Yes, text me.", "ip_address": "203.0.113.9"}"#)
            ) { response in try #require(try response.object()["certificate_id"] as? String) }
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            try await client.execute(
                uri: "/api/v1/compliance/revoke-consent", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"certificate_id": "\#(certificate)"}"#)
            ) { response in #expect(response.status == .ok, "\(response.text)") }
            #expect(try await server.dependencies.consents.verify(id: second, tenantID: server.tenant.tenant.id).certificate?.revokedAt != nil)
            #expect(try await server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: server.tenant.tenant.id).internalList)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 0)
            #expect(channels.sms.messages.isEmpty)
            let (enrollments, _) = try await Self.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["status"] as? String == "ended")
            #expect(enrollments.first?["end_reason"] as? String == "opted_out")
        }
    }

    @Test("never reached: retried 1, 3 and 9 minutes on, then failed; unknown and rejected are never retried")
    func retries() async throws {
        let sms = RecordingOutreachSender(script: Array(repeating: .notReached(reason: "connection refused"), count: 4) + [.unknown(reason: "timeout"), .rejected(reason: "400 21211 invalid To")])
        let server = try await Self.server([.sms: sms])
        let scheduler = server.dependencies.outreachScheduler
        try await server.test { client in
            let sequence = try await create(
                "/api/v1/sequences",
                body: #"{"name": "r", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "a"}, {"channel": "sms", "delay_minutes": 0, "template": "b"}, {"channel": "sms", "delay_minutes": 0, "template": "c"}]}"#,
                key: server.tenant.apiKey, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            try await scheduler.runDue()
            for delay in [1, 3, 9] as [Int64] {
                server.clock.advance(byMilliseconds: delay * Self.minute - 1)
                #expect(try await scheduler.runDue() == 0)
                server.clock.advance(byMilliseconds: 1)
                try await scheduler.runDue()
            }
            // a: four tries; b: unknown, once; c: rejected, once.
            #expect(sms.messages.map(\.body) == ["a", "a", "a", "a", "b", "c"])
            let (enrollments, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(attempts.map { $0["outcome"] as? String } == ["not_reached", "not_reached", "not_reached", "failed", "unknown", "failed"])
            #expect(enrollments.first?["status"] as? String == "completed")
        }
    }

    @Test("a paused sequence runs nothing; resume runs the overdue step at once")
    func pauseResume() async throws {
        let channels = Channels()
        let server = try await Self.server(channels.all)
        let scheduler = server.dependencies.outreachScheduler
        let key = server.tenant.apiKey
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: key, client: client)
            let paused = try await LeadAPITests.call(.post, "/api/v1/sequences/\(sequence)/pause", key: key, client: client, expect: .ok)
            #expect(paused["status"] as? String == "paused")
            // Enrolling into a paused sequence is allowed; nothing runs until resume.
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            server.clock.advance(byMilliseconds: 60 * Self.minute)
            #expect(try await scheduler.runDue() == 0)
            #expect(try await scheduler.nextDueMilliseconds() == nil)
            let resumed = try await LeadAPITests.call(.post, "/api/v1/sequences/\(sequence)/resume", key: key, client: client, expect: .ok)
            #expect(resumed["status"] as? String == "active")
            #expect(try await scheduler.runDue() == 1)
            #expect(channels.sms.messages.count == 1)
            // The email step counts its 30 minutes from the text's actual run.
            let (enrollments, _) = try await Self.outreach(lead, server: server, client: client)
            let expected = Date(epochMilliseconds: server.clock.nowMilliseconds() + 30 * Self.minute).formatted(.iso8601)
            #expect(enrollments.first?["next_step_at"] as? String == expected)
        }
    }

    @Test("a claim cut off by a stop is settled as unknown at start and never sent again")
    func interruptedClaim() async throws {
        let sms = RecordingOutreachSender()
        let server = try await Self.server([.sms: sms])
        let scheduler = server.dependencies.outreachScheduler
        try await server.test { client in
            let sequence = try await create(
                "/api/v1/sequences", body: #"{"name": "one", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "a"}]}"#,
                key: server.tenant.apiKey, client: client
            )
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            let enrolled = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            // What a claim looks like when the process dies before the channel answers.
            let repository = SQLiteSequenceRepository(database: server.dependencies.database)
            let enrollmentID = try #require(enrolled["enrollment_id"] as? String)
            let enrollment = try #require(try await repository.enrollment(id: enrollmentID))
            var inFlight = enrollment
            inFlight.nextStepAtMilliseconds = nil
            let claim = OutreachAttempt(
                id: "out_test", tenantID: enrollment.tenantID, enrollmentID: enrollment.id, sequenceID: sequence, leadID: lead, step: 1, channel: .sms,
                outcome: .claimed, recipient: "+17025551234", attemptedAtMilliseconds: server.clock.nowMilliseconds()
            )
            #expect(try await repository.apply(claim, to: inFlight, expectedNextStep: 0, requireDue: true))
            #expect(try await scheduler.runDue() == 0)
            // With other nodes sending too, a claim younger than the age may be one being sent right now.
            #expect(try await scheduler.settleInterruptedSends(olderThanMilliseconds: 300_000) == 0)
            server.clock.advance(byMilliseconds: 300_001)
            #expect(try await scheduler.settleInterruptedSends(olderThanMilliseconds: 300_000) == 1)
            #expect(try await scheduler.runDue() == 0)
            #expect(sms.messages.isEmpty)
            let (enrollments, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(attempts.map { $0["outcome"] as? String } == ["unknown"])
            #expect(enrollments.first?["status"] as? String == "completed")
        }
    }

    @Test("Florida's three a day: the fourth text waits until the first has aged 24 hours")
    func stateCap() async throws {
        let sms = RecordingOutreachSender()
        let server = try await Self.server([.sms: sms])
        let scheduler = server.dependencies.outreachScheduler
        // Monday 12:00 in Miami.
        let start = try Date("2026-04-20T16:00:00Z", strategy: .iso8601).epochMilliseconds
        server.clock.set(milliseconds: start)
        try await server.test { client in
            let steps = (1...4).map { #"{"channel": "sms", "delay_minutes": 0, "template": "t\#($0)"}"# }.joined(separator: ", ")
            let sequence = try await create("/api/v1/sequences", body: #"{"name": "many", "steps": [\#(steps)]}"#, key: server.tenant.apiKey, client: client)
            let body = LeadAPITests.inbound(phone: "+13055550123", email: "fl@example.com").replacingOccurrences(of: #""state": "NV", "zip_code": "89101""#, with: #""state": "FL", "zip_code": "33101""#)
            let lead = try #require(try await LeadAPITests.send(body, server: server, client: client)["id"] as? String)
            _ = try await Self.enroll(sequence, lead: lead, server: server, client: client)
            try await scheduler.runDue()
            #expect(sms.messages.map(\.body) == ["t1", "t2", "t3"])
            let (_, attempts) = try await Self.outreach(lead, server: server, client: client)
            #expect(attempts.last?["outcome"] as? String == "deferred")
            #expect(attempts.last?["deferred_until"] as? String == "2026-04-21T16:00:00Z")
            // The pre-flight counts the same recorded texts when the caller does not say how many were made.
            let check = try await client.execute(
                uri: "/api/v1/compliance/check-outreach", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                body: .json(#"{"phone": "+13055550123", "state": "FL", "channel": "sms", "has_consent": true}"#)
            ) { response in try response.object() }
            #expect((check["checks"] as? [String: String])?["state_rules"] == "fail")
            server.clock.set(milliseconds: start + 86_400_000)
            try await scheduler.runDue()
            #expect(sms.messages.map(\.body) == ["t1", "t2", "t3", "t4"])
        }
    }
}
