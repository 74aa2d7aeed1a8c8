import Foundation
import LeadEngine
import LeadOutbound
import NIOCore
import NIOSSL
import Testing

@Suite("The buyer bid protocol over HTTP, on keep-alive bid connections")
struct HTTPBidRequesterTests {
    @Test(
        "answers are read strictly",
        arguments: [
            (#"{"bid_cents": 35000, "exclusivity": "shared"}"#, BidAnswer.bid(cents: 35000, exclusivity: .shared)),
            (#"{"bid_cents": 35000}"#, .bid(cents: 35000, exclusivity: nil)),
            (#"{"bid_cents": 1, "exclusivity": "exclusive", "extra": [1]}"#, .bid(cents: 1, exclusivity: .exclusive)),
            (#"{"bid_cents": 0}"#, .declined),
            (#"{"bid_cents": -5}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": 12.5}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": "100"}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid": 100}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": 100, "exclusivity": "sometimes"}"#, .failed(.badResponse, detail: "exclusivity must be shared or exclusive")),
            ("OK", .failed(.badResponse, detail: "not a JSON object")),
            ("[100]", .failed(.badResponse, detail: "not a JSON object")),
            ("", .failed(.badResponse, detail: "not a JSON object")),
        ]
    )
    func parse(body: String, expected: BidAnswer) {
        #expect(HTTPBidRequester.parseAnswer(ByteBuffer(string: body)) == expected)
    }

    static func buyer(_ url: String) -> Buyer {
        Buyer(
            id: "buyer_1", tenantID: "t", name: "Bidder", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 100_000, webhookSecret: "whsec_test", bidURL: url,
            createdAt: .now, updatedAt: .now
        )
    }

    /// The scripted servers listen on loopback, which the target policy refuses unless told otherwise.
    static let loopback = TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true))

    static let payload = BidRequestPayload(
        pingID: "ping_1", campaignType: .solar, state: "TX", zipCode: "75001", source: "s", floorPriceCents: 0, expiresAtMilliseconds: 0,
        tmaxMilliseconds: 300
    )

    static func bid(_ requester: HTTPBidRequester, _ url: String, timeout: Int = 2000) async -> BidAnswer {
        await requester.requestBid(from: Self.buyer(url), payload: Self.payload, timeoutMilliseconds: timeout)
    }

    @Test("a refused connection is unreachable, within the buyer's timeout")
    func refused() async throws {
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let started = ContinuousClock.now
        let answer = await Self.bid(HTTPBidRequester(pool: pool), "http://127.0.0.1:1/bid", timeout: 150)
        let elapsed = ContinuousClock.now - started
        await pool.shutdown()
        guard case .failed(let reason, _) = answer else {
            Issue.record("expected a failure, got \(answer)")
            return
        }
        #expect(reason == .unreachable || reason == .timeout)
        #expect(elapsed < .milliseconds(150 + 5000), "a generous bound for a loaded machine: the point is that it does not hang")
    }

    @Test("every kind of answer; forty requests in a row share one connection")
    func keepAlive() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let requester = HTTPBidRequester(pool: pool)
        for index in 1...40 {
            #expect(await Self.bid(requester, server.url("/bid/\(index)")) == .bid(cents: Int64(index), exclusivity: nil))
        }
        #expect(await Self.bid(requester, server.url("/pass")) == .declined)
        #expect(await Self.bid(requester, server.url("/broken")) == .failed(.httpError, detail: "status 500"))
        #expect(server.connectionCount == 1)
        #expect(await pool.openConnections(to: server.url("/bid/1")) == 1)
        // An answer too long to be a bid costs its connection.
        #expect(await Self.bid(requester, server.url("/huge")) == .failed(.badResponse, detail: "answer longer than 16384 bytes"))
        #expect(await Self.bid(requester, server.url("/bid/7")) == .bid(cents: 7, exclusivity: nil))
        #expect(server.connectionCount == 2)
        // `Connection: close` is honoured: the next request needs a new connection.
        #expect(await Self.bid(requester, server.url("/close/3")) == .bid(cents: 3, exclusivity: nil))
        #expect(await Self.bid(requester, server.url("/bid/4")) == .bid(cents: 4, exclusivity: nil))
        #expect(server.connectionCount == 3)
        await pool.shutdown()
        #expect(await Self.bid(requester, server.url("/bid/5")) == .failed(.unreachable, detail: "the server is shutting down"))
        await server.stop()
    }

    @Test("concurrent requests get their own answers over as many connections as they need")
    func concurrent() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let requester = HTTPBidRequester(pool: pool)
        let answers = await withTaskGroup(of: (Int, BidAnswer).self) { group in
            for index in 1...30 {
                group.addTask { (index, await Self.bid(requester, server.url("/late/20/\(index)"))) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 30)
        #expect(answers.allSatisfy { $0.value == .bid(cents: Int64($0.key), exclusivity: nil) })
        #expect((2...30).contains(server.connectionCount))
        await pool.shutdown()
        await server.stop()
    }

    @Test("a late answer is a timeout; its connection is reused for the next request, which gets its own answer")
    func lateAnswer() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let requester = HTTPBidRequester(pool: pool)
        #expect(await Self.bid(requester, server.url("/bid/1")) == .bid(cents: 1, exclusivity: nil))
        #expect(await Self.bid(requester, server.url("/late/1000/2"), timeout: 50) == .failed(.timeout, detail: "no answer within 50 ms"))
        // The connection is still waiting for the late answer: this one needs another. (On a loaded
        // machine the 50 ms can run out before the request was even written; the connection is then
        // clean and rightly reused, so one connection is an answer too — never the late one's answer.)
        #expect(await Self.bid(requester, server.url("/bid/3")) == .bid(cents: 3, exclusivity: nil))
        #expect((1...2).contains(server.connectionCount))
        // Past the answer a second late (a loaded machine still asks the next one first), within the 2 s grace.
        try await Task.sleep(for: .milliseconds(1300))
        // The late answer came and was dropped; both connections are idle and nothing is stale.
        for index in 4...6 {
            #expect(await Self.bid(requester, server.url("/bid/\(index)")) == .bid(cents: Int64(index), exclusivity: nil))
        }
        #expect((1...2).contains(server.connectionCount), "no connection was thrown away as stale")
        await pool.shutdown()
        await server.stop()
    }

    @Test("a bidder that never answers holds at most its connection cap, then is refused at once; cut-off requests close after the grace")
    func silentBidder() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback, maxConnectionsPerEndpoint: 2, lateAnswerGrace: .milliseconds(200))
        let requester = HTTPBidRequester(pool: pool)
        let waiting = (1...2).map { _ in Task { await Self.bid(requester, server.url("/silent"), timeout: 10_000) } }
        try await Self.eventually { server.connectionCount == 2 && server.requestCount == 2 }
        let started = ContinuousClock.now
        let refused = await Self.bid(requester, server.url("/silent"), timeout: 10_000)
        #expect(refused == .failed(.timeout, detail: "all 2 connections to the endpoint are still waiting for earlier answers"))
        #expect(ContinuousClock.now - started < .seconds(5), "refused without waiting for its 10 s timeout")
        #expect(server.connectionCount == 2)
        // Cut off (as the auction cuts off bidders at its deadline), then closed after the grace.
        for task in waiting { task.cancel() }
        for task in waiting { #expect(await task.value == .failed(.timeout, detail: "cut off at the deadline")) }
        try await Self.eventually { await pool.openConnections(to: server.url("/bid/1")) == 0 }
        #expect(await Self.bid(requester, server.url("/bid/9")) == .bid(cents: 9, exclusivity: nil))
        await pool.shutdown()
        await server.stop()
    }

    @Test("an endpoint that stops answering is not asked until a probe answers; the probe's answer asks it again as usual")
    func breaker() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback, breaker: .init(threshold: 3, cooldown: .seconds(3)))
        let requester = HTTPBidRequester(pool: pool)
        #expect(await Self.bid(requester, server.url("/bid/0")) == .declined, "a warm connection first")
        for _ in 1...3 {
            #expect(await Self.bid(requester, server.url("/silent"), timeout: 30) == .failed(.timeout, detail: "no answer within 30 ms"))
        }
        let refusal = BidAnswer.failed(
            .timeout, detail: "the endpoint stopped answering (3 timeouts in a row); not asked until it answers a probe"
        )
        let requestsBefore = server.requestCount
        // Open: refused at once, even a request that would be answered, and nothing reaches the endpoint.
        #expect(await Self.bid(requester, server.url("/bid/1"), timeout: 1000) == refusal)
        #expect(server.requestCount == requestsBefore)
        // A cooldown of 3 s leaves a loaded machine (CI runs every suite at once) time between
        // one step and the next. After it one probe goes through; while it waits, the others are still refused.
        try await Task.sleep(for: .milliseconds(3100))
        let probe = Task { await Self.bid(requester, server.url("/silent"), timeout: 100) }
        try await Self.eventually { server.requestCount == requestsBefore + 1 }
        #expect(await Self.bid(requester, server.url("/bid/2"), timeout: 1000) == refusal)
        #expect(await probe.value == .failed(.timeout, detail: "no answer within 100 ms"))
        // The failed probe opened it again; the next probe answers, and it is asked as usual.
        #expect(await Self.bid(requester, server.url("/bid/3"), timeout: 1000) == refusal)
        try await Task.sleep(for: .milliseconds(3100))
        #expect(await Self.bid(requester, server.url("/bid/4"), timeout: 1000) == .bid(cents: 4, exclusivity: nil))
        #expect(await Self.bid(requester, server.url("/bid/5"), timeout: 1000) == .bid(cents: 5, exclusivity: nil))
        await pool.shutdown()
        await server.stop()
    }

    /// Waits up to 5 s for a condition that the machine's load may delay.
    static func eventually(_ condition: () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("not within 5 s", sourceLocation: sourceLocation)
    }

    @Test("a round asks every bidder at once and keeps their order; each answer is timed; a silent one is its own timeout")
    func round() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let requester = HTTPBidRequester(pool: pool)
        let urls = [server.url("/late/30/5"), server.url("/silent"), "http://127.0.0.1:1/bid", server.url("/bid/7"), server.url("/pass")]
        var buyers = urls.map(Self.buyer)
        buyers.append(Buyer(id: "static", tenantID: "t", name: "Static", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 1, createdAt: .now, updatedAt: .now))
        let started = ContinuousClock.now
        let answers = await requester.requestBids(
            from: buyers, payload: Self.payload, timeoutsMilliseconds: [1000, 150, 1000, 1000, 1000, 1000], deadline: started + .seconds(2)
        )
        #expect(answers.count == 6)
        #expect(answers[0]?.answer == .bid(cents: 5, exclusivity: nil))
        #expect(answers[1]?.answer == .failed(.timeout, detail: "no answer within 150 ms"))
        if case .failed(.unreachable, _)? = answers[2]?.answer {} else { Issue.record("refused: \(String(describing: answers[2]))") }
        #expect(answers[3]?.answer == .bid(cents: 7, exclusivity: nil))
        #expect(answers[4]?.answer == .declined)
        #expect(answers[5]?.answer == .failed(.unreachable, detail: "no bid_url"))
        let silentAt = try #require(answers[1]?.answeredAt)
        #expect(silentAt - started >= .milliseconds(150), "the silent bidder is waited for up to its own timeout")
        #expect(try #require(answers[0]?.answeredAt) - started >= .milliseconds(30), "each answer is timed when it came")
        #expect(try #require(answers[5]?.answeredAt) < silentAt, "a buyer without a bid_url is answered at once")
        await pool.shutdown()
        await server.stop()
    }

    @Test("a request cut off by its task's cancellation answers at once as a timeout")
    func cancellation() async throws {
        let server = try await ScriptedBidServer.start()
        let pool = OutboundConnectionPool(gate: Self.loopback)
        let requester = HTTPBidRequester(pool: pool)
        let task = Task { await Self.bid(requester, server.url("/silent"), timeout: 60_000) }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        task.cancel()
        #expect(await task.value == .failed(.timeout, detail: "cut off at the deadline"))
        // Far from its minute's timeout; loose, as a loaded machine is slow to wake.
        #expect(ContinuousClock.now - started < .seconds(10))
        await pool.shutdown()
        await server.stop()
    }

    @Test("https: the endpoint's certificate is verified against the trust roots, and a bid comes back")
    func tls() async throws {
        let certificate = try NIOSSLCertificate(bytes: Array(TestCertificate.certificate.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(TestCertificate.privateKey.utf8), format: .pem)
        let serverContext = try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        )
        let server = try await ScriptedBidServer.start(tls: serverContext)
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates([certificate])
        let pool = OutboundConnectionPool(gate: Self.loopback, tlsConfiguration: trusting)
        let requester = HTTPBidRequester(pool: pool)
        #expect(await Self.bid(requester, server.url("/bid/11", host: "localhost", scheme: "https")) == .bid(cents: 11, exclusivity: nil))
        #expect(await Self.bid(requester, server.url("/bid/12", host: "localhost", scheme: "https")) == .bid(cents: 12, exclusivity: nil))
        #expect(server.connectionCount == 1)
        await pool.shutdown()

        // The system's trust roots do not know this certificate: no bid, whatever the endpoint says.
        let strict = OutboundConnectionPool(gate: Self.loopback)
        guard case .failed(let reason, _) = await Self.bid(HTTPBidRequester(pool: strict), server.url("/bid/13", host: "localhost", scheme: "https")) else {
            Issue.record("an untrusted certificate must not give a bid")
            return
        }
        #expect(reason == .unreachable)
        // A failed handshake sent no byte of the request: not connected, which at-most-once senders may retry.
        let requestsBefore = server.requestCount
        let call = OutboundCall(url: server.url("/bid/14", host: "localhost", scheme: "https"), timeout: .seconds(2), maxBodyBytes: 64) { target in
            ByteBuffer(string: "POST \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nContent-Length: 0\r\n\r\n")
        }
        let answer = await strict.exchange(call)
        guard case .failed(.notConnected, let detail) = answer else {
            Issue.record("a failed TLS handshake is not_connected, got \(answer)")
            return
        }
        #expect(detail.hasPrefix("TLS handshake failed"), "\(detail)")
        #expect(server.requestCount == requestsBefore)
        await strict.shutdown()
        await server.stop()
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1 (P-256, valid until 2126), for the TLS test only.
enum TestCertificate {
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBmjCCAUGgAwIBAgIUSKvl08wLw5v7Em73npUegPNWSn8wCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzAyMjcyMVoYDzIxMjYxMTAz
        MDIyNzIxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAASunnM90wqLk2oRef3alYRtyya7ONPnY8mUp3P5XBwHZMvQqehxfDO2
        q5uw285PAdW5g/G6oSx5nVhVF6S9c6G3o28wbTAdBgNVHQ4EFgQUCz8X1B5CZUgv
        eVow2pkTkPv+5hwwHwYDVR0jBBgwFoAUCz8X1B5CZUgveVow2pkTkPv+5hwwDwYD
        VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
        zj0EAwIDRwAwRAIgVQfU4nhpDmAkYqREZscPZkV7yZU79OHzWyUJYPMy0S0CICKS
        2we98O3sRhGFEhCpsxTht2qZ0LmUYixUq7VPmEEK
        -----END CERTIFICATE-----
        """

    static let privateKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYxu1HFXl0RIkUEFQ
        tgqcisqoUWXUPMaWX2kcWoULcFGhRANCAASunnM90wqLk2oRef3alYRtyya7ONPn
        Y8mUp3P5XBwHZMvQqehxfDO2q5uw285PAdW5g/G6oSx5nVhVF6S9c6G3
        -----END PRIVATE KEY-----
        """
}
