import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LeadAPI
import LeadEngine
import LeadOutbound
import NIOCore
import NIOPosix
import Synchronization
import Testing

@Suite("Webhook testing: send, validate and the sample payload, key-less")
struct WebhookTestAPITests {
    static let secret = "whsec_abc123"
    /// 2026-04-22T14:30:00Z.
    static let now: Int64 = 1_776_868_200_000

    /// The spec's sample, with a real address for its email and the timestamp the clock says.
    static let samplePayload = """
        {"event":"lead.delivered","timestamp":"2026-04-22T14:30:00Z","data":{"lead_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890",\
        "first_name":"Jane","last_name":"Doe","email":"jane.doe@example.com","phone":"+17025551234","state":"NV","zip_code":"89101",\
        "campaign_type":"legal_pi","score":87,"consent_certificate_id":"cert_abc123def456","sold_price_cents":35000}}
        """

    static let json: HTTPFields = [.contentType: "application/json"]

    static func send(_ url: String, secret: String = secret) -> ByteBuffer {
        .json(#"{"url": "\#(url)", "secret": "\#(secret)"}"#)
    }

    @Test(
        "the sample payload is the delivery's bytes, stamped by the clock",
        arguments: ["/api/v1/webhook-test/sample-payload", "/api/v1/webhook-test/sample-payload/"]
    )
    func samplePayload(path: String) async throws {
        let server = try await TestServer.make()
        server.clock.set(milliseconds: Self.now)
        try await server.test { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.text == Self.samplePayload)
                #expect(Array(response.body.readableBytesView) == SampleDelivery.payload(nowMilliseconds: Self.now))
                #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "100")
            }
        }
    }

    @Test("send: the sample reaches the endpoint signed both ways, and the answer has the spec's fields")
    func send() async throws {
        try await ScriptedWebhook.run { webhook in
            let server = try await TestServer.make()
            server.clock.set(milliseconds: Self.now)
            try await server.test { client in
                let response = try await client.sendWebhookTest(webhook.url("/hook"))
                #expect(response.status == .ok, "\(response.text)")
                let body = try response.object()
                #expect(Set(body.keys) == ["status_code", "response_body", "latency_ms", "signature_sent", "success"])
                #expect(body["status_code"] as? Int == 200)
                #expect(body["response_body"] as? String == "OK")
                #expect(body["success"] as? Bool == true)
                #expect((body["latency_ms"] as? Int).map { $0 >= 0 && $0 < 5000 } == true)
                let request = try #require(webhook.requests.first)
                #expect(webhook.requests.count == 1)
                #expect(request.body == Array(Self.samplePayload.utf8))
                // Both signatures, computed here with HMAC code of the test's own.
                let key = SymmetricKey(data: Array(Self.secret.utf8))
                let hex = HMAC<SHA256>.authenticationCode(for: request.body, using: key).map { String(format: "%02x", $0) }.joined()
                #expect(request.header("X-EZLeeds-Signature") == "sha256=" + hex)
                #expect(body["signature_sent"] as? String == "sha256=" + hex)
                let id = try #require(request.header("webhook-id"))
                #expect(id.hasPrefix("msg_test_"))
                #expect(request.header("webhook-timestamp") == "1776868200")
                let signed = Array("\(id).1776868200.".utf8) + request.body
                let standard = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
                #expect(request.header("webhook-signature") == standard)
            }
        }
    }

    @Test("send: a 307 is reported and not followed; a 500 is a failure; a long body is cut at 1 KiB")
    func answers() async throws {
        try await ScriptedWebhook.run { webhook in
            let server = try await TestServer.make()
            try await server.test { client in
                let redirect = try await client.sendWebhookTest(webhook.url("/redirect")).object()
                #expect(redirect["status_code"] as? Int == 307)
                #expect(redirect["response_body"] as? String == "moved")
                #expect(redirect["success"] as? Bool == false)
                #expect(redirect["error"] == nil)
                // Time for a followed redirect to arrive, had it been followed.
                try await Task.sleep(for: .milliseconds(200))
                #expect(webhook.requests.map(\.path) == ["/redirect"], "the redirect must not be followed")

                let broken = try await client.sendWebhookTest(webhook.url("/broken")).object()
                #expect(broken["status_code"] as? Int == 500)
                #expect(broken["response_body"] as? String == "oops")
                #expect(broken["success"] as? Bool == false)

                let long = try await client.sendWebhookTest(webhook.url("/long")).object()
                #expect(long["status_code"] as? Int == 200)
                #expect(long["success"] as? Bool == true)
                #expect(long["response_body"] as? String == String(repeating: "x", count: 1024))
            }
        }
    }

    @Test("send: no answer is still a 200, with status_code and response_body null and an error")
    func unreachable() async throws {
        let closed = try await Self.closedPort()
        let server = try await TestServer.make()
        try await server.test { client in
            let response = try await client.sendWebhookTest("http://127.0.0.1:\(closed)/hook")
            #expect(response.status == .ok)
            let body = try response.object()
            #expect(Set(body.keys) == ["status_code", "response_body", "latency_ms", "signature_sent", "success", "error"])
            #expect(body["status_code"] is NSNull)
            #expect(body["response_body"] is NSNull)
            #expect(body["success"] as? Bool == false)
            #expect((body["error"] as? String)?.hasPrefix("not_connected:") == true, "\(body)")
            #expect((body["signature_sent"] as? String)?.hasPrefix("sha256=") == true)
        }
    }

    @Test("send: an endpoint that never answers fails at the tester's timeout")
    func silent() async throws {
        let mute = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let server = try await TestServer.make()
        // The tester as the server builds it, with a timeout a test can wait for.
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        let sender = WebhookTestSender(pool: server.dependencies.webhookTestConnections, timeout: .milliseconds(300))
        WebhookTestRoutes(sender: sender, rateLimiter: server.dependencies.rateLimiter, clock: server.clock)
            .addRoutes(to: router.group("api/v1/webhook-test"))
        try await Application(router: router).test(.router) { client in
            let response = try await client.sendWebhookTest("http://127.0.0.1:\(mute.localAddress?.port ?? 0)/hook")
            #expect(response.status == .ok)
            let body = try response.object()
            #expect(body["status_code"] is NSNull)
            #expect(body["response_body"] is NSNull)
            #expect(body["success"] as? Bool == false)
            #expect((body["error"] as? String)?.hasPrefix("timeout:") == true, "\(body)")
            // Cut off at this tester's 300 ms, not the default 5 s (the wall clock around the whole
            // exchange also counts the server's setup, which a loaded machine stretches).
            #expect((body["latency_ms"] as? Int).map { $0 >= 300 && $0 < 4_000 } == true, "\(body)")
        }
        try? await mute.close()
        await server.close()
    }

    @Test("send: without private targets, a refused url is a 422 target_not_allowed naming the rule, and nothing is dialled")
    func refused() async throws {
        let connector = RecordingConnector()
        let server = try await OutboundTargetAPITests.strictServer(connector: connector)
        let refusals = OutboundTargetAPITests.refusals + [
            ("garbage", "invalid_url"), ("", "invalid_url"), ("http://10.0.0.1/hook", "address_not_allowed"), ("http://93.184.216.34:8080/", "port_not_allowed"),
        ]
        try await server.test { client in
            for (url, code) in refusals {
                let response = try await client.sendWebhookTest(url)
                #expect(response.status == .unprocessableContent, "\(url): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try response.object()
                #expect(body["code"] as? String == "target_not_allowed", "\(url)")
                #expect(body["type"] as? String == "urn:ezleeds:problem:target_not_allowed")
                #expect((body["detail"] as? String)?.contains(code) == true, "\(url): \(body["detail"] ?? "")")
                let errors = try #require(body["errors"] as? [[String: Any]])
                #expect(errors.first?["field"] as? String == "url")
                #expect(errors.first?["code"] as? String == code, "\(url)")
            }
        }
        #expect(connector.dialledAddresses.isEmpty)
    }

    @Test("send: a receiver on loopback is out of reach unless private targets are allowed")
    func loopbackRefused() async throws {
        try await ScriptedWebhook.run { webhook in
            let server = try await TestServer.make(targets: { $0.allowPrivateTargets = false })
            try await server.test { client in
                let response = try await client.sendWebhookTest(webhook.url("/hook"))
                let problem = try response.object()
                #expect(response.status == .unprocessableContent)
                #expect(problem["code"] as? String == "target_not_allowed")
            }
            #expect(webhook.requests.isEmpty)
        }
    }

    @Test(
        "send: missing or mistyped fields are a 422 naming them; malformed JSON is a 400",
        arguments: [
            (#"{}"#, 422, ["url", "secret"]), (#"{"url": 5, "secret": "s"}"#, 422, ["url"]), (#"{"url": "http://example.com/"}"#, 422, ["secret"]),
            (#"{"url": "http://example.com/", "secret": ""}"#, 422, ["secret"]), (#"{"url": null, "secret": ["s"]}"#, 422, ["secret", "url"]),
            (#"[1]"#, 422, ["body"]), (#"{"url": "#, 400, []), ("", 400, []),
        ]
    )
    func sendFields(body: String, status: Int, fields: [String]) async throws {
        try await Self.expectFields("/api/v1/webhook-test/send", body: body, status: status, fields: fields)
    }

    @Test("validate: both published vectors, in the form presented, the timestamp as a number or the header's digits")
    func validate() async throws {
        let server = try await TestServer.make()
        // GitHub's and Standard Webhooks' published vectors; the expected signature of the changed
        // body recomputed with python3: hmac.new(b"It's a Secret to Everybody", b"Hello, World?", hashlib.sha256).hexdigest().
        let cases: [(body: String, valid: Bool, expected: String)] = [
            (
                #"{"payload": "Hello, World!", "signature": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "secret": "It's a Secret to Everybody"}"#,
                true, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
            ),
            (
                #"{"payload": "Hello, World?", "signature": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "secret": "It's a Secret to Everybody"}"#,
                false, "sha256=319468fd7ae6faec323482b683bcff145fe8b1fc66e17a0bc724cf6d0de2f22f"
            ),
            (
                #"{"payload": "{\"test\": 2432232314}", "signature": "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "webhook_id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook_timestamp": 1614265330}"#,
                true, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            ),
            (
                #"{"payload": "{\"test\": 2432232314}", "signature": "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "webhook_id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook_timestamp": "1614265330"}"#,
                false, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            ),
        ]
        try await server.test { client in
            for (index, check) in cases.enumerated() {
                try await client.execute(uri: "/api/v1/webhook-test/validate", method: .post, headers: Self.json, body: .json(check.body)) { response in
                    #expect(response.status == .ok, "\(index): \(response.text)")
                    let body = try response.object()
                    #expect(Set(body.keys) == ["valid", "expected_signature"])
                    #expect(body["valid"] as? Bool == check.valid, "\(index)")
                    #expect(body["expected_signature"] as? String == check.expected, "\(index)")
                }
            }
        }
    }

    @Test(
        "validate: missing or unusable fields are a 422 naming them; malformed JSON is a 400",
        arguments: [
            (#"{}"#, 422, ["payload", "signature", "secret"]), (#"{"payload": {"a": 1}, "signature": "sha256=00", "secret": "s"}"#, 422, ["payload"]),
            (#"{"payload": "x", "signature": "v1,AAAA", "secret": "s"}"#, 422, ["webhook_id", "webhook_timestamp"]),
            (#"{"payload": "x", "signature": "v1,AAAA", "secret": "s", "webhook_id": "m", "webhook_timestamp": "soon"}"#, 422, ["webhook_timestamp"]),
            (#"{"payload": "x", "signature": "sha256=00", "secret": "s", "webhook_timestamp": 5}"#, 422, ["webhook_id"]),
            (#"{"payload": "x", "signature": "sha256=00", "secret": "s", "webhook_id": "m", "webhook_timestamp": 1.5}"#, 422, ["webhook_timestamp"]),
            (#"{"payload": "#, 400, []),
        ]
    )
    func validateFields(body: String, status: Int, fields: [String]) async throws {
        try await Self.expectFields("/api/v1/webhook-test/validate", body: body, status: status, fields: fields)
    }

    @Test("send is limited per destination host: past 30 a minute a 429 with Retry-After; other hosts and the other endpoints go on")
    func hostLimit() async throws {
        try await ScriptedWebhook.run { webhook in
            let server = try await TestServer.make()
            try await server.test { client in
                for sent in 1...WebhookTestRoutes.hostPolicy.limitPerMinute {
                    let response = try await client.sendWebhookTest(webhook.url("/hook"))
                    #expect(response.status == .ok, "send \(sent): \(response.text)")
                }
                let limited = try await client.sendWebhookTest(webhook.url("/hook"))
                #expect(limited.status == .tooManyRequests)
                #expect(limited.headers[.contentType] == "application/problem+json")
                #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
                // The host's limit, not the address's (100), is the one that refused.
                #expect(limited.headers[HTTPField.Name("X-RateLimit-Limit")!] == String(WebhookTestRoutes.hostPolicy.limitPerMinute))
                #expect(limited.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "0")
                let problem = try limited.object()
                #expect(problem["code"] as? String == "rate_limited")
                #expect((problem["detail"] as? String)?.contains("127.0.0.1") == true)
                #expect(webhook.requests.count == WebhookTestRoutes.hostPolicy.limitPerMinute)
                // Another host is not limited by this one's sends (nothing listens there: a network failure, still a 200).
                let otherHost = try await client.sendWebhookTest("http://127.0.0.2:9/hook")
                #expect(otherHost.status == .ok, "\(otherHost.text)")
                try await client.execute(uri: "/api/v1/webhook-test/sample-payload", method: .get) { response in #expect(response.status == .ok) }
            }
        }
    }

    @Test("the endpoints are limited per client address, with the usual headers, and need no key")
    func addressLimit() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            for sent in 1...100 {
                try await client.execute(uri: "/api/v1/webhook-test/sample-payload", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == String(100 - sent))
                }
            }
            let body = ByteBuffer.json(#"{"payload": "x", "signature": "sha256=00", "secret": "s"}"#)
            try await client.execute(uri: "/api/v1/webhook-test/validate", method: .post, headers: Self.json, body: body) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "100")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "0")
            }
        }
    }

    @Test("the OpenAPI document describes the three operations, key-less")
    func openAPI() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                let paths = try #require(try response.object()["paths"] as? [String: [String: Any]])
                for (path, method) in [("send", "post"), ("validate", "post"), ("sample-payload", "get")] {
                    let operation = try #require(paths["/api/v1/webhook-test/" + path]?[method] as? [String: Any], "\(method) \(path)")
                    #expect((operation["security"] as? [Any])?.isEmpty == true)
                    let responses = operation["responses"] as? [String: Any]
                    #expect(responses?["200"] != nil && responses?["429"] != nil)
                    #expect((responses?["422"] != nil) == (method == "post"))
                }
            }
        }
    }

    static func expectFields(_ uri: String, body: String, status: Int, fields: [String]) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: uri, method: .post, headers: Self.json, body: .json(body)) { response in
                #expect(response.status.code == status, "\(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try response.object()
                #expect(problem["code"] as? String == (status == 400 ? "malformed_json" : "invalid_fields"))
                let named = ((problem["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
                #expect(Set(named) == Set(fields), "\(response.text)")
            }
        }
    }

    /// A port nothing listens on: bound, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

/// A webhook on 127.0.0.1 that records every request and answers by path: `/hook` 200 "OK",
/// `/redirect` 307 to `/hook`, `/broken` 500 "oops", `/long` 200 with 4 KiB of "x".
enum ScriptedWebhook {
    struct Request: Sendable {
        var path: String
        var headers: HTTPFields
        var body: [UInt8]

        func header(_ name: String) -> String? { self.headers[HTTPField.Name(name)!] }
    }

    /// The running webhook, as a test sees it.
    struct Running: Sendable {
        let port: Int
        let recorder: Recorder

        var requests: [Request] { self.recorder.requests.withLock { $0 } }

        func url(_ path: String) -> String { "http://127.0.0.1:\(self.port)\(path)" }
    }

    final class Recorder: Sendable {
        let requests = Mutex<[Request]>([])
    }

    static func run(_ body: @Sendable (Running) async throws -> Void) async throws {
        let recorder = Recorder()
        let router = Router()
        let answers: [(path: String, status: HTTPResponse.Status, body: String)] = [
            ("hook", .ok, "OK"), ("redirect", .temporaryRedirect, "moved"), ("broken", .internalServerError, "oops"),
            ("long", .ok, String(repeating: "x", count: 4096)),
        ]
        for answer in answers {
            router.post(RouterPath(answer.path)) { request, _ in
                var request = request
                let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
                recorder.requests.withLock { $0.append(Request(path: request.uri.path, headers: request.headers, body: bytes)) }
                let headers: HTTPFields = answer.status == .temporaryRedirect ? [.location: "/hook"] : [:]
                return Response(status: answer.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(Running(port: client.port ?? 0, recorder: recorder))
        }
    }
}

extension TestClientProtocol {
    /// `POST /api/v1/webhook-test/send` to `url`, signed with `secret`.
    fileprivate func sendWebhookTest(_ url: String, secret: String = WebhookTestAPITests.secret) async throws -> TestResponse {
        try await self.executeRequest(
            uri: "/api/v1/webhook-test/send", method: .post, headers: WebhookTestAPITests.json, body: WebhookTestAPITests.send(url, secret: secret)
        )
    }
}
