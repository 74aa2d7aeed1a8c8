import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Synchronization
import Testing

/// The event-loop fast lane for pings, over real sockets: the same answers, headers, errors and
/// metrics as the Hummingbird route, answers in request order, and hand-over of pings that must
/// wait for real-time bidders.
@Suite("Ping fast lane over a socket", .timeLimit(.minutes(1)))
struct FastLaneTests {
    static func metric(_ name: String, client: some TestClientProtocol) async throws -> Int {
        let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// What one ping and its error cases look like from outside, with either lane.
    struct Observed: Equatable {
        var statuses: [Int]
        var codes: [String?]
        var bidBuyers: [[String]]
        var rateLimitRemaining: [String?]
        var contentTypes: [String?]
        var requestIDs: Int
    }

    static func observe(fastLane: Bool) async throws -> Observed {
        let server = try await TestServer.make().reopened { $0.fastLane = fastLane }
        let record = Mutex(Observed(statuses: [], codes: [], bidBuyers: [], rateLimitRemaining: [], contentTypes: [], requestIDs: 0))
        try await server.test(.live) { client in
            for (name, price) in [("low", 100), ("high", 900)] {
                _ = try await create("/api/v1/buyers", body: PingAPITests.buyer(name, price: Int64(price)), key: server.tenant.apiKey, client: client)
            }
            let compliance = server.tenant.complianceKey
            let cases: [(key: String?, body: String)] = [
                (compliance, PingAPITests.ping),
                (nil, PingAPITests.ping),
                ("ezl_cmpl_unknown", PingAPITests.ping),
                (server.tenant.apiKey, PingAPITests.ping),
                (compliance, #"{"campaign_type": "legal_pi",}"#),
                (compliance, #"{"campaign_type": "boats", "state": "ZZ", "zip_code": 5, "source": "s"}"#),
                (compliance, "[1, 2]"),
                (compliance, ""),
            ]
            for (key, body) in cases {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let key { headers[HTTPField.Name("X-Compliance-API-Key")!] = key }
                try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any]
                    let requestID = response.headers[HTTPField.Name("X-Request-ID")!]
                    let idMatches = requestID != nil && (object?["request_id"] == nil || object?["request_id"] as? String == requestID)
                    let bids = ((object?["bids"] as? [[String: Any]]) ?? []).compactMap { $0["buyer_name"] as? String }
                    let code = object?["code"] as? String
                    record.withLock { observed in
                        observed.statuses.append(response.status.code)
                        observed.codes.append(code)
                        observed.bidBuyers.append(bids)
                        observed.rateLimitRemaining.append(response.headers[HTTPField.Name("X-RateLimit-Remaining")!])
                        observed.contentTypes.append(response.headers[.contentType])
                        if idMatches { observed.requestIDs += 1 }
                    }
                }
            }
            let answered = try await Self.metric(#"ezleeds_ping_fast_lane_total{outcome="answered"}"#, client: client)
            #expect(answered == (fastLane ? cases.count : 0))
            let routeCount = try await Self.metric(#"ezleeds_http_requests_total{route="/api/v1/pingpost/ping",method="POST",status="422"}"#, client: client)
            #expect(routeCount == 2)
        }
        return record.withLock { $0 }
    }

    @Test("the fast lane answers exactly as the Hummingbird route does: bids, 401, 403, 400, 422, headers and metrics")
    func parityWithTheRoute() async throws {
        let fast = try await Self.observe(fastLane: true)
        let route = try await Self.observe(fastLane: false)
        #expect(fast == route)
        #expect(fast.statuses == [200, 401, 401, 403, 400, 422, 422, 400])
        #expect(fast.codes == [nil, "unauthorized", "unauthorized", "forbidden", "malformed_json", "invalid_fields", "invalid_fields", "malformed_json"])
        #expect(fast.bidBuyers[0] == ["high", "low"])
        // Counted once per request with a known key, per key (the standard key made two buyers first); 401s carry none.
        #expect(fast.rateLimitRemaining == ["99", nil, nil, "97", "98", "97", "96", "95"])
        #expect(fast.contentTypes[0] == "application/json; charset=utf-8")
        #expect(fast.contentTypes.dropFirst().allSatisfy { $0 == "application/problem+json" })
        #expect(fast.requestIDs == 8)
    }

    @Test("pipelined requests are answered in order, whichever lane answers each")
    func pipeliningKeepsOrder() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            let buyer = try await create("/api/v1/buyers", body: PingAPITests.buyer("Solo", price: 700), key: server.tenant.apiKey, client: client)
            let port = try #require(client.port)
            let compliance = ["X-Compliance-API-Key": server.tenant.complianceKey]
            let answers = try await RawHTTPConnection.with(port: port) { connection in
                // A slow-ish route (a store read) first, then fast-lane pings around other routes, all in one write.
                try await connection.send(
                    RawHTTPConnection.request("GET", "/api/v1/buyers/\(buyer)", headers: ["X-API-Key": server.tenant.apiKey])
                        + RawHTTPConnection.request("POST", "/api/v1/pingpost/ping", headers: compliance, body: PingAPITests.ping)
                        + RawHTTPConnection.request("GET", "/healthz")
                        + RawHTTPConnection.request("POST", "/api/v1/pingpost/ping", headers: ["X-Compliance-API-Key": "nope"], body: PingAPITests.ping)
                        + RawHTTPConnection.request("GET", "/api/v1/buyers/buyer_missing", headers: ["X-API-Key": server.tenant.apiKey])
                        + RawHTTPConnection.request("POST", "/api/v1/pingpost/ping", headers: compliance, body: PingAPITests.ping)
                )
                var answers: [RawHTTPConnection.Answer] = []
                for _ in 0..<6 { answers.append(try await connection.receive()) }
                return answers
            }
            #expect(answers.map(\.status) == [200, 200, 200, 401, 404, 200])
            #expect(answers[0].body.contains(buyer))
            #expect(answers[1].body.contains("ping_id") && answers[1].body.contains(buyer))
            #expect(answers[3].body.contains("unauthorized"))
            #expect(answers[5].body.contains("ping_id"))
            // Each answer carries its own request id.
            #expect(Set(answers.compactMap { $0.header("X-Request-ID") }).count == 6)
        }
    }

    @Test("Connection: close is honoured, and an oversized ping body is a 413 problem")
    func closeAndOversize() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            let port = try #require(client.port)
            let compliance = ["X-Compliance-API-Key": server.tenant.complianceKey]
            let oversized = #"{"source": ""# + String(repeating: "x", count: AppRequestContext.maxBodyBytes) + #""}"#
            let tooLarge = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(RawHTTPConnection.request("POST", "/api/v1/pingpost/ping", headers: compliance, body: oversized))
                return try await connection.receive()
            }
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body.contains("body_too_large"))

            let (answer, closed) = try await RawHTTPConnection.with(port: port) { connection in
                let headers = compliance.merging(["Connection": "close"]) { $1 }
                try await connection.send(RawHTTPConnection.request("POST", "/api/v1/pingpost/ping", headers: headers, body: PingAPITests.ping))
                return (try await connection.receive(), try await connection.isClosedByServer())
            }
            #expect(answer.status == 200)
            #expect(answer.header("Connection") == "close")
            #expect(closed)
        }
    }

    @Test("a ping that must wait for real-time bidders is handed to the route, counted once, and still keeps its deadline")
    func realTimeBiddersAreHandedOver() async throws {
        let bidders = BidServer()
        try await bidders.run { base in
            let server = try await TestServer.make()
            try await server.test(.live) { client in
                let secret = #", "webhook_secret": "\#(BidServer.secret)""#
                let fast = try await create(
                    // Its own timeout as long as the ping's: the point here is the hand-over, not the buyer's
                    // 250 ms default, which a first connection on a loaded test machine can miss.
                    "/api/v1/buyers",
                    body: PingAPITests.buyer("fast", price: 50000, extra: #", "bid_url": "\#(base)/fast", "bid_timeout_ms": 1400"# + secret),
                    key: server.tenant.apiKey, client: client
                )
                _ = try await create("/api/v1/buyers", body: PingAPITests.buyer("static", price: 300), key: server.tenant.apiKey, client: client)
                let started = ContinuousClock.now
                try await client.execute(
                    uri: "/api/v1/pingpost/ping", method: .post, headers: .complianceKey(server.tenant.complianceKey),
                    body: ByteBuffer(string: #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "s", "tmax_ms": 1500}"#)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "99")
                    let bids = try #require(try response.object()["bids"] as? [[String: Any]])
                    #expect(bids.compactMap { $0["buyer_id"] as? String }.first == fast)
                    #expect(bids.count == 2)
                }
                #expect(ContinuousClock.now - started < .milliseconds(1500 + 1000))
                #expect(try await Self.metric(#"ezleeds_ping_fast_lane_total{outcome="handed_over"}"#, client: client) == 1)
                #expect(try await Self.metric(#"ezleeds_ping_fast_lane_total{outcome="answered"}"#, client: client) == 0)
            }
        }
    }
}
