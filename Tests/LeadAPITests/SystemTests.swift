import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Logging
import NIOCore
import Testing

@Suite("Health, metrics, OpenAPI and framework-level errors")
struct SystemTests {
    @Test("GET /healthz is 200 {\"status\":\"ok\"} without a key")
    func health() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text == #"{"status":"ok"}"#)
            }
        }
    }

    @Test("GET /metrics counts requests by route template and status, with latency histograms")
    func metrics() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let id = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/buyers/\(id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { _ in }
            }
            try await client.execute(uri: "/api/v1/buyers/nope", method: .get, headers: .apiKey(server.tenant.apiKey)) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(text.contains(#"ezleeds_http_requests_total{route="/api/v1/buyers/{id}",method="GET",status="200"} 3"#))
                #expect(text.contains(#"ezleeds_http_requests_total{route="/api/v1/buyers/{id}",method="GET",status="404"} 1"#))
                #expect(text.contains(#"ezleeds_http_requests_total{route="/api/v1/buyers",method="POST",status="201"} 1"#))
                #expect(text.contains(#"ezleeds_http_request_duration_seconds_bucket{route="/api/v1/buyers/{id}",method="GET",status="200""#))
                #expect(!text.contains(id), "raw paths must not become labels")
            }
        }
    }

    @Test("the OpenAPI document describes every endpoint built")
    func openAPI() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try response.object()
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let expected: [(String, String)] = [
                    ("/healthz", "get"), ("/metrics", "get"), ("/api/v1/openapi.json", "get"),
                    ("/api/v1/buyers", "post"), ("/api/v1/buyers", "get"), ("/api/v1/buyers/match", "get"),
                    ("/api/v1/buyers/{id}", "get"), ("/api/v1/buyers/{id}", "patch"),
                    ("/api/v1/campaigns", "post"), ("/api/v1/campaigns", "get"),
                    ("/api/v1/campaigns/{id}", "get"), ("/api/v1/campaigns/{id}", "patch"),
                    ("/api/v1/pingpost/ping", "post"), ("/api/v1/pingpost/pings/{ping_id}", "get"),
                    ("/api/v1/pingpost/floors", "get"), ("/api/v1/pingpost/settings", "get"), ("/api/v1/pingpost/settings", "put"), ("/api/v1/pingpost/floors/{campaign_type}", "put"),
                    ("/api/v1/pingpost/post", "post"),
                    ("/api/v1/compliance/record-consent", "post"), ("/api/v1/compliance/verify-consent", "post"),
                    ("/api/v1/compliance/revoke-consent", "post"), ("/api/v1/compliance/public-key", "get"),
                    ("/api/v1/compliance/rules", "get"), ("/api/v1/compliance/rules/{state}", "get"),
                    ("/api/v1/compliance/check-outreach", "post"), ("/api/v1/compliance/dnc-check", "post"),
                    ("/api/v1/compliance/dnc/internal", "post"), ("/api/v1/compliance/dnc/internal/{phone}", "delete"),
                    ("/api/v1/leads/inbound", "post"), ("/api/v1/leads", "get"), ("/api/v1/leads/{id}", "get"),
                    ("/api/v1/leads/{id}", "patch"), ("/api/v1/leads/{id}/internal", "patch"), ("/api/v1/leads/{id}/accept", "post"),
                    ("/api/v1/leads/{id}/return", "post"),
                    ("/api/v1/billing/usage", "get"), ("/api/v1/billing/invoices", "get"), ("/api/v1/billing/credits/add", "post"),
                    ("/api/v1/billing/transactions", "get"), ("/api/v1/billing/refund", "post"),
                    ("/api/v1/sequences", "post"), ("/api/v1/sequences", "get"), ("/api/v1/sequences/{id}", "get"),
                    ("/api/v1/sequences/{id}/enroll", "post"), ("/api/v1/sequences/{id}/pause", "post"), ("/api/v1/sequences/{id}/resume", "post"),
                    ("/api/v1/sequences/{id}/enrollments/{lead_id}", "delete"),
                    ("/api/v1/reports/dashboard", "get"), ("/api/v1/reports/campaigns", "get"), ("/api/v1/reports/buyers", "get"),
                    ("/api/v1/reports/export", "get"),
                    ("/api/v1/webhook-test/send", "post"), ("/api/v1/webhook-test/validate", "post"), ("/api/v1/webhook-test/sample-payload", "get"),
                ]
                for (path, method) in expected {
                    #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not documented")
                }
                // The spec's two shapes of steps: a count where a sequence is listed, the definitions in its detail.
                let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
                let summary = schemas["SequenceSummary"]?["properties"] as? [String: [String: Any]]
                let detail = schemas["SequenceDetail"]?["properties"] as? [String: [String: Any]]
                #expect(summary?["steps"]?["type"] as? String == "integer")
                #expect(detail?["steps"]?["type"] as? String == "array")
            }
        }
    }

    @Test("the key-less OpenAPI document is rate-limited per client address; health never is")
    func addressRateLimit() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for sent in 1...100 {
                try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == String(100 - sent))
                }
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            for _ in 0..<150 {
                try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.status == .ok) }
            }
            // Keys are limited separately from addresses.
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("an unknown route is a 404 problem, and paths answer with or without a trailing slash")
    func routing() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for uri in ["/api/v1/nothing", "/", "/api/v2/buyers"] {
                try await client.execute(uri: uri, method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[HTTPField.Name("X-Request-ID")!] != nil)
                }
            }
            for uri in ["/api/v1/buyers", "/api/v1/buyers/", "/api/v1/campaigns", "/api/v1/campaigns/"] {
                try await client.execute(uri: uri, method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
            }
        }
    }

    @Test("a body over 1 MiB is a 413 problem and nothing is stored")
    func bodyTooLarge() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let padding = String(repeating: "x", count: (1 << 20) + 16)
            let body = #"{"name": "\#(padding)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 1}"#
            try await client.execute(uri: "/api/v1/buyers", method: .post, headers: .apiKey(server.tenant.apiKey), body: .json(body)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try response.object()
                #expect(body["code"] as? String == "body_too_large")
            }
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let body = try response.object()
                #expect(body["total"] as? Int == 0)
            }
        }
    }
}
