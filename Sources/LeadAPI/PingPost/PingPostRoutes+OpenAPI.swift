import LeadEngine

/// The OpenAPI description of `/api/v1/pingpost` (ping, post, ping detail), of the buyer bid
/// protocol (the `bidRequest` webhook) and of lead delivery (the `leadDelivered` webhook), next to
/// `PingPostRoutes` so they change together. The helpers it builds with (`OpenAPIPart.keyedOperation`,
/// …) live in `OpenAPI/OpenAPIBuilders.swift`.
extension PingPostRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/pingpost/ping": ["post": pingOperation],
            "/api/v1/pingpost/post": ["post": postOperation],
            "/api/v1/pingpost/pings/{ping_id}": [
                "parameters": [pingIDParameter],
                "get": showOperation,
            ],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(ConsentRoutes.sharedSchemas) { _, own in own }.merging(schemas) { _, own in own }
            .merging(postSchemas) { _, own in own },
        webhooks: ["bidRequest": ["post": bidRequestOperation], "leadDelivered": ["post": leadDeliveredOperation]]
    )

    static let pingIDExample = "ping_0a5f0c2a9e81d4b3c7a6e1f209"

    // MARK: Operations

    /// What every operation behind the compliance key shares: the key, and the rate limit that comes with it.
    static let complianceNote = """
        Takes a compliance key in X-Compliance-API-Key. A missing, unknown or revoked key answers 401; a standard or \
        admin key sent in that header answers 403. Rate-limited per key (\(APIKey.defaultRateLimitPerMinute) requests a \
        minute unless the key says otherwise): every answer past authentication, errors included, carries \
        X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds until the full burst is back, not an \
        epoch time), plus the IETF draft's RateLimit-Policy and RateLimit; a 429 adds Retry-After.
        """

    /// A `keyedOperation` whose key is the compliance key in X-Compliance-API-Key instead of X-API-Key.
    /// The consent routes, which take the same key, build with it too.
    static func complianceOperation(
        id: String, tag: String = "Ping-post", summary: String, description: String, requestBody: JSONValue? = nil,
        responses: [String: JSONValue], errors: [OpenAPIPart.ErrorAnswer]
    ) -> JSONValue {
        let keyed = OpenAPIPart.keyedOperation(
            id: id, tag: tag, summary: summary, description: description, requestBody: requestBody,
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

            A 503 too_many_live_pings means the account holds as many live pings as it may; the oldest expire within a \
            minute, and Retry-After says when to try again. A 503 storage_unavailable means the server cannot write \
            the ping's record to its database (a full disk): no ping is answered that could not be kept.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "PingRequest", description: "The lead profile to auction."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The auction's result: the bids on offer, highest first.", schema: OpenAPIPart.ref("Ping")),
            "503": [
                "description": "Too many live pings in this account (code too_many_live_pings), or the database cannot be written (storage_unavailable); see Retry-After.",
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
        case .dnc:
            "the lead is on a do-not-call list and the buyer (or every campaign that could fund it) requires clean leads; only when routing an inbound lead, as a ping is anonymous"
        case .timeout: "the bid endpoint did not answer within the buyer's bid_timeout_ms or the seller's tmax_ms"
        case .unreachable: "the bid endpoint could not be reached (connection refused or reset, DNS failure)"
        case .targetNotAllowed:
            "the outbound target policy refused the bid_url or an address its host resolves to (loopback, private, link-local and similar ranges, or a port other than 80 and 443); see README, Outbound requests"
        case .httpError: "the bid endpoint answered with a status other than 200 or 204"
        case .badResponse: "the bid endpoint answered 200 with a body that is not a valid bid"
        case .declined: "the buyer declined: 204, or bid_cents 0"
        case .belowFloor: "the bid was under the floor price"
        case .outranked: "the bid was valid but not among the best \(Auction.defaultMaxBids) the ping keeps"
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
        "bids": ["type": "array", "items": OpenAPIPart.ref("PingBid"), "description": .string("Highest first, at most \(Auction.defaultMaxBids); may be empty.")],
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
                "description": .string(
                    "One per buyer considered: every buyer of the account that takes the vertical and the state, "
                        + "except static buyers outranked by the best bids, which are only counted in outranked_static_buyers."
                ),
            ],
            "outranked_static_buyers": [
                "type": "integer", "minimum": 0,
                "description": .string("Static buyers whose bids were valid but not among the best \(Auction.defaultMaxBids) kept."),
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

// MARK: - Post and lead delivery

extension PingPostRoutes {
    /// The delivery retry delays as people read them: 10 s, 30 s, 2 min, …, 24 h.
    static let retryDelaysText: String = DeliverySchedule.retryDelaysSeconds.map { seconds in
        if seconds < 60 { "\(seconds) s" } else if seconds < 3600 { "\(seconds / 60) min" } else { "\(seconds / 3600) h" }
    }.joined(separator: ", ")

    /// How the answer's delivery_status and the retries after it come about, for the post and the webhook alike.
    static let deliveryNote = """
        Delivery is at least once. When the buyer has a webhook_url, one attempt is made inline, with a \
        \(Courier.defaultInlineAttemptMilliseconds) ms timeout by default (--inline-delivery-ms), before the post answers: delivery_status is \
        delivered if the buyer answered 2xx in time, pending otherwise. A buyer without a webhook_url gets nothing \
        (not_configured); the sale stands. A pending delivery is retried by the courier from the store (restarts lose \
        nothing), each attempt with a \(Courier.retryTimeoutMilliseconds / 1000) s timeout, after these delays from the \
        failed attempt: \(retryDelaysText), each ±20 % at random so a buyer coming back from an outage is not hit by \
        every queued lead at once. After \(DeliverySchedule.retryDelaysSeconds.count + 1) failed attempts the delivery \
        is failed and no longer retried. Every attempt sends the same body and the same webhook-id; only \
        webhook-timestamp and the signatures over it change. Redirects are never followed: a 3xx is a failed attempt.
        """

    private static let leadIDExample = "0f8d6c1e-5b2a-4c7e-9a31-7d2e4b6f8a10"
    private static let certificateIDExample = "cert_7c1e5b2a4c7e9a317d2e4b6f"

    private static let postOperation = complianceOperation(
        id: "postLead", summary: "Post a lead to a buyer that bid on its ping",
        description: """
            Sells the pinged lead to one of the ping's bidders, at that buyer's bid: the seller sends the lead's \
            contact details and the consent it was given under. The phone is accepted in any common US form (E.164, \
            ten digits, punctuation, a leading 1) and stored, answered and delivered as E.164 (+1 and ten digits); the \
            email is trimmed and lowercased.

            Checks, in order: every field (422, all bad fields named at once, such as lead.phone or \
            consent.ip_address); the ping exists in this account (404, also for another account's ping); it has not \
            expired (409 ping_expired, with expired_at); buyer_id bid on it (409 buyer_not_bidding); the lead's state \
            and zip_code are those pinged (409 ping_mismatch, errors naming lead.state and/or lead.zip_code); the lead \
            is still for sale to this buyer (409 already_sold); the lead's phone is on no do-not-call list (federal, \
            its state's, this account's internal) if the buyer, or every campaign that could fund the sale, sets \
            require_dnc_clear (409 dnc_listed, with lists); the buyer has not bought its daily_cap leads today (its \
            calendar day in its time_zone) since it bid (409 daily_cap_reached: post to another bidder); one of the buyer's campaigns can \
            still pay the bid (409 budget_exhausted); the buyer's balance can pay it (409 insufficient_funds). An exclusive ping (the chosen bid, or an earlier sale \
            on it, is exclusive) sells once; a shared ping sells to at most max_shared_buyers (an account setting, default \(SharedSaleLimits.defaultMaxSharedBuyers)) \
            distinct buyers, each of them once. Racing posts for one ping are serialised: exactly as many succeed as \
            the rules allow.

            The sale commits durably, in one transaction, before the answer: the lead (a new UUID lead_id), its \
            consent certificate (signed as record-consent signs one, and verifiable with verify-consent), the sale at \
            the bid price, a ledger charge to the buyer, and a delivery outbox row. The lead's history records the \
            do-not-call look-up (a dnc_checked event), whatever it found. If that fails nothing is sold and \
            the answer is a 500; the post may be retried while the ping lives.

            \(deliveryNote) The buyer receives the leadDelivered webhook.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "PostRequest", description: "The ping, the chosen buyer, the lead and its consent."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The lead is sold; see delivery_status for its delivery.", schema: OpenAPIPart.ref("PostReceipt")),
            "404": [
                "description": "No such ping in this account (code not_found): unknown, or another account's.",
                "headers": .object(OpenAPIPart.keyedAnswerHeaders),
                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
            ],
            "409": [
                "description": .string(
                    """
                    The ping's bid cannot become this sale; code says why:
                    - ping_expired: the ping's bids lapsed (one minute after the ping); expired_at says when. Ping again.
                    - buyer_not_bidding: buyer_id has no bid on this ping.
                    - ping_mismatch: the lead's state or zip_code differs from the ping's; errors names lead.state and/or lead.zip_code.
                    - already_sold: this buyer already bought the lead, or an exclusive ping was sold, or a shared ping \
                    was sold to max_shared_buyers buyers (default \(SharedSaleLimits.defaultMaxSharedBuyers)).
                    - dnc_listed: the lead's phone is on a do-not-call list (lists names federal_dnc, state_dnc and/or \
                    internal_dnc) and the buyer, or every campaign that could fund the sale, requires clean leads \
                    (require_dnc_clear); post to another bidder.
                    - daily_cap_reached: the buyer bought its daily_cap leads today (in its time_zone) since it bid; post to another bidder.
                    - budget_exhausted: none of the buyer's campaigns (campaigns whose buyer_id is the buyer, of the lead's type and state) \
                    has the budget or the max_leads_per_day left for this bid any more; post to another bidder.
                    - insufficient_funds: the buyer's balance cannot pay the bid (a prepaid balance, or an invoiced buyer at its \
                    credit limit); post to another bidder.
                    """
                ),
                "headers": .object(OpenAPIPart.keyedAnswerHeaders),
                "content": [
                    "application/problem+json": [
                        "schema": ref("PostConflict"),
                        "examples": [
                            "ping_expired": [
                                "value": [
                                    "type": "urn:ezleeds:problem:ping_expired", "title": "Ping expired", "status": 409,
                                    "detail": "The ping's bids expired at 2026-04-22T14:31:00Z; ping again.", "code": "ping_expired",
                                    "expired_at": "2026-04-22T14:31:00Z", "request_id": "7f3c9a1e2b4d",
                                ]
                            ],
                            "ping_mismatch": [
                                "value": [
                                    "type": "urn:ezleeds:problem:ping_mismatch", "title": "Lead does not match the ping", "status": 409,
                                    "detail": "The lead contradicts what was pinged: lead.zip_code.", "code": "ping_mismatch",
                                    "errors": [["field": "lead.zip_code", "message": "differs from the ping"]], "request_id": "7f3c9a1e2b4d",
                                ]
                            ],
                        ],
                    ]
                ],
            ],
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static func ref(_ schema: String) -> JSONValue { OpenAPIPart.ref(schema) }

    // MARK: Lead delivery

    private static let leadDeliveredOperation: JSONValue = [
        "operationId": "leadDelivered",
        "tags": ["Ping-post"],
        "summary": "A sold lead, delivered to the buyer's webhook",
        "description": .string(
            """
            For every sale to a buyer with a webhook_url, the engine POSTs this JSON (the lead.delivered event) to \
            that URL. Any 2xx answer is success; its body is ignored. Any other status, a redirect, a timeout or a \
            failed connection is a failed attempt, retried on the schedule below.

            \(deliveryNote) A receiver should drop a webhook-id it has already processed.

            When the buyer has a webhook_secret the request is signed twice over the raw body, exactly as sent (its \
            keys in the order shown, no whitespace): X-EZLeeds-Signature is sha256= and the lowercase hex HMAC-SHA256 of the body \
            keyed with the secret's UTF-8 bytes (as bid requests are signed); webhook-signature follows Standard \
            Webhooks: v1, and the base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>", keyed with the \
            secret's decoded bytes when it has the form whsec_<base64>, with its UTF-8 bytes otherwise. Compare \
            signatures in constant time, and refuse a webhook-timestamp far from the present to stop replays.
            """
        ),
        "security": [],
        "parameters": [
            [
                "name": "webhook-id", "in": "header", "required": true,
                "description": "The delivery's id, the same on every attempt: drop duplicates by it.",
                "schema": ["type": "string", "examples": ["msg_5b2a4c7e9a317d2e4b6f8a10"]],
            ],
            [
                "name": "webhook-timestamp", "in": "header", "required": true,
                "description": "When this attempt was sent, in whole seconds since the Unix epoch.",
                "schema": ["type": "string", "pattern": "^[0-9]+$", "examples": ["1776868200"]],
            ],
            [
                "name": "webhook-signature", "in": "header", "required": false,
                "description": "v1,<base64 HMAC-SHA256(key, webhook-id + \".\" + webhook-timestamp + \".\" + raw body)>, where key is the decoded bytes of a whsec_<base64> webhook_secret, or the UTF-8 bytes of any other. Sent only when the buyer has a webhook_secret.",
                "schema": ["type": "string", "pattern": "^v1,[A-Za-z0-9+/]{43}=$"],
            ],
            [
                "name": "X-EZLeeds-Signature", "in": "header", "required": false,
                "description": "sha256=<lowercase hex HMAC-SHA256(webhook_secret's UTF-8 bytes, raw body)>. Sent only when the buyer has a webhook_secret.",
                "schema": ["type": "string", "pattern": "^sha256=[0-9a-f]{64}$"],
            ],
            [
                "name": "User-Agent", "in": "header", "required": true,
                "schema": ["type": "string", "const": "ezleeds-webhooks/1"],
            ],
        ],
        "requestBody": [
            "required": true,
            "description": "The sold lead, with its contact details and consent certificate.",
            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/LeadDelivered"]]],
        ],
        "responses": [
            "2XX": ["description": "Delivered. The body is ignored."],
            "default": ["description": "Any other status (a 3xx included) is a failed attempt, retried on the schedule."],
        ],
    ]

    // MARK: Schemas

    private static let postSchemas: [String: JSONValue] = [
        "PostRequest": [
            "type": "object",
            "required": ["ping_id", "buyer_id", "lead", "consent"],
            "properties": [
                "ping_id": ["type": "string", "description": "The ping's id, as the ping answered it.", "examples": [.string(pingIDExample)]],
                "buyer_id": [
                    "type": "string", "description": "One of the ping's bidders: the buyer the lead is sold to, at its bid.",
                    "examples": ["buyer_5f0c2a9e81d4b3c7a6e1f209"],
                ],
                "lead": ref("PostLead"),
                "consent": ref("Consent"),
            ],
        ],
        "PostLead": [
            "type": "object",
            "description": "The person behind the lead. state and zip_code must be those pinged.",
            "required": ["first_name", "last_name", "phone", "email", "state", "zip_code"],
            "properties": [
                "first_name": personNameSchema,
                "last_name": personNameSchema,
                "phone": [
                    "type": "string", "maxLength": 25,
                    "description": "A valid US (NANP) number in any common form: E.164, ten digits, with spaces, dashes, dots or parentheses, or a leading 1. Normalised to E.164 (+1 and ten digits); area code and exchange start with 2 to 9, and an N11 code is no area code.",
                    "examples": ["+17025551234", "(702) 555-1234"],
                ],
                "email": [
                    "type": "string", "format": "email", "maxLength": 254,
                    "description": "Trimmed and lowercased.", "examples": ["jane.doe@example.com"],
                ],
                "state": ref("StateCode"),
                "zip_code": OpenAPIPart.zipCodeSchema,
            ],
        ],
        "PostReceipt": [
            "type": "object",
            "required": ["accepted", "lead_id", "buyer_id", "price_cents", "consent_certificate_id", "delivery_status"],
            "properties": [
                "accepted": ["type": "boolean", "const": true],
                "lead_id": ["type": "string", "format": "uuid", "description": "The new lead's id, a lowercase UUID.", "examples": [.string(leadIDExample)]],
                "buyer_id": ["type": "string", "examples": ["buyer_5f0c2a9e81d4b3c7a6e1f209"]],
                "price_cents": OpenAPIPart.centsSchema("What the buyer pays: its bid on the ping, charged to it in the ledger."),
                "consent_certificate_id": [
                    "type": "string", "description": "The lead's signed consent certificate; see verify-consent.",
                    "examples": [.string(certificateIDExample)],
                ],
                "delivery_status": [
                    "type": "string", "enum": ["delivered", "pending", "not_configured"],
                    "description": "delivered: the buyer's webhook answered 2xx to the inline attempt; pending: it did not (yet), and the courier retries; not_configured: the buyer has no webhook_url, nothing is sent.",
                ],
            ],
        ],
        "PostConflict": [
            "allOf": [
                ref("Problem"),
                [
                    "type": "object",
                    "properties": [
                        "code": ["type": "string", "enum": ["ping_expired", "buyer_not_bidding", "ping_mismatch", "already_sold", "daily_cap_reached", "budget_exhausted", "insufficient_funds", "dnc_listed"]],
                        "expired_at": [
                            "type": "string", "format": "date-time",
                            "description": "With ping_expired only: when the ping's bids lapsed. RFC 3339 in UTC, whole seconds.",
                        ],
                        "lists": [
                            "type": "array", "items": ["type": "string", "enum": ["federal_dnc", "state_dnc", "internal_dnc"]],
                            "description": "With dnc_listed only: the do-not-call lists that hold the lead's phone.",
                        ],
                    ],
                ],
            ]
        ],
        "LeadDelivered": [
            "type": "object",
            "required": ["event", "timestamp", "data"],
            "properties": [
                "event": ["type": "string", "const": "lead.delivered"],
                "timestamp": [
                    "type": "string", "format": "date-time",
                    "description": "When the lead was sold, the same on every attempt. RFC 3339 in UTC, whole seconds.",
                    "examples": ["2026-04-22T14:30:12Z"],
                ],
                "data": ref("LeadDeliveredData"),
            ],
        ],
        "LeadDeliveredData": [
            "type": "object",
            "required": [
                "lead_id", "first_name", "last_name", "email", "phone", "state", "zip_code", "campaign_type", "score",
                "consent_certificate_id", "sold_price_cents",
            ],
            "properties": [
                "lead_id": ["type": "string", "format": "uuid", "examples": [.string(leadIDExample)]],
                "first_name": ["type": "string"],
                "last_name": ["type": "string"],
                "email": ["type": "string", "format": "email"],
                "phone": ["type": "string", "pattern": "^\\+1[2-9][0-9]{2}[2-9][0-9]{6}$", "description": "E.164.", "examples": ["+17025551234"]],
                "state": ref("StateCode"),
                "zip_code": OpenAPIPart.zipCodeSchema,
                "campaign_type": ref("CampaignType"),
                "score": [
                    "type": ["integer", "null"], "minimum": 0, "maximum": 100,
                    "description": "The lead's score, 0–100: every lead is scored (a posted one on its contact, consent and phone).",
                ],
                "consent_certificate_id": ["type": ["string", "null"], "examples": [.string(certificateIDExample)]],
                "sold_price_cents": [
                    "type": ["integer", "null"], "format": "int64", "minimum": 0,
                    "description": "What the buyer paid for the lead, in cents.",
                ],
            ],
        ],
    ]

    private static let personNameSchema: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": 100, "examples": ["Jane", "O'Brien"],
        "description": "Surrounding whitespace is trimmed; 1 to 100 characters remain: letters, spaces, hyphens, apostrophes and periods.",
    ]
}
