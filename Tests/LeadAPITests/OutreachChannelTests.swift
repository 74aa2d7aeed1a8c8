import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadOutbound
import NIOCore
import NIOPosix
import Synchronization
import Testing

@Suite("Outreach channels: texts through a Twilio-style API, calls to a signed dialer, against peers on 127.0.0.1")
struct OutreachChannelTests {
    static let textSequence = #"{"name": "One text", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi {{first_name}} & co: 50% off? Reply STOP to end."}]}"#

    static func server(_ configure: @escaping (inout ServerConfiguration) -> Void) async throws -> TestServer {
        let server = try await TestServer.make(targets: { configuration in
            configuration.allowPrivateTargets = true
            configure(&configuration)
        })
        server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific)
        return server
    }

    @Test("a text step posts To, From and Body with Basic auth to the account's Messages.json; the message SID is the attempt's provider_id")
    func textThroughProvider() async throws {
        let provider = SMSProviderFake()
        try await provider.run { url in
            let server = try await Self.server { $0.sms = SMSProviderFake.account(url: url) }
            try await server.test { client in
                let sequence = try await create("/api/v1/sequences", body: Self.textSequence, key: server.tenant.apiKey, client: client)
                let lead = try await SequenceAPITests.lead(server: server, client: client)
                _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
                #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
                let received = try #require(provider.received.first)
                #expect(provider.received.count == 1)
                #expect(received.path == "/2010-04-01/Accounts/\(SMSProviderFake.accountSID)/Messages.json")
                let credentials = Data("\(SMSProviderFake.accountSID):\(SMSProviderFake.authToken)".utf8).base64EncodedString()
                #expect(received.authorization == "Basic \(credentials)")
                #expect(received.contentType == "application/x-www-form-urlencoded")
                #expect(received.form == ["To": "+17025551234", "From": SMSProviderFake.from, "Body": "Hi Jane & co: 50% off? Reply STOP to end."])
                let (enrollments, attempts) = try await OutreachSchedulerTests.outreach(lead, server: server, client: client)
                #expect(attempts.first?["outcome"] as? String == "sent")
                #expect(attempts.first?["provider_id"] as? String == "SM1")
                #expect(enrollments.first?["status"] as? String == "completed")
            }
            await server.dependencies.shutdown()
        }
    }

    @Test("what the provider answers decides the outcome: 429 and a refused connection are not reached, a 5xx is unknown, a 4xx is rejected with its reason")
    func providerAnswers() async throws {
        let provider = SMSProviderFake()
        let message = OutreachMessage(
            enrollmentID: "enr_1", sequenceID: "seq_1", step: 1, leadID: "lead_1", tenantID: "ten_1", channel: .sms, to: "+17025551234",
            body: "Hi", firstName: "Jane", lastName: "Doe", state: "NV"
        )
        let pool = OutboundConnectionPool(gate: TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true)))
        try await provider.run { url in
            let sender = TwilioSMSSender(account: SMSProviderFake.account(url: url), pool: pool, timeout: .seconds(5))
            provider.state.script.withLock {
                $0 = [
                    (429, #"{"code": 20429, "message": "Too Many Requests"}"#), (503, "<html>down</html>"),
                    (400, #"{"code": 21211, "message": "The 'To' number +17025551234 is not a valid phone number.", "status": 400}"#),
                ]
            }
            #expect(await sender.send(message) == .notReached(reason: "429 too many requests"))
            #expect(await sender.send(message) == .unknown(reason: "status 503"))
            #expect(await sender.send(message) == .rejected(reason: "status 400 21211 The 'To' number +17025551234 is not a valid phone number."))
            #expect(await sender.send(message) == .sent(providerID: "SM4"))
        }
        // Nothing listens there any more: the connection is refused, so the text never left.
        let closed = try await Self.closedPort()
        let refused = TwilioSMSSender(account: SMSProviderFake.account(url: "http://127.0.0.1:\(closed)"), pool: pool, timeout: .seconds(5))
        guard case .notReached = await refused.send(message) else {
            Issue.record("a refused connection is not reached")
            return
        }
        await pool.shutdown()
    }

    @Test("a text that times out after it was sent is unknown; one refused before a byte left (every connection busy) is not reached")
    func timeoutsBeforeAndAfterSending() async throws {
        let provider = SMSProviderFake()
        provider.state.answerDelay.withLock { $0 = .seconds(1) }
        let message = OutreachMessage(
            enrollmentID: "enr_1", sequenceID: "seq_1", step: 1, leadID: "lead_1", tenantID: "ten_1", channel: .sms, to: "+17025551234",
            body: "Hi", firstName: "Jane", lastName: "Doe", state: "NV"
        )
        let pool = OutboundConnectionPool(gate: TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true)), maxConnectionsPerEndpoint: 1)
        try await provider.run { url in
            let sender = TwilioSMSSender(account: SMSProviderFake.account(url: url), pool: pool, timeout: .milliseconds(300))
            async let first = sender.send(message)
            async let second = sender.send(message)
            var unknown = 0
            var notReached = 0
            for outcome in await [first, second] {
                switch outcome {
                case .unknown: unknown += 1
                case .notReached: notReached += 1
                default: Issue.record("unexpected \(outcome)")
                }
            }
            #expect(unknown == 1 && notReached == 1)
            try await Task.sleep(for: .milliseconds(1200))
            #expect(provider.received.count == 1, "only the text that went out reached the provider")
        }
        await pool.shutdown()
    }

    @Test("a call step posts a signed call.requested task to the dialer, checked with independent HMAC code")
    func callTaskToDialer() async throws {
        let dialer = DialerReceiver()
        try await dialer.run { url in
            let server = try await Self.server { $0.dialer = DialerCallSender.Endpoint(url: url, secret: DialerReceiver.secret) }
            try await server.test { client in
                let sequence = try await create(
                    "/api/v1/sequences", body: #"{"name": "Call", "steps": [{"channel": "call", "delay_minutes": 0, "template": "Ask {{first_name}} about the claim."}]}"#,
                    key: server.tenant.apiKey, client: client
                )
                let lead = try await SequenceAPITests.lead(server: server, client: client)
                let enrollment = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
                #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
                #expect(dialer.state.badSignatures.withLock { $0 } == 0)
                let task = try #require(dialer.state.tasks.withLock { $0 }.first)
                let enrollmentID = try #require(enrollment["enrollment_id"] as? String)
                #expect(
                    task == [
                        "event": "call.requested", "enrollment_id": .string(enrollmentID), "sequence_id": .string(sequence), "step": 1,
                        "lead_id": .string(lead), "phone": "+17025551234", "first_name": "Jane", "last_name": "Doe", "state": "NV",
                        "script": "Ask Jane about the claim.",
                    ]
                )
                #expect(dialer.state.ids.withLock { $0 } == ["\(enrollmentID)-1"])
                let (_, attempts) = try await OutreachSchedulerTests.outreach(lead, server: server, client: client)
                #expect(attempts.first?["outcome"] as? String == "sent")
            }
            await server.dependencies.shutdown()
        }
    }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        return port
    }
}
