import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The outbound target policy as an operator meets it: the built binary, a real socket, a real store.
@Suite("Outbound targets, end to end")
struct OutboundTargetEndToEndTests {
    static let lead = #"{"first_name": "Jane", "last_name": "Doe", "phone": "+17025551234", "email": "jane@example.com", "state": "NV", "zip_code": "89101"}"#
    static let consent = #"{"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42"}"#

    @Test("by default a tenant cannot point a buyer at loopback or cloud metadata: 422 with the field and the reason")
    func refusedByDefault() async throws {
        let workspace = try Workspace()
        let apiKey = try #require(try JSON.object(try await workspace.run(["tenant", "create", "Acme"]).stdout)["api_key"] as? String)
        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let headers: HTTPHeaders = ["X-API-Key": apiKey, "Content-Type": "application/json"]
            for (url, code) in [
                ("http://127.0.0.1:\(server.port)/hook", "port_not_allowed"), ("http://127.0.0.1/hook", "address_not_allowed"),
                ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"), ("http://[::ffff:169.254.169.254]/", "address_not_allowed"),
                ("http://localhost/hook", "address_not_allowed"), ("http://127.0.0.1:99999/x", "invalid_url"),
            ] {
                let body = #"{"name": "B", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 100, "webhook_url": "\#(url)"}"#
                let response = try await client.request(server.url("/api/v1/buyers"), method: .POST, headers: headers, body: body)
                #expect(response.status == 422, "\(url): \(response.body)")
                let errors = try JSON.object(response.body)["errors"] as? [[String: Any]]
                #expect(errors?.first?["field"] as? String == "webhook_url")
                #expect(errors?.first?["code"] as? String == code, "\(url): \(response.body)")
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(try await server.terminate().status == 0)
    }

    // Regression: a webhook_url of http://127.0.0.1:99999/x killed the server at delivery (a trap
    // in URL handling), and again on every restart, as the courier retried the committed sale.
    @Test("rows holding URLs no API would accept never stop the server: three restarts, each retry a typed failed attempt")
    func plantedRowsSurviveRestarts() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme"]).stdout)
        let apiKey = try #require(tenant["api_key"] as? String)
        let complianceKey = try #require(tenant["compliance_key"] as? String)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let standard: HTTPHeaders = ["X-API-Key": apiKey, "Content-Type": "application/json"]
            let compliance: HTTPHeaders = ["X-Compliance-API-Key": complianceKey, "Content-Type": "application/json"]
            // A sale whose delivery is pending: its webhook refuses connections (port 9, nothing listens).
            var server = try await workspace.startServer(["--port", "0", "--allow-private-targets"])
            let fixed = try JSON.object(
                try await client.request(
                    server.url("/api/v1/buyers"), method: .POST, headers: standard,
                    body: #"{"name": "Fixed", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 50000, "webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": "whsec_x"}"#
                ).body
            )["id"] as? String
            let realTime = try JSON.object(
                try await client.request(
                    server.url("/api/v1/buyers"), method: .POST, headers: standard,
                    body: #"{"name": "RTB", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 40000, "bid_url": "http://127.0.0.1:9/bid"}"#
                ).body
            )["id"] as? String
            let (fixedID, realTimeID) = (try #require(fixed), try #require(realTime))
            let ping = try JSON.object(
                try await client.request(
                    server.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance,
                    body: #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "lp"}"#
                ).body
            )["ping_id"] as? String
            let post = try await client.request(
                server.url("/api/v1/pingpost/post"), method: .POST, headers: compliance,
                body: #"{"ping_id": "\#(try #require(ping))", "buyer_id": "\#(fixedID)", "lead": \#(Self.lead), "consent": \#(Self.consent)}"#
            )
            #expect(post.status == 200, "\(post.body)")
            let leadID = try #require(try JSON.object(post.body)["lead_id"] as? String)
            #expect(try await server.terminate().status == 0)

            // Rows as no API would write them, planted straight in the store.
            try await DatabaseOperationTests.sqlite(
                workspace.databasePath,
                """
                UPDATE buyers SET webhook_url = 'http://127.0.0.1:99999/x' WHERE id = '\(fixedID)';
                UPDATE buyers SET bid_url = 'http://[::1]:94036/' WHERE id = '\(realTimeID)';
                UPDATE deliveries SET url = 'http://127.0.0.1:99999/x', next_attempt_at = 0;
                """
            )
            for restart in 1...3 {
                server = try await workspace.startServer()
                #expect(try await client.request(server.url("/healthz"), method: .GET, headers: [:]).status == 200)
                // The courier retries due deliveries every second; the planted one is due at once.
                var attempts: [[String: Any]] = []
                for _ in 0..<100 {
                    let lead = try JSON.object(try await client.request(server.url("/api/v1/leads/\(leadID)"), method: .GET, headers: standard).body)
                    attempts = ((lead["deliveries"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]]) ?? []
                    if attempts.count > restart { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(attempts.count == restart + 1, "restart \(restart): \(attempts)")
                #expect(attempts.last?["reason"] as? String == "target_not_allowed", "\(attempts)")
                #expect((attempts.last?["error"] as? String)?.contains("invalid_url") == true)
                // The planted bid_url is a typed no-bid, not a trap.
                let answer = try JSON.object(
                    try await client.request(
                        server.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance,
                        body: #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "lp"}"#
                    ).body
                )
                let detail = try JSON.object(
                    try await client.request(
                        server.url("/api/v1/pingpost/pings/\(try #require(answer["ping_id"] as? String))"), method: .GET, headers: compliance
                    ).body
                )
                let outcome = (detail["outcomes"] as? [[String: Any]])?.first { $0["buyer_id"] as? String == realTimeID }
                #expect(outcome?["no_bid_reason"] as? String == "target_not_allowed", "\(String(describing: outcome))")
                let stopped = try await server.terminate()
                #expect(stopped.status == 0, "restart \(restart) ended with \(stopped.status): \(stopped.stderr.suffix(500))")
                // The next retry would wait its backoff: make it due at once for the next start.
                try await DatabaseOperationTests.sqlite(workspace.databasePath, "UPDATE deliveries SET next_attempt_at = 0 WHERE status = 'pending';")
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
