import LeadEngine

/// The OpenAPI description of `/api/v1/pingpost` (ping, ping detail) and of the buyer bid protocol
/// (the `bidRequest` webhook), next to `PingPostRoutes` so they change together. The helpers it
/// builds with (`OpenAPIPart.keyedOperation`, …) live in `OpenAPI/OpenAPIBuilders.swift`.
extension PingPostRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/pingpost/ping": ["post": pingOperation],
            "/api/v1/pingpost/pings/{ping_id}": [
                "parameters": [pingIDParameter],
                "get": showOperation,
            ],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(schemas) { _, own in own },
        webhooks: ["bidRequest": ["post": bidRequestOperation]]
    )

    static let pingIDExample = "ping_0a5f0c2a9e81d4b3c7a6e1f209"

    // MARK: Operations

    /// What both ping operations share: the compliance key, and the rate limit that comes with it.
    static let complianceNote = """
        Takes a compliance key in X-Compliance-API-Key. A missing, unknown or revoked key answers 401; a standard or \
        admin key sent in that header answers 403. Rate-limited per key (\(APIKey.defaultRateLimitPerMinute) requests a \
        minute unless the key says otherwise): every answer past authentication, errors included, carries \
        X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds until the full burst is back, not an \
        epoch time), plus the IETF draft's RateLimit-Policy and RateLimit; a 429 adds Retry-After.
        """

    /// A `keyedOperation` whose key is the compliance key in X-Compliance-API-Key instead of X-API-Key.
    private static func complianceOperation(
        id: String, summary: String, description: String, requestBody: JSONValue? = nil,
        responses: [String: JSONValue], errors: [OpenAPIPart.ErrorAnswer]
    ) -> JSONValue {
        let keyed = OpenAPIPart.keyedOperation(
            id: id, tag: "Ping-post", summary: summary, description: description, requestBody: requestBody,
            responses: responses, errors: errors
        )
        guard case .object(var operation) = keyed else { return keyed }
        operation["security"] = [["ComplianceKey": []]]
        operation["description"] = .string(description + "\n\n" + complianceNote)
        return .object(operation)
    }

    private static let pingOperation = complianceOperation(
        id: "pingForBids", summary: "Ping buyers for bids on a lead",
        description: """
            Runs an auction for an anonymous lead profile and answers within tmax_ms with the bids on offer. Every buyer \
            of the account that takes the vertical and the state is considered: a paused buyer, or one whose ZIP \
            allow-list leaves out zip_code, does not bid; a static buyer (no bid_url) bids its max_price_cents at once; \
            real-time buyers are asked in parallel through the bidRequest webhook, each for at most \
            min(its bid_timeout_ms, the time left before tmax_ms), and whoever has not answered at the deadline is cut \
            off. A real-time bid above the buyer's max_price_cents is capped to it; a bid under the account's floor \
            price for the vertical is dropped. The answer never waits past tmax_ms, whatever a buyer does.

            bids holds the remaining bids, highest first; equal bids rank the faster answer first (a static bid \
            counts as instant), then by buyer_id. It may be empty. The bids stand until expires_at, one minute after \
            the ping; GET /api/v1/pingpost/pings/{ping_id} tells why each other buyer did not bid.

            A 503 means the account holds as many live pings as it may; the oldest expire within a minute, and \
            Retry-After says when to try again.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "PingRequest", description: "The lead profile to auction."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The auction's result: the bids on offer, highest first.", schema: OpenAPIPart.ref("Ping")),
            "503": [
                "description": "Too many live pings in this account (code too_many_live_pings); see Retry-After.",
                "headers": .object(
                    OpenAPIPart.keyedAnswerHeaders.merging([
                        "Retry-After": OpenAPIPart.header("Seconds until a live ping expires and frees a place.", type: "integer")
                    ]) { _, new in new }
                ),
                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
            ],
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let showOperation = complianceOperation(
        id: "getPing", summary: "Get a ping and why each buyer bid or not",
        description: """
            The ping as it was sent, its bids, and one outcome per buyer considered: the bid it made, or the reason it \
            did not bid. Answers "why didn't my lead sell?". Live pings come from memory; expired ones from the \
            store, with status expired.
            """,
        responses: ["200": OpenAPIPart.jsonAnswer("The ping with every buyer's outcome.", schema: OpenAPIPart.ref("PingDetail"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let pingIDParameter: JSONValue = [
        "name": "ping_id", "in": "path", "required": true,
        "description": "The ping's id, as the ping answered it. An id of another account answers 404, as an unknown one does.",
        "schema": ["type": "string", "examples": [.string(pingIDExample)]],
    ]

    // MARK: Buyer bid protocol

    private static let bidRequestOperation: JSONValue = [
        "operationId": "bidRequest",
        "tags": ["Ping-post"],
        "summary": "Bid request to a real-time buyer",
        "description": """
            The buyer bid protocol. For every ping whose vertical and state a real-time buyer (one with a bid_url) \
            takes, and whose ZIP code it accepts, the engine POSTs this JSON to the buyer's bid_url. Buyers are asked \
            in parallel; each request may take at most min(the buyer's bid_timeout_ms, the time left before the \
            seller's tmax_ms), connect to last byte. Redirects are not followed.

            The buyer answers 200 with {"bid_cents": N} and optionally "exclusivity" (the buyer's own exclusivity \
            setting when absent or null); or 204, or 200 with {"bid_cents": 0}, to decline. A bid above the buyer's \
            max_price_cents is capped to it, and a bid under floor_price_cents is dropped (below_floor). Anything \
            else becomes a no-bid reason on the ping's outcome: no answer in time is timeout, a refused or failed \
            connection is unreachable, another status is http_error, and a 200 whose body is not a bid (or longer \
            than 16 KiB) is bad_response.

            When the buyer has a webhook_secret, X-EZLeeds-Signature lets it check that the request comes from \
            EZLeeds: it is sha256= followed by the lowercase hex HMAC-SHA256 of the raw body, keyed with the secret's \
            UTF-8 bytes.
            """,
        "security": [],
        "parameters": [
            [
                "name": "X-EZLeeds-Signature", "in": "header", "required": false,
                "description": "sha256=<lowercase hex HMAC-SHA256(webhook_secret, raw body)>. Sent only when the buyer has a webhook_secret.",
                "schema": ["type": "string", "pattern": "^sha256=[0-9a-f]{64}$"],
            ],
            [
                "name": "X-EZLeeds-Ping-Id", "in": "header", "required": true,
                "description": "The ping's id, as in the body.",
                "schema": ["type": "string", "examples": [.string(pingIDExample)]],
            ],
        ],
        "requestBody": [
            "required": true,
            "description": "The anonymous lead profile, and the auction's terms.",
            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/BidRequest"]]],
        ],
        "responses": [
            "200": [
                "description": "A bid; bid_cents 0 declines.",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/BidAnswer"]]],
            ],
            "204": ["description": "No bid."],
            "default": ["description": "Any other status is recorded as the no-bid reason http_error."],
        ],
    ]

    // MARK: Schemas

    /// What each no-bid reason means; the switch makes a new reason fail to compile until it is described.
    static func meaning(of reason: NoBidReason) -> String {
        switch reason {
        case .paused: "the buyer is paused"
        case .filteredZip: "the lead's ZIP code is not on the buyer's allow-list"
        case .dailyCap: "the buyer bought its daily_cap leads today"
        case .budget: "the buyer's budget cannot pay its bid"
        case .timeout: "the bid endpoint did not answer within the buyer's bid_timeout_ms or the seller's tmax_ms"
        case .unreachable: "the bid endpoint could not be reached (connection refused or reset, DNS failure)"
        case .httpError: "the bid endpoint answered with a status other than 200 or 204"
        case .badResponse: "the bid endpoint answered 200 with a body that is not a valid bid"
        case .declined: "the buyer declined: 204, or bid_cents 0"
        case .belowFloor: "the bid was under the floor price"
        }
    }

    private static let bidSchema: JSONValue = [
        "type": "object",
        "required": ["buyer_id", "buyer_name", "bid_cents", "exclusivity"],
        "properties": [
            "buyer_id": ["type": "string", "examples": ["buyer_5f0c2a9e81d4b3c7a6e1f209"]],
            "buyer_name": ["type": "string"],
            "bid_cents": OpenAPIPart.centsSchema("The bid, capped to the buyer's max_price_cents and at least the floor price."),
            "exclusivity": OpenAPIPart.ref("Exclusivity"),
        ],
    ]

    /// The ping answer's fields, which the detail repeats.
    private static let pingProperties: [String: JSONValue] = [
        "ping_id": ["type": "string", "examples": [.string(pingIDExample)]],
        "expires_at": [
            "type": "string", "format": "date-time",
            "description": "When the bids lapse: one minute after the ping. RFC 3339 in UTC, whole seconds.",
            "examples": ["2026-04-22T14:31:00Z"],
        ],
        "bids": ["type": "array", "items": OpenAPIPart.ref("PingBid"), "description": "Highest first; may be empty."],
        "floor_price_cents": OpenAPIPart.centsSchema("The account's floor price for the vertical at the time of the ping."),
    ]

    private static let schemas: [String: JSONValue] = [
        "PingRequest": [
            "type": "object",
            "required": ["campaign_type", "state", "zip_code", "source"],
            "properties": [
                "campaign_type": OpenAPIPart.ref("CampaignType"),
                "state": OpenAPIPart.ref("StateCode"),
                "zip_code": OpenAPIPart.zipCodeSchema,
                "source": [
                    "type": "string", "minLength": 1, "maxLength": 200,
                    "description": "Where the lead comes from (the seller's own label); 1 to 200 bytes of UTF-8.",
                ],
                "tmax_ms": [
                    "type": "integer", "minimum": 1, "maximum": .integer(Int64(PingRequest.maxTmaxMilliseconds)),
                    "default": .integer(Int64(PingRequest.defaultTmaxMilliseconds)),
                    "description": "How long the seller waits for the answer, in milliseconds.",
                ],
            ],
        ],
        "PingBid": bidSchema,
        "Ping": [
            "type": "object",
            "required": .array(pingProperties.keys.sorted().map(JSONValue.string)),
            "properties": .object(pingProperties),
        ],
        "PingDetail": pingDetailSchema,
        "PingOutcome": outcomeSchema,
        "NoBidReason": [
            "type": "string",
            "description": .string(
                "Why a buyer considered for a ping did not bid:\n"
                    + NoBidReason.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(NoBidReason.allCases.map { .string($0.rawValue) }),
        ],
        "BidRequest": [
            "type": "object",
            "required": ["ping_id", "campaign_type", "state", "zip_code", "source", "floor_price_cents", "expires_at", "tmax_ms"],
            "properties": [
                "ping_id": ["type": "string", "examples": [.string(pingIDExample)]],
                "campaign_type": OpenAPIPart.ref("CampaignType"),
                "state": OpenAPIPart.ref("StateCode"),
                "zip_code": OpenAPIPart.zipCodeSchema,
                "source": ["type": "string", "description": "The seller's label for where the lead comes from."],
                "floor_price_cents": OpenAPIPart.centsSchema("Bids under this are dropped."),
                "expires_at": [
                    "type": "string", "format": "date-time",
                    "description": "When the ping's bids lapse. RFC 3339 in UTC, whole seconds.",
                    "examples": ["2026-04-22T14:31:00Z"],
                ],
                "tmax_ms": [
                    "type": "integer", "minimum": 1, "maximum": .integer(Int64(PingRequest.maxTmaxMilliseconds)),
                    "description": "The seller's deadline for the whole auction, in milliseconds from the ping.",
                ],
            ],
        ],
        "BidAnswer": [
            "type": "object",
            "required": ["bid_cents"],
            "description": "Other fields are ignored.",
            "properties": [
                "bid_cents": [
                    "type": "integer", "format": "int64", "minimum": 0,
                    "description": "The bid in cents, a non-negative integer; 0 declines. Capped to the buyer's max_price_cents.",
                ],
                "exclusivity": [
                    "oneOf": [OpenAPIPart.ref("Exclusivity"), ["type": "null"]],
                    "description": "How the buyer takes this lead; absent or null: the buyer's exclusivity setting.",
                ],
            ],
        ],
    ]

    /// The ping with its request, status, sales and every buyer's outcome.
    private static let pingDetailSchema: JSONValue = {
        var properties = pingProperties
        properties.merge([
            "campaign_type": OpenAPIPart.ref("CampaignType"),
            "state": OpenAPIPart.ref("StateCode"),
            "zip_code": OpenAPIPart.zipCodeSchema,
            "source": ["type": "string"],
            "tmax_ms": ["type": "integer", "minimum": 1, "maximum": .integer(Int64(PingRequest.maxTmaxMilliseconds))],
            "created_at": OpenAPIPart.timestampSchema,
            "status": [
                "type": "string", "enum": ["live", "expired"], "description": "live until expires_at; its bids stand while live.",
            ],
            "sold_to": [
                "type": "array", "items": ["type": "string"], "description": "Ids of the buyers the lead was sold to through this ping.",
            ],
            "outcomes": [
                "type": "array", "items": OpenAPIPart.ref("PingOutcome"),
                "description": "One per buyer considered: every buyer of the account that takes the vertical and the state.",
            ],
        ]) { _, new in new }
        return [
            "type": "object",
            "required": .array(properties.keys.sorted().map(JSONValue.string)),
            "properties": .object(properties),
        ]
    }()

    /// One buyer's outcome: every field always present, those of the other result as null.
    private static let outcomeSchema: JSONValue = {
        let properties: [String: JSONValue] = [
            "buyer_id": ["type": "string", "examples": ["buyer_5f0c2a9e81d4b3c7a6e1f209"]],
            "buyer_name": ["type": "string"],
            "result": ["type": "string", "enum": ["bid", "no_bid"]],
            "bid_cents": [
                "type": ["integer", "null"], "format": "int64", "minimum": 0,
                "description": "The bid (capped to max_price_cents) when result is bid; null otherwise.",
            ],
            "exclusivity": ["oneOf": [OpenAPIPart.ref("Exclusivity"), ["type": "null"]], "description": "null unless result is bid."],
            "bid_source": [
                "type": ["string", "null"], "enum": ["static", "real_time", .null],
                "description": "static: the buyer's max_price_cents; real_time: its bid endpoint's answer. null unless result is bid.",
            ],
            "no_bid_reason": [
                "oneOf": [OpenAPIPart.ref("NoBidReason"), ["type": "null"]],
                "description": "Why the buyer did not bid when result is no_bid; null otherwise.",
            ],
            "detail": [
                "type": ["string", "null"],
                "description": "More about a no-bid when there is more to say (a status, a timeout, the bid under the floor); null otherwise.",
            ],
            "response_time_ms": [
                "type": ["integer", "null"], "minimum": 0,
                "description": .string(
                    "Milliseconds from the start of the auction until the buyer's bid endpoint answered or was cut off; "
                        + "null for buyers that were not asked (static bids, paused or ZIP-filtered buyers)."
                ),
            ],
        ]
        return [
            "type": "object",
            "required": .array(properties.keys.sorted().map(JSONValue.string)),
            "properties": .object(properties),
        ]
    }()
}
