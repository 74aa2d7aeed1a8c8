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
