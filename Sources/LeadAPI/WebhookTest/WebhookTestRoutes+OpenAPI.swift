import LeadEngine
import LeadOutbound

/// The OpenAPI description of `/api/v1/webhook-test`, next to `WebhookTestRoutes` so the two change together.
extension WebhookTestRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/webhook-test/send": ["post": sendOperation],
            "/api/v1/webhook-test/validate": ["post": validateOperation],
            "/api/v1/webhook-test/sample-payload": ["get": samplePayloadOperation],
        ],
        schemas: schemas
    )

    private static let tag = "Webhook Testing"

    /// What every operation here shares: no key, a limit per client address.
    private static let publicNote = """
        Needs no key. Limited per client address (100 requests a minute by default): every answer carries \
        X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds until the full burst is back), plus \
        RateLimit-Policy and RateLimit; a 429 adds Retry-After.
        """

    private static func operation(
        id: String, summary: String, description: String, requestBody: JSONValue? = nil, responses: [String: JSONValue],
        errors: [OpenAPIPart.ErrorAnswer]
    ) -> JSONValue {
        var allResponses = responses
        for error in errors { allResponses[error.rawValue] = ["$ref": .string("#/components/responses/" + error.component)] }
        var operation: [String: JSONValue] = [
            "operationId": .string(id), "tags": [.string(tag)], "summary": .string(summary),
            "description": .string(description + "\n\n" + publicNote), "security": [], "responses": .object(allResponses),
        ]
        if let requestBody { operation["requestBody"] = requestBody }
        return .object(operation)
    }

    private static let sendOperation = operation(
        id: "sendWebhookTest", summary: "Send a test webhook to your endpoint",
        description: """
            POSTs the sample lead.delivered event (the body GET /api/v1/webhook-test/sample-payload shows, with timestamp \
            now) to url, signed exactly as a real delivery with secret: X-EZLeeds-Signature (sha256=<hex>) and the \
            Standard Webhooks headers, whose webhook-id is msg_test_<hex>, never a real delivery's. Answers what the \
            endpoint said: its status, the first \(WebhookTestSender.maxBodyBytes) bytes of its body (decoded as UTF-8, \
            invalid bytes replaced), the time it took and the signature sent. Only a 2xx is success. Redirects are not \
            followed: a 3xx is reported with its status and success false, as a real delivery would count it failed. \
            The whole exchange, connecting included, has 5 seconds.

            When no answer came (refused connection, reset, TLS failure, timeout) the answer is still a 200: \
            status_code and response_body are null, success is false, and error says why.

            url gets the outbound target policy, as every URL the server calls: http or https, no user info, port 80 or \
            443 unless the operator allows more, and a host that is not (and does not resolve to) a loopback, private, \
            link-local, CGNAT, unique-local, multicast or other special-purpose address. A refused or invalid url is a \
            422 target_not_allowed whose error names url with the rule it breaks; nothing is sent. Besides the limit \
            per client address, test sends to one host are limited to \(hostPolicy.limitPerMinute) a minute from all \
            callers together (429, with Retry-After).
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "WebhookTestSend", description: "Where to send, and the secret to sign with."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("What the endpoint answered, or why it did not.", schema: OpenAPIPart.ref("WebhookTestResult")),
            "422": OpenAPIPart.problemAnswer(
                "invalid_fields: url or secret missing or not a string; target_not_allowed: the outbound target policy refuses url.",
                codes: ["invalid_fields", "target_not_allowed"]
            ),
        ],
        errors: [.badRequest, .tooLarge, .rateLimited]
    )

    private static let validateOperation = operation(
        id: "validateWebhookSignature", summary: "Check a webhook signature",
        description: """
            Recomputes the signature of payload (the raw body, exactly as received: a single changed byte, space or \
            key order changes it) under secret and compares it, in constant time, with signature. Two forms, as \
            deliveries carry both:

            - sha256=<hex> (X-EZLeeds-Signature): the lowercase hex HMAC-SHA256 of payload keyed with the secret's \
            UTF-8 bytes (whsec_ included). Hex digits may be upper case.
            - v1,<base64> (webhook-signature, Standard Webhooks), when webhook_id and webhook_timestamp are given: \
            the base64 HMAC-SHA256 of "<webhook_id>.<webhook_timestamp>.<payload>", keyed with the decoded bytes of a \
            whsec_<base64> secret (the UTF-8 bytes of any other). signature may list several space-separated \
            signatures, as a sender rotating its secret sends; it is valid when any v1 one matches, and entries of \
            other versions are ignored. The timestamp is not held to a replay window here.

            expected_signature is in the form presented: sha256= for a sha256= signature, v1, for a v1 list, and for \
            anything else v1, when webhook_id and webhook_timestamp are given, sha256= otherwise. A missing payload, \
            signature or secret is a 422, as is a v1 signature without webhook_id and webhook_timestamp, or one of \
            the two without the other.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "WebhookSignatureValidation", description: "The payload, the signature to check and the secret."),
        responses: ["200": OpenAPIPart.jsonAnswer("Whether the signature matches.", schema: OpenAPIPart.ref("WebhookSignatureVerdict"))],
        errors: [.badRequest, .tooLarge, .invalid, .rateLimited]
    )

    private static let samplePayloadOperation = operation(
        id: "getWebhookSamplePayload", summary: "The payload your webhook will receive",
        description: """
            The lead.delivered event exactly as deliveries carry it, byte for byte (the same builder, the same key \
            order), for the spec's sample lead, with timestamp now. A real delivery's timestamp is the time of the sale.
            """,
        responses: ["200": OpenAPIPart.jsonAnswer("The sample event.", schema: OpenAPIPart.ref("LeadDelivered"))],
        errors: [.rateLimited]
    )

    private static let schemas: [String: JSONValue] = [
        "WebhookTestSend": [
            "type": "object", "required": ["url", "secret"],
            "properties": [
                "url": [
                    "type": "string", "format": "uri", "maxLength": 2048, "description": "An absolute http(s) URL: your endpoint.",
                    "examples": ["https://crm.example.com/leads"],
                ],
                "secret": ["type": "string", "minLength": 1, "description": "Your webhook_secret.", "examples": ["whsec_abc123"]],
            ],
        ],
        "WebhookTestResult": [
            "type": "object", "required": ["status_code", "response_body", "latency_ms", "signature_sent", "success"],
            "properties": [
                "status_code": ["type": ["integer", "null"], "description": "The endpoint's status; null when no answer came."],
                "response_body": [
                    "type": ["string", "null"],
                    "description": .string(
                        "The first \(WebhookTestSender.maxBodyBytes) bytes of the body, as UTF-8 with invalid bytes replaced; null when no answer came."
                    ),
                ],
                "latency_ms": ["type": "integer", "minimum": 0, "description": "From sending (connecting included) to the answer or the failure."],
                "signature_sent": ["type": "string", "pattern": "^sha256=[0-9a-f]{64}$", "description": "The X-EZLeeds-Signature sent."],
                "success": ["type": "boolean", "description": "True for a 2xx only."],
                "error": [
                    "type": "string",
                    "description": "Present only when no answer came: why (timeout, unreachable, not_connected, bad_response, then the detail).",
                ],
            ],
        ],
        "WebhookSignatureValidation": [
            "type": "object", "required": ["payload", "signature", "secret"],
            "properties": [
                "payload": ["type": "string", "description": "The raw body, exactly as received.", "examples": ["{\"lead_id\": \"a1b2c3d4-...\"}"]],
                "signature": [
                    "type": "string", "description": "sha256=<hex>, or a space-separated list of v1,<base64> signatures.",
                    "examples": ["sha256=a1b2c3d4..."],
                ],
                "secret": ["type": "string", "minLength": 1, "examples": ["whsec_abc123"]],
                "webhook_id": ["type": "string", "minLength": 1, "description": "The webhook-id header; needed for a v1 signature."],
                "webhook_timestamp": [
                    "type": ["integer", "string"],
                    "description": "The webhook-timestamp header (Unix seconds), as a number or the header's digits; needed for a v1 signature.",
                ],
            ],
        ],
        "WebhookSignatureVerdict": OpenAPIPart.objectSchema([
            "valid": ["type": "boolean"],
            "expected_signature": ["type": "string", "description": "The signature payload has under secret, in the form presented."],
        ]),
    ]
}
