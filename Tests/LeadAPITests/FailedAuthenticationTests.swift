import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import Testing

@testable import LeadAPI

/// Requests with keys that do not authenticate are counted per client address: past the key-less
/// endpoints' allowance they are 429s, on the router and on the ping fast lane alike.
@Suite("Failed authentications are rate limited per client address")
struct FailedAuthenticationTests {
    @Test("the 101st unknown key from one address within a minute is 429 with Retry-After; a known key is never held back")
    func routerLane() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for attempt in 1...100 {
                try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey("ezl_live_guess\(attempt)")) { response in
                    #expect(response.status == .unauthorized, "attempt \(attempt)")
                }
            }
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey("ezl_live_guess101")) { response in
                #expect(response.status == .tooManyRequests)
                let problem = try response.object()
                #expect(problem["code"] as? String == "rate_limited")
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: [:]) { response in
                #expect(response.status == .tooManyRequests, "a missing key is a failed authentication too")
            }
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
            }
            // One emission interval later (600 ms at 100/min), one more failure is answered as such.
            server.clock.advance(byMilliseconds: 600)
            try await client.execute(uri: "/api/v1/buyers", method: .get, headers: .apiKey("ezl_live_guess102")) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("the fast lane counts failed pings per address too, over a real socket")
    func fastLane() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            for attempt in 1...100 {
                try await client.execute(
                    uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey("ezl_comp_guess\(attempt)"), body: .json(PingAPITests.ping)
                ) { response in
                    #expect(response.status == .unauthorized, "attempt \(attempt)")
                }
            }
            try await client.execute(
                uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey("ezl_comp_guess101"), body: .json(PingAPITests.ping)
            ) { response in
                #expect(response.status == .tooManyRequests)
                let problem = try response.object()
                #expect(problem["code"] as? String == "rate_limited")
            }
            try await client.execute(
                uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey), body: .json(PingAPITests.ping)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }
}

@Suite("Logged paths: personal data and capabilities masked")
struct LoggedPathTests {
    @Test(
        "phone numbers, emails and unsubscribe tokens are masked; other paths are as they came",
        arguments: [
            ("/api/v1/compliance/dnc/internal/%2B17025551234", "/api/v1/compliance/dnc/internal/+1702…34"),
            ("/api/v1/compliance/dnc/internal/7025551234", "/api/v1/compliance/dnc/internal/702…34"),
            ("/api/v1/leads/jane%40example.com", "/api/v1/leads/j…@example.com"),
            ("/api/v1/unsubscribe/tok_abc.def", "/api/v1/unsubscribe/…"),
            ("/api/v1/buyers/buyer_01a23fb2ae6795b0ede5b000", "/api/v1/buyers/buyer_01a23fb2ae6795b0ede5b000"),
            ("/api/v1/reports/export", "/api/v1/reports/export"), ("/", "/"), ("", ""),
        ]
    )
    func masked(path: String, logged: String) {
        #expect(LoggedPath.masked(path) == logged)
    }
}

@Suite("Metrics access: this machine's clients, others with the operator's token")
struct MetricsAccessTests {
    @Test("loopback and in-process callers are served; other addresses need the Bearer token, compared whole")
    func decisions() {
        let open = MetricsAccess(token: nil)
        #expect(open.allows(address: "127.0.0.1", authorization: nil))
        #expect(open.allows(address: "::1", authorization: nil))
        #expect(open.allows(address: "::ffff:127.0.0.1", authorization: nil))
        #expect(open.allows(address: nil, authorization: nil))
        #expect(!open.allows(address: "203.0.113.9", authorization: nil))
        #expect(!open.allows(address: "10.0.0.2", authorization: "Bearer anything"), "no token set: no remote access at all")
        let guarded = MetricsAccess(token: "s3cret-token")
        #expect(guarded.allows(address: "203.0.113.9", authorization: "Bearer s3cret-token"))
        for wrong in ["Bearer s3cret", "Bearer s3cret-token-and-more", "bearer s3cret-token", "s3cret-token", "Basic czNjcmV0"] {
            #expect(!guarded.allows(address: "203.0.113.9", authorization: wrong), "\(wrong)")
        }
        #expect(!guarded.allows(address: "128.0.0.1", authorization: nil), "only 127/8 is loopback")
    }

    @Test("the binary serves /metrics to a loopback client over a real socket")
    func loopbackServed() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
