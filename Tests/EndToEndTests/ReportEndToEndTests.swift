import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Reports and the webhook tester as an operator meets them: the built binary, a real socket, a real store.
@Suite("Reports and webhook testing, end to end")
struct ReportEndToEndTests {
    @Test("a sale shows on the dashboard and in the buyer report; 1,200 leads stream as CSV over the socket; the tester refuses loopback")
    func reportsOverTheSocket() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme"]).stdout)
        let tenantID = try #require(tenant["tenant_id"] as? String)
        // A key whose limit a bulk load does not reach.
        let bulkKey = try JSON.object(
            try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "standard", "--rate-limit-per-minute", "100000"]).stdout
        )
        let apiKey = try #require(bulkKey["key"] as? String)
        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let headers: HTTPHeaders = ["X-API-Key": apiKey, "Content-Type": "application/json"]
            let buyer = #"{"name": "Alpha", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 30000}"#
            #expect(try await client.request(server.url("/api/v1/buyers"), method: .POST, headers: headers, body: buyer).status == 201)
            // More leads than one export batch of 1,000; Alpha (invoiced, no credit limit) buys them all.
            for index in 0..<1_200 {
                let lead = """
                    {"first_name": "Jane", "last_name": "Doe", "email": "jane\(index)@example.com", "phone": "+1702555\(String(1000 + index % 9000))",
                     "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "e2e", "consent": {"consent_type":
                     "tcpa_express_written", "consent_text": "I agree.", "ip_address": "203.0.113.42"}}
                    """
                let answer = try await client.request(server.url("/api/v1/leads/inbound"), method: .POST, headers: headers, body: lead)
                try #require(answer.status == 201 || answer.status == 200, "\(answer.body)")
            }
            let dashboard = try JSON.object(try await client.request(server.url("/api/v1/reports/dashboard"), method: .GET, headers: headers).body)
            #expect(dashboard["leads_total"] as? Int == 1_200)
            let buyers = try JSON.object(try await client.request(server.url("/api/v1/reports/buyers"), method: .GET, headers: headers).body)
            let alpha = (buyers["buyers"] as? [[String: Any]])?.first
            #expect(alpha?["leads_purchased"] as? Int == dashboard["sales"] as? Int)
            #expect(alpha?["total_spent_cents"] as? Int == dashboard["revenue_cents"] as? Int)

            let export = try await client.request(server.url("/api/v1/reports/export?type=leads"), method: .GET, headers: headers)
            #expect(export.status == 200)
            #expect(export.headers["Content-Type"].first == "text/csv; charset=utf-8")
            let lines = export.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.hasPrefix("id,first_name,last_name,status,score,") == true)
            #expect(lines.count == 1_201)
            #expect(Set(lines.dropFirst().map { $0.prefix { $0 != "," } }).count == 1_200, "every lead once, across two batches")

            // The public tester: no key, and the operator's own loopback is not a target.
            let refused = try await client.request(
                server.url("/api/v1/webhook-test/send"), method: .POST, headers: ["Content-Type": "application/json"],
                body: #"{"url": "http://127.0.0.1:\#(server.port)/api/v1/healthz", "secret": "whsec_abc123"}"#
            )
            #expect(refused.status == 422)
            #expect(try JSON.object(refused.body)["code"] as? String == "target_not_allowed", "\(refused.body)")
            let sample = try await client.request(server.url("/api/v1/webhook-test/sample-payload"), method: .GET, headers: [:])
            #expect(try JSON.object(sample.body)["event"] as? String == "lead.delivered")
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(try await server.terminate().status == 0)
    }
}
