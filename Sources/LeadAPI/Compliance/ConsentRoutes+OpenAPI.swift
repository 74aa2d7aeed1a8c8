import Foundation
import LeadEngine

/// The OpenAPI description of `/api/v1/compliance` (record, verify and revoke consent certificates,
/// and the key-less public key), next to `ConsentRoutes` so they change together. The helpers it
/// builds with live in `OpenAPI/OpenAPIBuilders.swift`; the compliance-key operation builder is
/// `PingPostRoutes.complianceOperation`, shared with the ping-post routes that take the same key.
extension ConsentRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/compliance/record-consent": ["post": recordOperation],
            "/api/v1/compliance/verify-consent": ["post": verifyOperation],
            "/api/v1/compliance/revoke-consent": ["post": revokeOperation],
            "/api/v1/compliance/public-key": ["get": publicKeyOperation],
        ],
        schemas: sharedSchemas.merging(schemas) { _, own in own }
    )

    private static let tag = "Compliance"
    private static let certificateIDExample = "cert_7c1e5b2a4c7e9a317d2e4b6f"
    private static let keyIDExample = "sigkey_3e9a317d2e4b6f8a105b2a4c"
    private static let leadIDExample = "0f8d6c1e-5b2a-4c7e-9a31-7d2e4b6f8a10"

    // MARK: Offline verification

    /// The canonical form of a sample certificate, made by the code that signs real ones.
    private static let sampleCanonicalForm: String = String(
        decoding: ConsentCertificate.canonicalForm(
            id: certificateIDExample, tenantID: "ten_9a317d2e4b6f8a105b2a4c7e", leadID: leadIDExample,
            consent: Consent(
                consentType: .tcpaExpressWritten, consentText: "I agree to be contacted by phone and text.", ipAddress: "203.0.113.7",
                pageURL: "https://example.com/quote", userAgent: nil
            ),
            createdAt: Date(timeIntervalSince1970: 1_776_868_200)
        ),
        as: UTF8.self
    )

    /// The canonical form's keys, read back from the sample so the list cannot drift from the code.
    private static let canonicalKeys: String = {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(sampleCanonicalForm.utf8)) else { return "" }
        return object.keys.sorted().joined(separator: ", ")
    }()

    static let offlineVerification = """
        A certificate can be checked offline, without the server:
        1. Take the public key from GET /api/v1/compliance/public-key (an RFC 8037 JWK): its kid must be the \
        certificate's key_id, and x is the 32-byte Ed25519 public key in unpadded base64url.
        2. Rebuild the canonical form, the bytes that were hashed: the JSON object of ConsentCertificate.canonicalForm, \
        with exactly the keys \(canonicalKeys), keys sorted, no whitespace, UTF-8, slashes not escaped. \
        certificate_id is the certificate's id; tenant_id is the id of the account that recorded it (verify-consent's \
        certificate carries it); lead_id, page_url and \
        user_agent are null when absent; consent_text is exactly as recorded (it is not trimmed); created_at is RFC 3339 \
        in UTC, in whole seconds. These are the bytes Python's json.dumps(form, sort_keys=True, separators=(",", ":"), \
        ensure_ascii=False) writes, encoded as UTF-8. For example:
        \(sampleCanonicalForm)
        3. The hash is sha256: followed by the lowercase hex SHA-256 of those bytes; it must equal the certificate's hash.
        4. The signature is the base64 Ed25519 signature over the UTF-8 bytes of the hash string itself (the \
        71 characters sha256:<hex>, not the raw digest); it must verify under the public key.
        Revocation cannot be seen offline: verify-consent tells it.
        """

    // MARK: Operations

    private static let recordOperation = PingPostRoutes.complianceOperation(
        id: "recordConsent", tag: tag, summary: "Record a consent and get a signed certificate",
        description: """
            Records a consent as it was captured (what the person agreed to, where and how) and answers with a \
            TrustedForm-style certificate: the consent's fields in a canonical JSON form, its SHA-256 hash, and the \
            server's Ed25519 signature over that hash. A post records the lead's consent this way by itself; this \
            endpoint is for consents captured apart from a post. lead_id, when given, must be a lead of this account \
            (422 naming lead_id otherwise); without it the certificate stands alone.

            \(offlineVerification)
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "RecordConsentRequest", description: "The consent, and optionally the lead it belongs to."),
        responses: ["201": OpenAPIPart.jsonAnswer("The consent is recorded and signed.", schema: OpenAPIPart.ref("RecordedConsent"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let verifyOperation = PingPostRoutes.complianceOperation(
        id: "verifyConsent", tag: tag, summary: "Verify a consent certificate",
        description: """
            Looks a certificate of this account up and checks it. valid is true only when the certificate is known, \
            not revoked, and untampered: its stored fields still hash to its hash, and the signature verifies under the \
            server's key. An unknown id (or another account's) answers 200 with valid false and certificate null; a \
            revoked or tampered certificate answers valid false with the certificate, so is_active, revoked_at and the \
            fields show why. A missing certificate_id answers 422.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "CertificateReference", description: "The certificate to verify."),
        responses: ["200": OpenAPIPart.jsonAnswer("Whether the certificate is valid, and the certificate.", schema: OpenAPIPart.ref("ConsentVerification"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let revokeOperation = PingPostRoutes.complianceOperation(
        id: "revokeConsent", tag: tag, summary: "Revoke a consent certificate",
        description: """
            An addition to the specification: records that the person withdrew the consent (for TCPA, an opt-out). \
            The certificate is kept, unchanged but for is_active false and revoked_at; from then on verify-consent \
            answers valid false for it. Revocation is final, and revoking again answers the same certificate with the \
            first revoked_at. An unknown id (or another account's) answers 404; a missing certificate_id answers 422.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "CertificateReference", description: "The certificate to revoke."),
        responses: ["200": OpenAPIPart.jsonAnswer("The revoked certificate.", schema: OpenAPIPart.ref("ConsentCertificate"))],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    private static let publicKeyOperation: JSONValue = [
        "operationId": "getConsentPublicKey",
        "tags": .array([.string(tag)]),
        "summary": "The public key consent certificates are signed with",
        "description": .string(
            """
            The public half of the server's certificate signing key, as an RFC 8037 JWK. It is made on the server's \
            first start and kept in its store, so it stays the same across restarts. Needs no key; limited per client \
            address (100 requests a minute by default), with the rate-limit headers, and a 429 adds Retry-After.

            \(offlineVerification)
            """
        ),
        "security": [],
        "responses": [
            "200": OpenAPIPart.jsonAnswer("The public key.", schema: OpenAPIPart.ref("ConsentPublicKey")),
            "429": ["$ref": "#/components/responses/RateLimited"],
        ],
    ]

    // MARK: Schemas

    /// What each consent type means; the switch makes a new type fail to compile until it is described.
    static func meaning(of type: ConsentType) -> String {
        switch type {
        case .tcpaExpressWritten:
            "prior express written consent under the TCPA, which autodialed or prerecorded calls and texts to a mobile need"
        case .tcpaExpress: "prior express consent under the TCPA, enough for calls made without an autodialer or prerecorded voice"
        case .doubleOptIn: "consent given and then confirmed (a reply to a confirmation text or email)"
        case .verbalRecorded: "consent given aloud on a recorded call"
        }
    }

    private static let consentProperties: [String: JSONValue] = [
        "consent_type": OpenAPIPart.ref("ConsentType"),
        "consent_text": [
            "type": "string", "minLength": 1, "maxLength": 10_000,
            "description": "The disclosure the person agreed to, word for word: 1 to 10,000 bytes of UTF-8, not only whitespace. Kept as sent.",
        ],
        "ip_address": [
            "type": "string", "maxLength": 45,
            "description": "The person's IPv4 (dotted quad, no leading zeros) or IPv6 address.",
            "examples": ["203.0.113.7", "2001:db8::7"],
        ],
        "page_url": OpenAPIPart.nullableURLSchema("The page the consent was given on; absent or null for none."),
        "user_agent": [
            "type": ["string", "null"], "maxLength": 1000,
            "description": "The person's browser user agent, at most 1,000 bytes; absent or null for none.",
        ],
        "channel": [
            "type": ["string", "null"], "minLength": 1, "maxLength": 50, "default": "web",
            "description": "Where the consent was given (web, sms, phone, …): 1 to 50 bytes; absent or null: web.",
        ],
        "mechanism": [
            "type": ["string", "null"], "minLength": 1, "maxLength": 50, "default": "web_form",
            "description": "How it was given (web_form, checkbox, keypad, …): 1 to 50 bytes; absent or null: web_form.",
        ],
    ]

    private static let consentRequired: [JSONValue] = ["consent_type", "consent_text", "ip_address"]

    /// The consent schemas the post also speaks of.
    static let sharedSchemas: [String: JSONValue] = [
        "ConsentType": [
            "type": "string",
            "description": .string(
                "The kind of consent:\n" + ConsentType.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(ConsentType.allCases.map { .string($0.rawValue) }),
        ],
        "Consent": [
            "type": "object",
            "description": "A consent as captured: what the person agreed to, where and how. Bad fields are named under consent. in a post.",
            "required": .array(consentRequired),
            "properties": .object(consentProperties),
        ],
    ]

    private static let hashSchema: JSONValue = [
        "type": "string", "pattern": "^sha256:[0-9a-f]{64}$",
        "description": "sha256: and the lowercase hex SHA-256 of the certificate's canonical form.",
    ]

    private static let signatureSchema: JSONValue = [
        "type": "string", "contentEncoding": "base64",
        "description": "The base64 Ed25519 signature, by the key key_id names, over the UTF-8 bytes of hash.",
    ]

    private static let keyIDSchema: JSONValue = [
        "type": "string", "description": "The signing key's id: the kid of the public key.", "examples": [.string(keyIDExample)],
    ]

    private static let certificateIDSchema: JSONValue = ["type": "string", "examples": [.string(certificateIDExample)]]

    private static let certificateProperties: [String: JSONValue] = [
        "id": certificateIDSchema,
        "tenant_id": ["type": "string", "description": "The account that recorded it; part of the signed form."],
        "lead_id": ["type": ["string", "null"], "description": "The lead the consent belongs to; null for none.", "examples": [.string(leadIDExample)]],
        "consent_type": OpenAPIPart.ref("ConsentType"),
        "channel": ["type": "string"],
        "mechanism": ["type": "string"],
        "consent_text": ["type": "string"],
        "ip_address": ["type": "string"],
        "page_url": ["type": ["string", "null"]],
        "user_agent": ["type": ["string", "null"]],
        "created_at": OpenAPIPart.timestampSchema,
        "hash": hashSchema,
        "signature": signatureSchema,
        "key_id": keyIDSchema,
        "is_active": ["type": "boolean", "description": "false once revoked."],
        "revoked_at": [
            "type": ["string", "null"], "format": "date-time",
            "description": "When the consent was revoked, RFC 3339 in UTC, whole seconds; null while active.",
        ],
    ]

    private static let schemas: [String: JSONValue] = [
        "RecordConsentRequest": [
            "type": "object",
            "required": .array(consentRequired),
            "properties": .object(
                consentProperties.merging([
                    "lead_id": [
                        "type": ["string", "null"],
                        "description": "A lead of this account the consent belongs to; absent or null for none.",
                        "examples": [.string(leadIDExample)],
                    ]
                ]) { _, new in new }
            ),
        ],
        "RecordedConsent": [
            "type": "object",
            "required": ["certificate_id", "created_at", "hash", "signature", "key_id"],
            "properties": [
                "certificate_id": certificateIDSchema,
                "created_at": OpenAPIPart.timestampSchema,
                "hash": hashSchema,
                "signature": signatureSchema,
                "key_id": keyIDSchema,
            ],
        ],
        "CertificateReference": [
            "type": "object",
            "required": ["certificate_id"],
            "properties": ["certificate_id": certificateIDSchema],
        ],
        "ConsentCertificate": [
            "type": "object",
            "description": .string("A recorded consent with its signature.\n\n" + offlineVerification),
            "required": .array(certificateProperties.keys.sorted().map(JSONValue.string)),
            "properties": .object(certificateProperties),
        ],
        "ConsentVerification": [
            "type": "object",
            "required": ["valid", "certificate"],
            "properties": [
                "valid": ["type": "boolean", "description": "true only for a known, unrevoked, untampered certificate."],
                "certificate": [
                    "oneOf": [OpenAPIPart.ref("ConsentCertificate"), ["type": "null"]],
                    "description": "The certificate as stored; null when this account has no such certificate.",
                ],
            ],
        ],
        "ConsentPublicKey": [
            "type": "object",
            "description": "An RFC 8037 JSON Web Key for Ed25519.",
            "required": ["kty", "crv", "kid", "use", "alg", "x"],
            "properties": [
                "kty": ["type": "string", "const": "OKP"],
                "crv": ["type": "string", "const": "Ed25519"],
                "kid": keyIDSchema,
                "use": ["type": "string", "const": "sig"],
                "alg": ["type": "string", "const": "EdDSA"],
                "x": [
                    "type": "string", "pattern": "^[A-Za-z0-9_-]{43}$",
                    "description": "The 32-byte public key in base64url without padding.",
                ],
            ],
        ],
    ]
}
