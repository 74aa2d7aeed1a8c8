import AsyncHTTPClient
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// A sending domain and the email channel as an operator runs them: the built binary, a real DNS
/// server (dnsmasq) serving the records the API asked for, a real SMTP sink (aiosmtpd), and the
/// DKIM signature checked by dkimpy against the key dnsmasq publishes.
@Suite("Email, end to end")
struct EmailEndToEndTests {
    static var peersAvailable: Bool { DNSServerProcess.isInstalled && SMTPSink.isAvailable && DKIMVerification.isAvailable }

    @Test(
        "wrong, duplicated and missing records fail, the published ones verify, over real DNS; an email step reaches the relay DKIM-signed; one-click unsubscribe ends the enrollment",
        .enabled(if: peersAvailable, "needs dnsmasq-base, aiosmtpd and dkimpy (.ci/run installs them)")
    )
    func domainToInbox() async throws {
        // First wrong records: two SPF records, another key, no DMARC anywhere.
        let wrong = DNSServerProcess.Zone(
            name: "acme.test",
            txt: [
                (owner: "mail.acme.test", strings: ["v=spf1 a ~all"]), (owner: "mail.acme.test", strings: ["v=spf1 mx ~all"]),
                (owner: "ezl._domainkey.mail.acme.test", strings: ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnotours"]),
            ]
        )
        let wrongDNS = try await DNSServerProcess.start(wrong)
        let dnsPort = wrongDNS.port
        var rightDNS: DNSServerProcess?
        let workspace = try Workspace()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await SMTPSink.running { sink in
                let server = try await workspace.startServer(
                    ["--port", "0"],
                    environment: ["EZLEEDS_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "EZLEEDS_DNS_SERVER": "127.0.0.1:\(dnsPort)"]
                )
                let tenant = try JSON.object(try #require(server.stdoutLines().first { $0.hasPrefix("{") }))
                let key = try #require(tenant["api_key"] as? String)
                let tenantID = try #require(tenant["tenant_id"] as? String)
                let headers: HTTPHeaders = ["X-API-Key": key, "Content-Type": "application/json"]
                #expect(try await workspace.run(["tenant", "postal-address", "--tenant", tenantID, "Acme Legal, 100 Main St, Las Vegas, NV 89101"]).status == 0)

                let domain = try JSON.object(
                    try await client.request(server.url("/api/v1/domains"), method: .POST, headers: headers, body: #"{"domain": "mail.acme.test"}"#).body
                )
                let domainID = try #require(domain["id"] as? String)
                let records = try #require(domain["dns_records"] as? [[String: Any]]).compactMap { record -> (owner: String, strings: [String])? in
                    guard let name = record["name"] as? String, let value = record["value"] as? String else { return nil }
                    // The DKIM key is long enough to be split into strings, as DNS hosts split it.
                    return (name, DNSServerProcess.Zone.splitting(value))
                }
                #expect(records.count == 3)
                let failed = try await Self.verify(domainID, until: "failed", server: server, headers: headers, client: client)
                #expect(failed["status"] as? String == "failed", "\(failed)")
                let reasons = (failed["checks"] as? [[String: Any]] ?? []).map { $0["reason"] as? String ?? "" }
                #expect(reasons.count == 3 && reasons[0].contains("2 SPF records"), "\(reasons)")
                #expect(reasons.count == 3 && reasons[1].contains("not this domain's public key"), "\(reasons)")
                #expect(reasons.count == 3 && reasons[2].contains("no DMARC record"), "\(reasons)")

                // Then the records the API asked for, at the same address.
                await wrongDNS.stop()
                rightDNS = try await DNSServerProcess.start(.init(name: "acme.test", txt: records), port: dnsPort)
                let verified = try await Self.verify(domainID, until: "verified", server: server, headers: headers, client: client)
                #expect(verified["status"] as? String == "verified", "\(verified)")

                let sequence = try JSON.object(
                    try await client.request(
                        server.url("/api/v1/sequences"), method: .POST, headers: headers,
                        body: #"{"name": "Mail", "steps": [{"channel": "email", "delay_minutes": 0, "subject": "Your case, {{first_name}}", "template": "Hi {{first_name}},\n\nThanks for reaching out.\n"}, {"channel": "email", "delay_minutes": 1, "subject": "Again", "template": "Still there?"}]}"#
                    ).body
                )
                let sequenceID = try #require(sequence["id"] as? String)
                let lead = try JSON.object(
                    try await client.request(
                        server.url("/api/v1/leads/inbound"), method: .POST, headers: headers,
                        body: #"{"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+17025551234", "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "e2e", "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be emailed.", "ip_address": "203.0.113.42"}}"#
                    ).body
                )
                let leadID = try #require(lead["id"] as? String)
                let enrolled = try await client.request(
                    server.url("/api/v1/sequences/\(sequenceID)/enroll"), method: .POST, headers: headers, body: #"{"lead_id": "\#(leadID)"}"#
                )
                #expect(enrolled.status == 201, "\(enrolled.body)")

                for _ in 0..<200 where sink.received.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                let received = try #require(sink.received.first, "no message reached the relay: \(server.stderr())")
                #expect(received.from == "outreach@mail.acme.test")
                #expect(received.to == ["jane@example.com"])
                let message = received.message
                let dkim = try await DKIMVerification.verify(message, dnsPort: dnsPort)
                #expect(dkim.passed, "dkimpy: \(dkim.output)\n\(message)")
                #expect(message.contains("Acme Legal, 100 Main St, Las Vegas, NV 89101"))

                let header = try #require(message.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") })
                let path = try #require(URLComponents(string: String(header.dropFirst("List-Unsubscribe: <".count).dropLast()))?.path)
                let unsubscribed = try await client.request(
                    server.url(path), method: .POST, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "List-Unsubscribe=One-Click"
                )
                #expect(unsubscribed.status == 200)
                let detail = try JSON.object(try await client.request(server.url("/api/v1/leads/\(leadID)"), method: .GET, headers: headers).body)
                let enrollment = ((detail["outreach"] as? [String: Any])?["enrollments"] as? [[String: Any]])?.first
                #expect(enrollment?["status"] as? String == "ended")
                #expect(enrollment?["end_reason"] as? String == "opted_out")
                let stopped = try await server.terminate()
                #expect(stopped.status == 0)
                #expect(stopped.stderr.contains("store closed"), "the server stops gracefully")
                #expect(sink.received.count == 1, "the second email is never sent")
            }
        } catch {
            await wrongDNS.stop()
            await rightDNS?.stop()
            try await client.shutdown()
            throw error
        }
        await wrongDNS.stop()
        await rightDNS?.stop()
        try await client.shutdown()
    }

    /// Asks for verification until the domain's status is `status` (the server may still be starting its lookups), or 4 s pass.
    static func verify(
        _ domainID: String, until status: String, server: RunningServer, headers: HTTPHeaders, client: HTTPClient
    ) async throws -> [String: Any] {
        var answer: [String: Any] = [:]
        for _ in 0..<40 {
            answer = try JSON.object(try await client.request(server.url("/api/v1/domains/\(domainID)/verify"), method: .POST, headers: headers).body)
            if answer["status"] as? String == status { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return answer
    }
}
