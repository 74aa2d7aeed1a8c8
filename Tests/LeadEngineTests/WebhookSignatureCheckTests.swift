import LeadEngine
import Testing

@Suite("Webhook signature checks: what /webhook-test/validate answers")
struct WebhookSignatureCheckTests {
    // The Standard Webhooks specification's published vector (standard-webhooks/standard-webhooks,
    // libraries/go/webhook_test.go, TestWebhookSign; the same in every library of that repository).
    static let standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let standardID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let standardTimestamp: Int64 = 1_614_265_330
    static let standardPayload = #"{"test": 2432232314}"#
    static let standardSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    /// The invalid signature of the same test file.
    static let otherSignature = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="

    // GitHub's published vector ("Validating webhook deliveries"), recomputed independently:
    //   python3 -c "import hmac,hashlib; print(hmac.new(b\"It's a Secret to Everybody\", b'Hello, World!', hashlib.sha256).hexdigest())"
    //   757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
    static let githubSecret = "It's a Secret to Everybody"
    static let githubPayload = "Hello, World!"
    static let githubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    // The spec's example body signed with the spec's example secret, whose bytes are the key, whsec_ included:
    //   python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_abc123', b'{\"lead_id\": \"a1b2c3d4-e5f6-7890-abcd-ef1234567890\"}', hashlib.sha256).hexdigest())"
    static let specPayload = #"{"lead_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}"#
    static let specSignature = "sha256=215adeaecfb4ebf620d4d39c53f277d5035fb02110a4b335a328b37340824939"

    static func check(
        payload: String?, signature: String?, secret: String?, id: String? = nil, timestamp: Int64? = nil
    ) throws -> WebhookSignatureCheck.Verdict {
        try WebhookSignatureCheck.validated(payload: payload, signature: signature, secret: secret, webhookID: id, webhookTimestamp: timestamp).verdict()
    }

    @Test("GitHub's published sha256 vector is valid, and the expected signature is it")
    func githubVector() throws {
        let verdict = try Self.check(payload: Self.githubPayload, signature: Self.githubSignature, secret: Self.githubSecret)
        #expect(verdict.valid)
        #expect(verdict.expectedSignature == Self.githubSignature)
        // Upper-case hex and surrounding whitespace, as some clients print it, still match.
        #expect(try Self.check(payload: Self.githubPayload, signature: " " + Self.githubSignature.uppercased() + "\n", secret: Self.githubSecret).valid)
    }

    @Test("the spec's sha256 form keys with the secret's UTF-8 bytes, whsec_ included")
    func specForm() throws {
        let verdict = try Self.check(payload: Self.specPayload, signature: Self.specSignature, secret: "whsec_abc123")
        #expect(verdict == WebhookSignatureCheck.Verdict(valid: true, expectedSignature: Self.specSignature))
    }

    @Test(
        "a changed byte anywhere makes a sha256 signature invalid; the expected one is still given",
        arguments: [
            (githubPayload + " ", githubSignature, githubSecret), ("Hello, World?", githubSignature, githubSecret),
            (githubPayload, githubSignature, githubSecret + "!"), (githubPayload, String(githubSignature.dropLast()) + "8", githubSecret),
            (githubPayload, String(githubSignature.dropLast()), githubSecret), (githubPayload, "sha256=", githubSecret),
            (githubPayload, "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", githubSecret),
        ]
    )
    func shaMismatch(payload: String, signature: String, secret: String) throws {
        let verdict = try Self.check(payload: payload, signature: signature, secret: secret)
        #expect(!verdict.valid)
        #expect(verdict.expectedSignature.hasPrefix("sha256="))
        #expect(verdict.expectedSignature.count == 71)
    }

    @Test("the Standard Webhooks published vector is valid in the v1 form")
    func standardVector() throws {
        let verdict = try Self.check(
            payload: Self.standardPayload, signature: Self.standardSignature, secret: Self.standardSecret, id: Self.standardID,
            timestamp: Self.standardTimestamp
        )
        #expect(verdict.valid)
        #expect(verdict.expectedSignature == Self.standardSignature)
    }

    @Test("a list of signatures is valid when any v1 one matches; other versions are ignored")
    func standardList() throws {
        func verdict(_ signature: String) throws -> WebhookSignatureCheck.Verdict {
            try Self.check(
                payload: Self.standardPayload, signature: signature, secret: Self.standardSecret, id: Self.standardID, timestamp: Self.standardTimestamp
            )
        }
        let rotating = [Self.otherSignature, "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", Self.standardSignature, Self.otherSignature]
        #expect(try verdict(rotating.joined(separator: " ")).valid)
        #expect(try verdict(Self.otherSignature).valid == false)
        #expect(try verdict(Self.otherSignature + " " + Self.otherSignature).valid == false)
        // The right bytes under another version prefix are not a v1 signature.
        #expect(try verdict("v2," + Self.standardSignature.dropFirst(3)).valid == false)
        #expect(try verdict(Self.otherSignature).expectedSignature == Self.standardSignature)
    }

    @Test(
        "a v1 signature is bound to its id, timestamp, body and secret",
        arguments: [
            (standardID + "x", standardTimestamp, standardPayload, standardSecret),
            (standardID, standardTimestamp + 1, standardPayload, standardSecret),
            (standardID, standardTimestamp, #"{"test": 2432232315}"#, standardSecret),
            (standardID, standardTimestamp, standardPayload, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx"),
        ]
    )
    func standardMismatch(id: String, timestamp: Int64, payload: String, secret: String) throws {
        let verdict = try Self.check(payload: payload, signature: Self.standardSignature, secret: secret, id: id, timestamp: timestamp)
        #expect(!verdict.valid)
        #expect(verdict.expectedSignature.hasPrefix("v1,"))
        #expect(verdict.expectedSignature != Self.standardSignature)
    }

    @Test("the expected signature is in the form presented")
    func formPresented() throws {
        // A sha256= signature is checked as one even when the message's id and timestamp are given.
        let sha = try Self.check(
            payload: Self.githubPayload, signature: Self.githubSignature, secret: Self.githubSecret, id: Self.standardID, timestamp: Self.standardTimestamp
        )
        #expect(sha == WebhookSignatureCheck.Verdict(valid: true, expectedSignature: Self.githubSignature))
        // Something of neither form: v1 when the id and timestamp are there to make one, sha256 otherwise.
        let withHeaders = try Self.check(
            payload: Self.standardPayload, signature: "nonsense", secret: Self.standardSecret, id: Self.standardID, timestamp: Self.standardTimestamp
        )
        #expect(withHeaders == WebhookSignatureCheck.Verdict(valid: false, expectedSignature: Self.standardSignature))
        let bare = try Self.check(payload: Self.githubPayload, signature: "nonsense", secret: Self.githubSecret)
        #expect(bare == WebhookSignatureCheck.Verdict(valid: false, expectedSignature: Self.githubSignature))
    }

    @Test("missing fields are named together")
    func missing() {
        #expect(Self.fields { try Self.check(payload: nil, signature: nil, secret: nil) } == ["payload", "signature", "secret"])
        #expect(Self.fields { try Self.check(payload: "", signature: " ", secret: "") } == ["signature", "secret"])
        // An empty payload is a body like any other.
        #expect(Self.fields { try Self.check(payload: "", signature: "sha256=00", secret: "s") } == [])
    }

    @Test("a v1 signature needs the webhook id and timestamp, and each needs the other")
    func standardNeedsHeaders() {
        #expect(Self.fields { try Self.check(payload: "{}", signature: Self.standardSignature, secret: "s") } == ["webhook_id", "webhook_timestamp"])
        #expect(Self.fields { try Self.check(payload: "{}", signature: Self.githubSignature, secret: "s", id: "msg_1") } == ["webhook_timestamp"])
        #expect(Self.fields { try Self.check(payload: "{}", signature: Self.githubSignature, secret: "s", timestamp: 1) } == ["webhook_id"])
        #expect(Self.fields { try Self.check(payload: "{}", signature: Self.standardSignature, secret: "s", id: "", timestamp: 1) } == ["webhook_id"])
        #expect(Self.fields { try Self.check(payload: "{}", signature: Self.standardSignature, secret: "s", id: "m", timestamp: -1) } == ["webhook_timestamp"])
    }

    /// The fields a check refuses, in order; empty when it passes.
    static func fields(_ body: () throws -> WebhookSignatureCheck.Verdict) -> [String] {
        do {
            _ = try body()
            return []
        } catch let error as ValidationError {
            return error.fields.map(\.field)
        } catch {
            return ["unexpected \(error)"]
        }
    }
}
