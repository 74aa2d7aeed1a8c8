import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadOutbound
import NIOCore
import Testing

@Suite("Inbound SMS webhook: Twilio-signed opt-outs end outreach for every account that texted the number")
struct SMSInboundTests {
    static let token = SMSProviderFake.authToken
    static let path = "/api/v1/sms/inbound"

    /// Twilio's algorithm written out here, apart from the server's: URL, then each name and value sorted by name.
    static func signature(url: String, form: [(String, String)], token: String = Self.token) -> String {
        let text = url + form.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))).base64EncodedString()
    }

    static func body(_ form: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static func form(body: String, from: String = "+17025551234") -> [(String, String)] {
        [("MessageSid", "SM0001"), ("AccountSid", SMSProviderFake.accountSID), ("From", from), ("To", SMSProviderFake.from), ("Body", body)]
    }

    static func post(_ form: [(String, String)], signature: String?, client: some TestClientProtocol) async throws -> HTTPResponse.Status {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let signature { headers[HTTPField.Name("X-Twilio-Signature")!] = signature }
        return try await client.execute(uri: Self.path, method: .post, headers: headers, body: Self.body(form)) { response in
            if response.status == .ok {
                #expect(response.headers[.contentType]?.hasPrefix("text/xml") == true)
                #expect(response.text.contains("<Response></Response>"))
            }
            return response.status
        }
    }

    static func server(sms: Bool = true, publicBaseURL: String? = nil) async throws -> (TestServer, RecordingOutreachSender) {
        let channel = RecordingOutreachSender()
        let server = try await TestServer.make(
            targets: { configuration in
                configuration.allowPrivateTargets = true
                if sms { configuration.sms = SMSProviderFake.account(url: "http://127.0.0.1:9") }
                configuration.publicBaseURL = publicBaseURL
            },
            outreachSenders: [.sms: channel, .call: RecordingOutreachSender()]
        )
        server.clock.set(milliseconds: SequenceAPITests.mondayNoonPacific)
        return (server, channel)
    }

    @Test("STOP with a good signature (over the public base URL) lists the number, revokes the lead's certificate and ends its enrollments; other accounts untouched")
    func stopEndsOutreach() async throws {
        let (server, channel) = try await Self.server(publicBaseURL: "https://leads.example.com/")
        let key = server.tenant.apiKey
        try await server.test { client in
            let sequence = try await create(
                "/api/v1/sequences",
                body: #"{"name": "Text then call", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi {{first_name}}"}, {"channel": "call", "delay_minutes": 60}]}"#,
                key: key, client: client
            )
            let answer = try await LeadAPITests.send(LeadAPITests.inbound(), server: server, client: client)
            let lead = try #require(answer["id"] as? String)
            let certificate = try #require(answer["consent_certificate_id"] as? String)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            #expect(channel.messages.count == 1)

            // Not a stop: nothing changes.
            let hello = Self.form(body: "Who is this?")
            #expect(try await Self.post(hello, signature: Self.signature(url: "https://leads.example.com/api/v1/sms/inbound", form: hello), client: client) == .ok)
            #expect(try await !server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: server.tenant.tenant.id).internalList)

            let stop = Self.form(body: "Stop texting me!")
            #expect(try await Self.post(stop, signature: Self.signature(url: "https://leads.example.com/api/v1/sms/inbound", form: stop), client: client) == .ok)
            let tenantID = server.tenant.tenant.id
            #expect(try await server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: tenantID).internalList)
            #expect(try await server.dependencies.consents.verify(id: certificate, tenantID: tenantID).certificate?.revokedAt != nil)
            #expect(try await !server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: server.otherTenant.tenant.id).internalList)
            let (enrollments, _) = try await OutreachSchedulerTests.outreach(lead, server: server, client: client)
            #expect(enrollments.first?["status"] as? String == "ended")
            #expect(enrollments.first?["end_reason"] as? String == "opted_out")
            server.clock.advance(byMilliseconds: 60 * OutreachSchedulerTests.minute)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 0)
            #expect(channel.messages.count == 1)
        }
    }

    @Test("a bad, missing or foreign-token signature, or one over another URL, is a 403 and changes nothing; the Host header makes the URL without a public base URL")
    func badSignatures() async throws {
        let (server, channel) = try await Self.server()
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: OutreachChannelTests.textSequence, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            #expect(channel.messages.count == 1)
            let stop = Self.form(body: "STOP")
            // The test client sends Host: localhost, so that is the URL a provider would have signed.
            let url = "http://localhost\(Self.path)"
            for signature in [
                nil, "", "not-a-signature", Self.signature(url: url, form: stop, token: "another_token"),
                Self.signature(url: "https://leads.example.com\(Self.path)", form: stop), Self.signature(url: url, form: Self.form(body: "hello")),
            ] as [String?] {
                #expect(try await Self.post(stop, signature: signature, client: client) == .forbidden, "\(signature ?? "no signature")")
            }
            #expect(try await !server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: server.tenant.tenant.id).internalList)
            #expect(try await Self.post(stop, signature: Self.signature(url: url, form: stop), client: client) == .ok)
            #expect(try await server.dependencies.doNotCall.match(phone: "+17025551234", state: "NV", tenantID: server.tenant.tenant.id).internalList)
        }
    }

    @Test("a server without an SMS account refuses every inbound text with a 403")
    func notConfigured() async throws {
        let (server, _) = try await Self.server(sms: false, publicBaseURL: "https://leads.example.com")
        try await server.test { client in
            let stop = Self.form(body: "STOP")
            let status = try await Self.post(stop, signature: Self.signature(url: "https://leads.example.com\(Self.path)", form: stop), client: client)
            #expect(status == .forbidden)
        }
    }
}
