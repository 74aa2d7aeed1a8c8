import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LeadAPI

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
