import LeadEngine

/// The OpenAPI description of `/api/v1/domains`, next to `DomainRoutes` so the two change together.
extension DomainRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/domains": ["post": createOperation, "get": listOperation],
            "/api/v1/domains/{id}": ["parameters": [idParameter], "get": showOperation, "delete": deleteOperation],
            "/api/v1/domains/{id}/verify": ["parameters": [idParameter], "post": verifyOperation],
        ],
        schemas: schemas
    )

    private static let tag = "Domains"
    private static let idParameter = OpenAPIPart.idParameter(entity: "domain", example: "dom_0193a1b2c3d4e5f6a7b8c9d0")

    private static let createOperation = OpenAPIPart.keyedOperation(
        id: "createDomain", tag: tag, summary: "Register a sending domain",
        description: """
            Registers a domain to send outreach email from and answers with the three DNS records to publish. \
            The name is lowercased and loses a trailing dot; an internationalised name is stored as A-labels \
            (xn--…). An IP address, a single label, a label over 63 bytes, a name over 253 bytes or a label \
            starting or ending with a hyphen is a 422.

            Records: SPF (TXT at the domain, v=spf1 with the operator's relay include, or v=spf1 a mx ~all), \
            DKIM (a TXT record at ezl._domainkey.<domain> carrying this domain's own RSA-2048 public key — the \
            spec shows a CNAME here, but a self-hosted engine has no zone of its own for it to point at, so the \
            key itself is published; the private key never leaves the server), and DMARC (TXT at _dmarc.<domain>, \
            v=DMARC1; p=none to start). A DKIM value longer than 255 characters is split into several strings \
            by most DNS hosts; the strings are joined when checked.

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "DomainCreate", description: "The domain."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The domain, pending verification, with the records to publish.", schema: OpenAPIPart.ref("Domain"),
                headers: [
                    "Location": OpenAPIPart.header("The new domain's URL. Absent on a replay.", type: "string"),
                    "Idempotent-Replayed": OpenAPIPart.replayedHeader,
                ]
            ),
            "409": OpenAPIPart.problemAnswer(
                "domain_exists: the account has registered this domain; domain_claimed: another account has verified it.",
                codes: ["domain_exists", "domain_claimed"]
            ),
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .tooLarge, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listDomains", tag: tag, summary: "List sending domains",
        description: "The account's domains, newest first, with their status and verified_at.",
        parameters: OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of domains.", schema: OpenAPIPart.ref("DomainList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getDomain", tag: tag, summary: "Get a sending domain",
        description: "The domain, its records, and what the last check found for each (false before the first check).",
        responses: ["200": OpenAPIPart.jsonAnswer("The domain.", schema: OpenAPIPart.ref("Domain"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let verifyOperation = OpenAPIPart.keyedOperation(
        id: "verifyDomain", tag: tag, summary: "Check a domain's DNS records now",
        description: """
            Looks the three records up through the server's resolver (about 2 s per query, an answer within 10 s). \
            SPF: exactly one v=spf1 record at the domain, with the relay's include when the operator set one. \
            DKIM: the TXT record at ezl._domainkey.<domain> (a CNAME you delegate it with is followed) carries this \
            domain's key. DMARC: one v=DMARC1 record with p=none, quarantine or reject at _dmarc.<domain>, else at \
            the organizational domain's. All three → verified; otherwise failed with each record's reason, and you \
            may verify again. A verified domain turns failed only at a second failing check at least an hour after \
            the first. A resolver that does not answer concludes nothing: the answer is still a 200, its checks \
            say dns_unavailable, and the status is unchanged.
            """,
        responses: ["200": OpenAPIPart.jsonAnswer("The domain after the check.", schema: OpenAPIPart.ref("Domain"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let deleteOperation = OpenAPIPart.keyedOperation(
        id: "deleteDomain", tag: tag, summary: "Remove a sending domain",
        description: "Deletes the domain and its private key; email steps that would send from it are skipped (no_verified_domain). A second DELETE is a 404.",
        responses: ["200": OpenAPIPart.jsonAnswer("The deletion.", schema: OpenAPIPart.ref("DomainDeleted"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let schemas: [String: JSONValue] = [
        "DomainCreate": [
            "type": "object", "required": ["domain"],
            "properties": ["domain": ["type": "string", "minLength": 1, "maxLength": 253, "example": "mail.acmelegal.com"]],
        ],
        "DNSRecord": OpenAPIPart.objectSchema([
            "type": ["type": "string", "enum": ["TXT"]], "name": ["type": "string"], "value": ["type": "string"],
        ]),
        "DomainCheck": OpenAPIPart.objectSchema([
            "record": OpenAPIPart.enumSchema(DomainCheck.Record.self, description: "Which record."),
            "name": ["type": "string", "description": "The name looked up (for DMARC, the organizational domain's when it fell back)."],
            "outcome": OpenAPIPart.enumSchema(DomainCheck.Outcome.self, description: "dns_unavailable: the resolver did not answer."),
            "found": ["type": "array", "items": ["type": "string"], "description": "The relevant TXT records found."],
            "reason": ["type": ["string", "null"], "description": "Why it fails; null on a pass."],
        ]),
        "Domain": OpenAPIPart.objectSchema([
            "id": ["type": "string"], "domain": ["type": "string", "description": "In A-label form."],
            "status": OpenAPIPart.enumSchema(DomainStatus.self, description: "Where verification stands."),
            "dns_records": ["type": "array", "items": OpenAPIPart.ref("DNSRecord"), "description": "SPF, DKIM and DMARC, to publish."],
            "spf_valid": ["type": "boolean"], "dkim_valid": ["type": "boolean"], "dmarc_valid": ["type": "boolean"],
            "checks": ["type": "array", "items": OpenAPIPart.ref("DomainCheck"), "description": "The last check, per record."],
            "created_at": OpenAPIPart.timestampSchema, "checked_at": OpenAPIPart.nullableTimestampSchema,
            "verified_at": OpenAPIPart.nullableTimestampSchema,
        ]),
        "DomainList": OpenAPIPart.listSchema(of: "Domain"),
        "DomainDeleted": OpenAPIPart.objectSchema([
            "deleted": ["type": "boolean", "const": true], "domain": ["type": "string"], "id": ["type": "string"],
        ]),
    ]
}
