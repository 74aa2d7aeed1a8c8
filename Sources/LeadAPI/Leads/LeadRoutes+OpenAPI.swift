import LeadEngine

/// The OpenAPI description of `/api/v1/leads` (inbound intake, the listing and detail views,
/// updates, and the buyer's accept and return), next to `LeadRoutes` so the two change together.
/// The helpers it builds with (`OpenAPIPart.keyedOperation`, …) live in `OpenAPI/OpenAPIBuilders.swift`;
/// the idempotency and problem helpers below are shared with `BillingRoutes+OpenAPI.swift`.
extension LeadRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/leads/inbound": ["post": inboundOperation],
            "/api/v1/leads": ["get": listOperation],
            "/api/v1/leads/{id}": [
                "parameters": [idParameter],
                "get": showOperation,
                "patch": updateOperation,
            ],
            "/api/v1/leads/{id}/internal": ["parameters": [idParameter], "patch": updateInternalOperation],
            "/api/v1/leads/{id}/accept": ["parameters": [idParameter], "post": acceptOperation],
            "/api/v1/leads/{id}/return": ["parameters": [idParameter], "post": returnOperation],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(ConsentRoutes.sharedSchemas) { _, own in own }.merging(schemas) { _, own in own }
    )

    private static let tag = "Leads"
    private static let leadIDExample = "0f8d6c1e-5b2a-4c7e-9a31-7d2e4b6f8a10"
    private static let idParameter = OpenAPIPart.idParameter(entity: "lead", example: leadIDExample)
    private static let dedupWindowDays = LeadDesk.defaultDedupWindowMilliseconds / 86_400_000

    // MARK: Operations

    private static let inboundOperation = OpenAPIPart.keyedOperation(
        id: "ingestLead", tag: tag, summary: "Ingest an inbound lead",
        description: """
            Takes a lead from one of the account's own sources, then qualifies, deduplicates, scores, certifies and \
            routes it. The lead and its audit events are stored in one transaction before routing.

            1. The envelope must be right or nothing is stored: valid JSON (400 otherwise), and a JSON object whose \
            fields have the right JSON types (consent an object, its fields strings), campaign_type one of the \
            verticals, source 1 to 200 bytes, notes at most \(LeadDesk.maxNotesBytes) bytes (422 otherwise, every bad \
            field named at once).
            2. Qualification judges what the lead says about the person: first and last name present and well formed; \
            phone a valid US (NANP) number in an area code in service, stored as E.164; email well formed (trimmed and \
            lowercased); state one of the 50 states or DC (upper-cased); zip_code 5 digits, in use and in that state; \
            consent present, valid and of an accepted type. A lead that fails is still stored and answered 201, with \
            status rejected and every reason in rejection_reasons.
            3. Dedup: a qualified lead whose phone or email matches a lead of the account from the last \
            \(dedupWindowDays) days (one that was not itself rejected or a duplicate) is stored as duplicate, with \
            duplicate_of naming the earlier lead, and is not routed.
            4. Every lead is scored 0 to 100 from documented signals (see LeadScore); the scored event of \
            GET /api/v1/leads/{id} lists each signal with its points.
            5. A lead that is not rejected and has a valid consent gets a signed consent certificate, as \
            record-consent makes one (consent_certificate_id).
            6. A qualified lead is routed: auctioned among the account's buyers as a ping for its vertical, state, \
            ZIP code and source would be, and sold to the highest bid whose buyer can still buy it (daily cap, campaign \
            budget, balance), at that bid; the buyer is charged and the lead delivered as after a post. It is answered \
            sold (or delivered, when the buyer's webhook took it at once or the buyer has no webhook_url) with \
            buyer_id, sold_price_cents and ping_id. When no buyer bids or can buy, it stays qualified (ping_id names \
            the auction); when the account holds too many live pings it is not routed and stays qualified with \
            ping_id null. The unsold event says why.

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "InboundLead", description: "The lead, its source and its consent."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The lead as stored: qualified, rejected (see rejection_reasons), duplicate (see duplicate_of), sold or delivered.",
                schema: OpenAPIPart.ref("InboundLeadReceipt"),
                headers: [
                    "Location": OpenAPIPart.header("The new lead's URL, /api/v1/leads/{id}. Absent on a replay.", type: "string"),
                    "Idempotent-Replayed": OpenAPIPart.replayedHeader,
                ]
            )
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .tooLarge, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listLeads", tag: tag, summary: "List leads",
        description: "Lists the account's leads, posted and inbound alike, newest first, a page at a time. Filters combine.",
        parameters: [
            OpenAPIPart.queryParameter("status", schema: OpenAPIPart.ref("LeadStatus"), description: "Only leads with this status."),
            OpenAPIPart.queryParameter("campaign_type", schema: OpenAPIPart.ref("CampaignType"), description: "Only leads of this vertical."),
            OpenAPIPart.queryParameter("state", schema: OpenAPIPart.ref("StateCode"), description: "Only leads from this state."),
            OpenAPIPart.queryParameter("buyer_id", schema: ["type": "string"], description: "Only leads sold to this buyer."),
            OpenAPIPart.queryParameter("source", schema: ["type": "string"], description: "Only leads from this source, exactly as sent."),
        ] + OpenAPIPart.createdRangeParameters(of: "leads created") + OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of leads.", schema: OpenAPIPart.ref("LeadList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getLead", tag: tag, summary: "Get a lead",
        description: "The lead with its contact details, its buyer and price, its audit trail (events, oldest first), "
            + "its consent certificates and its deliveries with every attempt.",
        responses: ["200": OpenAPIPart.jsonAnswer("The lead in full.", schema: OpenAPIPart.ref("LeadDetail"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let updateOperation = OpenAPIPart.keyedOperation(
        id: "updateLead", tag: tag, summary: "Update a lead",
        description: """
            Changes the status, contact details or notes of a lead; only the fields given. notes takes null to clear \
            it; the other fields refuse null. Every bad field is reported in one 422. Each change is recorded as an \
            event naming the old and the new value (status_changed for the status, updated for the rest).

            score, buyer_id and sold_price_cents belong to PATCH /api/v1/leads/{id}/internal: a body that names any \
            of them answers 403, whatever the key, and nothing changes.

            The status moves only along these transitions (setting the current status again changes nothing); \
            anything else answers 409 illegal_transition, naming the moves allowed. Selling, delivery, accepting and \
            returning happen only through the engine and their own endpoints (POST /api/v1/leads/{id}/accept and \
            /return), so billing always follows the status:
            \(transitionsText)
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "LeadUpdate", description: "The fields to change."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The lead after the update.", schema: OpenAPIPart.ref("UpdatedLead")),
            "403": OpenAPIPart.problemAnswer(
                "The key's role may not use this endpoint, or the body names score, buyer_id or sold_price_cents (code forbidden)."
            ),
            "409": OpenAPIPart.problemAnswer(
                "The lead's status cannot move to the status asked (code illegal_transition); detail names the moves allowed.",
                codes: ["illegal_transition"]
            ),
        ],
        errors: [.badRequest, .unauthorized, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    private static let updateInternalOperation = OpenAPIPart.keyedOperation(
        id: "updateLeadInternal", tag: tag, summary: "Change a lead's score, buyer or price (admin)",
        description: "Changes the fields that decide money and ranking: score, buyer_id and sold_price_cents; only the "
            + "fields given. Needs an admin key: a standard key answers 403. buyer_id must be a buyer of this account "
            + "(422 otherwise); buyer_id and sold_price_cents take null to clear them. The change is recorded as an "
            + "internal_update event naming each old and new value. The ledger is not touched: money moves only by "
            + "charges, credits and refunds. So once a lead is sold its buyer_id and sold_price_cents are locked: a "
            + "change to either answers 409 sale_fields_locked (giving the values it has changes nothing); its score "
            + "still may change.",
        requestBody: OpenAPIPart.jsonBody(schema: "LeadInternalUpdate", description: "The fields to change."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The fields after the update.", schema: OpenAPIPart.ref("LeadInternalFields")),
            "409": OpenAPIPart.problemAnswer(
                "The lead was sold: its buyer_id and sold_price_cents cannot change (code sale_fields_locked); detail names the fields.",
                codes: ["sale_fields_locked"]
            ),
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    private static let acceptOperation = OpenAPIPart.keyedOperation(
        id: "acceptLead", tag: tag, summary: "Accept a purchased lead",
        description: "The buyer accepts a lead it bought (status sold, delivered or contacted): the lead becomes accepted, "
            + "its charge is final under a new billing_event_id, and it can no longer be returned. Accepting an accepted "
            + "lead answers the same again, with no second event, also when it was worked on since (status stays accepted "
            + "in this answer; GET /api/v1/leads/{id} shows where the lead is now). Any other lead answers 409 not_acceptable.",
        responses: [
            "200": OpenAPIPart.jsonAnswer("The accepted lead.", schema: OpenAPIPart.ref("AcceptedLead")),
            "409": OpenAPIPart.problemAnswer(
                "The lead is not held by a buyer (never sold, or returned, or closed…) (code not_acceptable).",
                codes: ["not_acceptable"]
            ),
        ],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let returnOperation = OpenAPIPart.keyedOperation(
        id: "returnLead", tag: tag, summary: "Return a purchased lead",
        description: """
            The buyer returns a lead it bought (status sold, delivered or contacted) with a reason, inside its return \
            window: return_window_hours (default \(BillingTerms.defaultReturnWindowHours)) after delivery, or after the \
            sale when the lead was never delivered. When the buyer has a max_return_percent, its returns of the \
            calendar month (UTC), this one included, may not exceed that share of the leads it bought that month. \
            The lead becomes returned and, in the same transaction, its price is refunded to the buyer's account \
            (credit_issued, credit_id and credit_cents; nothing is refunded for a lead sold at 0). A do_not_call \
            return also puts the lead's phone on the account's internal do-not-call list.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "LeadReturn", description: "Why the lead is returned."),
        responses: [
            "200": OpenAPIPart.jsonAnswer("The returned lead and the refund.", schema: OpenAPIPart.ref("ReturnedLead")),
            "409": OpenAPIPart.problemAnswer(
                """
                The lead cannot be returned; code says why:
                - already_returned: the lead was returned before.
                - not_returnable: the lead is not held by a buyer (never sold, or accepted: its charge is final).
                - return_window_closed: the buyer's return window closed; detail says when.
                - return_cap_reached: the buyer returned max_return_percent of this month's purchases already.
                - already_refunded: an admin already refunded the lead's charge (POST /api/v1/billing/refund).
                """,
                codes: ["already_returned", "not_returnable", "return_window_closed", "return_cap_reached", "already_refunded"]
            ),
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    // MARK: Texts

    /// The transitions `PATCH /leads/{id}` allows, one line per status, read from `LeadStatus`.
    static let transitionsText: String = LeadStatus.allCases.map { status in
        let next = (LeadStatus.allowedManualTransitions[status] ?? []).map(\.rawValue).sorted()
        return "- \(status.rawValue) → " + (next.isEmpty ? "none (final)" : next.joined(separator: ", "))
    }.joined(separator: "\n")

    /// What each status means; the switch makes a new status fail to compile until it is described.
    static func meaning(of status: LeadStatus) -> String {
        switch status {
        case .qualified: "passed qualification and dedup; not sold (no buyer bid or could buy, or not routed)"
        case .rejected: "failed qualification; rejection_reasons says why"
        case .duplicate: "repeats an earlier lead of the account (same phone or email); duplicate_of names it"
        case .sold: "sold to buyer_id at sold_price_cents; its delivery is on its way"
        case .delivered: "the buyer's webhook took it, or the buyer has no webhook_url and reads it from the API"
        case .accepted: "the buyer accepted it; the charge is final"
        case .returned: "the buyer returned it inside its return window; the charge was refunded"
        case .contacted: "someone reached the person (set with PATCH)"
        case .converted: "the person became a customer (set with PATCH)"
        case .closed: "no more work on it (set with PATCH); final"
        }
    }

    /// What each return reason means; the switch makes a new reason fail to compile until it is described.
    static func meaning(of reason: ReturnReason) -> String {
        switch reason {
        case .invalidPhone: "the phone number is wrong or disconnected"
        case .invalidEmail: "the email address bounces or is not the person's"
        case .duplicate: "the buyer already had this person"
        case .wrongState: "the person is not in the lead's state"
        case .doNotCall: "the person asked not to be called; the phone goes on the account's internal do-not-call list"
        case .underage: "the person is under age"
        case .fraud: "the lead is made up"
        case .other: "another reason, which notes should give"
        }
    }

    /// Every event kind, in the order a lead meets them. `meaning(of:)` fails to compile on a new
    /// kind: add it here too.
    private static let eventKinds: [LeadEvent.Kind] = [
        .received, .qualified, .doNotCallChecked, .rejected, .duplicate, .scored, .consentCertified, .routed, .unsold, .sold, .delivered, .accepted,
        .returned, .refunded, .statusChanged, .updated, .internalUpdate,
    ]

    static func meaning(of kind: LeadEvent.Kind) -> String {
        switch kind {
        case .received: "the lead arrived (origin and ping_id for a post; source and campaign_type for an inbound lead)"
        case .qualified: "it passed every qualification check (checks)"
        case .rejected: "it failed qualification (reasons, as rejection_reasons)"
        case .duplicate: "it repeats an earlier lead (original_lead_id, window_days, matched_on)"
        case .scored: "its score, and each signal with its points (score; signals of signal, points, max_points, detail)"
        case .doNotCallChecked:
            "its phone was looked up on the do-not-call lists as it came in (on_dnc, federal_dnc, state_dnc, internal_dnc, lists_not_loaded)"
        case .consentCertified: "its consent certificate was signed (certificate_id, consent_type)"
        case .routed: "it was routed to buyers (reserved: not written today)"
        case .unsold: "routing found no buyer that could buy it (ping_id, bids, reason, refusals)"
        case .sold: "it was sold and charged (buyer_id, price_cents, ping_id, charge_id, campaign_id)"
        case .delivered: "the buyer's webhook took it (delivery_id, status_code)"
        case .accepted: "the buyer accepted it (billing_event_id, buyer_id, amount_cents)"
        case .returned: "the buyer returned it (reason, notes, buyer_id, refund_id, amount_cents)"
        case .refunded: "an admin refunded its charge (refund_id, amount_cents, reason)"
        case .statusChanged: "its status was changed with PATCH (from, to)"
        case .updated: "its contact details or notes were changed with PATCH (changes: each field's old and new value)"
        case .internalUpdate: "its score, buyer or price was changed by an admin (changes: each field's old and new value)"
        }
    }

    // MARK: Schemas

    private static let leadIDSchema: JSONValue = [
        "type": "string", "format": "uuid", "description": "A lowercase UUID.", "examples": [.string(leadIDExample)],
    ]

    private static let nullableTimestampSchema: JSONValue = [
        "type": ["string", "null"], "format": "date-time", "description": "RFC 3339 in UTC, whole seconds; null until it happens.",
    ]

    private static let scoreSchema: JSONValue = [
        "type": ["integer", "null"], "minimum": 0, "maximum": 100,
        "description": """
            0 to 100, the sum of documented signals, clamped: completeness (each of first name, last name, phone, \
            email, state, ZIP present and valid: up to 20); consent (tcpa_express_written or double_opt_in 20, \
            verbal_recorded 15, tcpa_express 10, +5 with page URL and user agent: up to 25); phone (valid number in a US \
            area code in service 15, +5 when the area code is in the lead's state: up to 20); email (valid 10, +5 when \
            not a disposable-mail domain: up to 15); source quality (the share of the source's leads of the last 90 \
            days that qualified, times 20; 12 for a source without history); source returns (minus the source's \
            return rate on sold leads times 50, at most -20). Every inbound lead is scored; null for a posted lead \
            until an admin sets it.
            """,
    ]

    private static let notesSchema: JSONValue = .object([
        "type": ["string", "null"], "maxLength": .integer(Int64(LeadDesk.maxNotesBytes)),
        "description": .string("Free text for the people working the lead, at most \(LeadDesk.maxNotesBytes) bytes of UTF-8; null for none."),
    ])

    private static let summaryProperties: [String: JSONValue] = [
        "id": leadIDSchema,
        "first_name": ["type": "string"],
        "last_name": ["type": "string"],
        "status": OpenAPIPart.ref("LeadStatus"),
        "score": scoreSchema,
        "campaign_type": OpenAPIPart.ref("CampaignType"),
        "state": [
            "type": "string",
            "description": "The lead's state: a USPS code, except on a rejected lead, which keeps what was sent (upper-cased).",
        ],
        "source": ["type": "string", "description": "Where the lead came from: the seller's label."],
        "origin": [
            "type": "string", "enum": ["post", "inbound"],
            "description": "post: sold through a ping and a post; inbound: sent to POST /api/v1/leads/inbound.",
        ],
        "buyer_id": ["type": ["string", "null"], "description": "The buyer it was sold to; null when unsold."],
        "sold_price_cents": [
            "type": ["integer", "null"], "format": "int64", "minimum": 0, "description": "What the buyer paid; null when unsold.",
        ],
        "created_at": OpenAPIPart.timestampSchema,
    ]

    private static let rejectionReasonsSchema: JSONValue = [
        "type": "array", "items": OpenAPIPart.ref("RejectionReason"),
        "description": "Why qualification refused the lead; empty unless the status is rejected.",
    ]

    private static let detailProperties: [String: JSONValue] = summaryProperties.merging([
        "email": ["type": "string"],
        "phone": ["type": "string", "description": "E.164 once qualified; a rejected lead keeps what was sent.", "examples": ["+17025551234"]],
        "zip_code": ["type": "string"],
        "ping_id": ["type": ["string", "null"], "description": "The ping it was sold through, or the routing auction of an inbound lead."],
        "notes": notesSchema,
        "consent_certificate_id": ["type": ["string", "null"], "description": "Its signed consent certificate; null for none."],
        "duplicate_of": ["type": ["string", "null"], "description": "For a duplicate: the earlier lead it repeats."],
        "rejection_reasons": rejectionReasonsSchema,
        "sold_at": nullableTimestampSchema,
        "delivered_at": nullableTimestampSchema,
        "accepted_at": nullableTimestampSchema,
        "billing_event_id": [
            "type": ["string", "null"], "description": "The billing event that made the charge final when the buyer accepted.",
            "examples": ["bill_5b2a4c7e9a317d2e4b6f8a10"],
        ],
        "returned_at": nullableTimestampSchema,
        "return_reason": ["oneOf": [OpenAPIPart.ref("ReturnReason"), ["type": "null"]], "description": "null unless returned."],
        "return_notes": ["type": ["string", "null"], "description": "The buyer's notes on its return."],
        "updated_at": OpenAPIPart.timestampSchema,
        "events": ["type": "array", "items": OpenAPIPart.ref("LeadEvent"), "description": "The audit trail, oldest first."],
        "consent_records": [
            "type": "array", "items": OpenAPIPart.ref("ConsentCertificate"), "description": "The lead's consent certificates, oldest first.",
        ],
        "deliveries": ["type": "array", "items": OpenAPIPart.ref("LeadDelivery"), "description": "Deliveries to buyers, oldest first."],
        "outreach": OpenAPIPart.ref("LeadOutreach"),
    ]) { _, new in new }

    private static let personNameSchema: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": 100, "examples": ["Jane", "O'Brien"],
        "description": "Surrounding whitespace is trimmed; 1 to 100 characters remain: letters, spaces, hyphens, apostrophes and periods.",
    ]

    private static let requestSchemas: [String: JSONValue] = [
        "InboundLead": [
            "type": "object",
            "required": ["campaign_type", "source"],
            "description": """
                campaign_type and source (and the JSON types of every field) decide whether the lead is taken at all \
                (400/422, nothing stored). The person's fields are qualification's to judge: a lead without them, or \
                with bad values, is stored as rejected with its reasons.
                """,
            "properties": [
                "first_name": ["type": "string", "description": "Needed to qualify: 1 to 100 characters of letters, spaces, hyphens, apostrophes and periods."],
                "last_name": ["type": "string", "description": "Needed to qualify, as first_name."],
                "email": ["type": "string", "description": "Needed to qualify: a valid address; trimmed and lowercased.", "examples": ["jane.doe@example.com"]],
                "phone": [
                    "type": "string",
                    "description": "Needed to qualify: a US (NANP) number in any common form, in an area code in service; stored as E.164.",
                    "examples": ["+17025551234"],
                ],
                "state": ["type": "string", "description": "Needed to qualify: a USPS code of the 50 states or DC, any case.", "examples": ["NV"]],
                "zip_code": ["type": "string", "description": "Needed to qualify: 5 digits, a ZIP code in use in state.", "examples": ["89101"]],
                "campaign_type": OpenAPIPart.ref("CampaignType"),
                "source": [
                    "type": "string", "minLength": 1, "maxLength": 200,
                    "description": "Where the lead comes from (the account's own label): 1 to 200 bytes, not only whitespace.",
                    "examples": ["landing_page_v3"],
                ],
                "notes": notesSchema,
                "consent": [
                    "allOf": [OpenAPIPart.ref("Consent")],
                    "description": "Needed to qualify: the consent the person gave. Its fields must be strings (422 otherwise); bad values reject the lead, naming consent.<field>.",
                ],
            ],
        ],
        "LeadUpdate": [
            "type": "object",
            "description": "Absent fields are left as they are. Naming score, buyer_id or sold_price_cents answers 403.",
            "properties": [
                "status": OpenAPIPart.ref("LeadStatus"),
                "first_name": personNameSchema,
                "last_name": personNameSchema,
                "email": ["type": "string", "format": "email", "description": "Trimmed and lowercased."],
                "phone": ["type": "string", "description": "A valid US number in any common form; stored as E.164.", "examples": ["+17025551234"]],
                "state": OpenAPIPart.ref("StateCode"),
                "zip_code": OpenAPIPart.zipCodeSchema,
                "notes": notesSchema,
            ],
        ],
        "LeadInternalUpdate": [
            "type": "object",
            "description": "Absent fields are left as they are.",
            "properties": [
                "score": ["type": "integer", "minimum": 0, "maximum": 100, "description": "The lead's new score; null is refused."],
                "buyer_id": ["type": ["string", "null"], "description": "A buyer of this account; null clears it."],
                "sold_price_cents": [
                    "type": ["integer", "null"], "format": "int64", "minimum": 0, "maximum": .integer(FieldRules.maxCents),
                    "description": "The price in cents; null clears it. The ledger is not changed.",
                ],
            ],
        ],
        "LeadReturn": [
            "type": "object",
            "required": ["reason"],
            "properties": [
                "reason": OpenAPIPart.ref("ReturnReason"),
                "notes": .object([
                    "type": ["string", "null"], "maxLength": .integer(Int64(LeadDesk.maxNotesBytes)),
                    "description": .string("The buyer's words on the return, at most \(LeadDesk.maxNotesBytes) bytes; kept as return_notes."),
                ]),
            ],
        ],
    ]

    private static let answerSchemas: [String: JSONValue] = [
        "InboundLeadReceipt": OpenAPIPart.objectSchema([
            "id": leadIDSchema,
            "status": [
                "type": "string", "enum": ["qualified", "rejected", "duplicate", "sold", "delivered"],
                "description": "Where intake left the lead; see LeadStatus.",
            ],
            "score": scoreSchema,
            "consent_certificate_id": ["type": ["string", "null"], "description": "null for a rejected lead, or one without a valid consent."],
            "created_at": OpenAPIPart.timestampSchema,
            "duplicate_of": ["type": ["string", "null"], "description": "For a duplicate: the earlier lead it repeats; null otherwise."],
            "rejection_reasons": rejectionReasonsSchema,
            "buyer_id": ["type": ["string", "null"], "description": "The buyer routing sold the lead to; null when unsold."],
            "sold_price_cents": [
                "type": ["integer", "null"], "format": "int64", "minimum": 0, "description": "The winning bid the buyer was charged; null when unsold.",
            ],
            "ping_id": ["type": ["string", "null"], "description": "The routing auction; null when the lead was not routed."],
        ]),
        "LeadSummary": OpenAPIPart.objectSchema(summaryProperties, description: "A lead as lists show it."),
        "LeadList": OpenAPIPart.listSchema(of: "LeadSummary"),
        "LeadDetail": OpenAPIPart.objectSchema(detailProperties, description: "A lead in full: every field always present, nullable ones as null."),
        "UpdatedLead": OpenAPIPart.objectSchema(
            summaryProperties.merging(["updated_at": OpenAPIPart.timestampSchema, "notes": notesSchema]) { _, new in new },
            description: "The lead as lists show it, with its notes and when it was last changed."
        ),
        "LeadInternalFields": OpenAPIPart.objectSchema([
            "id": leadIDSchema,
            "score": scoreSchema,
            "buyer_id": ["type": ["string", "null"]],
            "sold_price_cents": ["type": ["integer", "null"], "format": "int64", "minimum": 0],
            "updated_at": OpenAPIPart.timestampSchema,
        ]),
        "AcceptedLead": OpenAPIPart.objectSchema([
            "id": leadIDSchema,
            "status": ["type": "string", "const": "accepted"],
            "accepted_at": nullableTimestampSchema,
            "billing_event_id": ["type": ["string", "null"], "examples": ["bill_5b2a4c7e9a317d2e4b6f8a10"]],
            "buyer_id": ["type": ["string", "null"], "description": "The buyer that accepted it."],
            "amount_cents": ["type": ["integer", "null"], "format": "int64", "minimum": 0, "description": "The final charge: the lead's sold price."],
        ]),
        "ReturnedLead": OpenAPIPart.objectSchema([
            "id": leadIDSchema,
            "status": ["type": "string", "const": "returned"],
            "return_reason": ["oneOf": [OpenAPIPart.ref("ReturnReason"), ["type": "null"]]],
            "returned_at": nullableTimestampSchema,
            "credit_issued": ["type": "boolean", "description": "Whether the price was refunded to the buyer (false for a lead sold at 0)."],
            "credit_id": [
                "type": ["string", "null"], "description": "The refund in the ledger (type refund); null when none was issued.",
                "examples": ["ref_5b2a4c7e9a317d2e4b6f8a10"],
            ],
            "credit_cents": ["type": ["integer", "null"], "format": "int64", "minimum": 0, "description": "The amount refunded; null when none."],
        ]),
    ]

    private static let vocabularySchemas: [String: JSONValue] = [
        "LeadStatus": [
            "type": "string",
            "description": .string(
                "Where a lead is in its life:\n" + LeadStatus.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(LeadStatus.allCases.map { .string($0.rawValue) }),
        ],
        "ReturnReason": [
            "type": "string",
            "description": .string(
                "Why a buyer returns a lead:\n" + ReturnReason.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(ReturnReason.allCases.map { .string($0.rawValue) }),
        ],
        "RejectionReason": OpenAPIPart.objectSchema([
            "field": [
                "type": "string",
                "description": "The field that failed: first_name, last_name, phone, email, state, zip_code, consent, or consent.<field>.",
            ],
            "code": [
                "type": "string",
                "enum": [
                    "missing", "invalid_name", "invalid_phone", "invalid_email", "invalid_state", "invalid_zip", "zip_state_mismatch",
                    "missing_consent", "invalid_consent", "consent_type_not_accepted",
                ],
            ],
            "message": ["type": "string", "description": "Words for people."],
        ]),
        "LeadEvent": OpenAPIPart.objectSchema([
            "type": [
                "type": "string",
                "description": .string(
                    "What happened, with the facts detail holds:\n"
                        + eventKinds.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
                ),
                "enum": .array(eventKinds.map { .string($0.rawValue) }),
            ],
            "at": OpenAPIPart.timestampSchema,
            "actor_key_id": ["type": ["string", "null"], "description": "The API key that did it; null for the engine itself."],
            "detail": ["type": "object", "description": "The facts of the event, by type."],
        ]),
        "LeadDelivery": OpenAPIPart.objectSchema([
            "id": ["type": "string", "description": "The delivery's webhook-id.", "examples": ["msg_5b2a4c7e9a317d2e4b6f8a10"]],
            "buyer_id": ["type": "string"],
            "status": [
                "type": "string", "enum": ["pending", "delivered", "failed", "not_configured"],
                "description": "pending: still being tried; delivered: the webhook answered 2xx; failed: every attempt failed; not_configured: the buyer has no webhook_url.",
            ],
            "attempts": ["type": "array", "items": OpenAPIPart.ref("LeadDeliveryAttempt"), "description": "Oldest first."],
        ]),
        "LeadDeliveryAttempt": OpenAPIPart.objectSchema([
            "at": OpenAPIPart.timestampSchema,
            "status_code": ["type": ["integer", "null"], "description": "The webhook's HTTP status; null when none came (timeout, failed connection)."],
            "reason": [
                "type": ["string", "null"], "enum": .array(DeliveryFailure.allCases.map { .string($0.rawValue) } + [.null]),
                "description": "Why the attempt failed; null for a 2xx. target_not_allowed: the outbound target policy refused the URL or the address it resolved to (see README, Outbound requests).",
            ],
            "error": ["type": ["string", "null"], "description": "What went wrong; null for a 2xx."],
            "duration_ms": OpenAPIPart.countSchema("How long the attempt took, in milliseconds."),
        ]),
    ]

    private static let schemas: [String: JSONValue] = requestSchemas.merging(answerSchemas) { _, new in new }
        .merging(vocabularySchemas) { _, new in new }
}

// MARK: - Idempotency and problems, shared with the billing routes

extension OpenAPIPart {
    static let idempotencyNote = """
        Safe to retry with an Idempotency-Key header (1 to 255 visible ASCII characters, such as a UUID; a \
        structured-field string in double quotes is taken too). Keys are scoped to the account and the endpoint and \
        kept 24 hours. The first request's successful answer is stored and replayed, status and body, to every retry \
        with the same key and the same body, with Idempotent-Replayed: true (its other headers, such as Location, are \
        not replayed); nothing is done twice. The same key with another body answers 422 idempotency_key_reused; a \
        retry while the first request still runs answers 409 idempotency_key_in_use (a claim left by a request that \
        never finished is taken over after \(IdempotencyGate.staleAfterMilliseconds / 1000) s). An error is not \
        stored: a retry after one runs afresh. A malformed key answers 400 invalid_idempotency_key. Without the \
        header the request simply runs.
        """

    static let idempotencyKeyParameter: JSONValue = [
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Makes the request safe to retry: see the operation's description. 1 to 255 visible ASCII characters.",
        "schema": ["type": "string", "pattern": "^[!-~]{1,255}$", "examples": ["5f0c2a9e-81d4-4b3c-a7e1-f209c4d8e5b6"]],
    ]

    static let replayedHeader: JSONValue = header("true when this answer replays an earlier request with the same Idempotency-Key.", type: "string")

    /// A problem+json answer with the keyed headers; `codes` narrows the problem's code.
    static func problemAnswer(_ description: String, codes: [String] = []) -> JSONValue {
        let schema: JSONValue =
            codes.isEmpty
            ? ref("Problem")
            : ["allOf": [ref("Problem"), ["type": "object", "properties": ["code": ["type": "string", "enum": .array(codes.map(JSONValue.string))]]]]]
        return [
            "description": .string(description),
            "headers": .object(keyedAnswerHeaders),
            "content": ["application/problem+json": ["schema": schema]],
        ]
    }

    /// The 400, 409 and 422 of an operation behind `IdempotencyGate`.
    static let idempotentProblemAnswers: [String: JSONValue] = [
        "400": problemAnswer(
            "Malformed JSON (code malformed_json), or a malformed Idempotency-Key (code invalid_idempotency_key).",
            codes: ["malformed_json", "invalid_idempotency_key"]
        ),
        "409": problemAnswer(
            "A request with this Idempotency-Key is still running (code idempotency_key_in_use); retry once it has answered.",
            codes: ["idempotency_key_in_use"]
        ),
        "422": problemAnswer(
            "Invalid fields, each named in errors (code invalid_fields); or this Idempotency-Key was used with another body (code idempotency_key_reused).",
            codes: ["invalid_fields", "idempotency_key_reused"]
        ),
    ]

    /// A query instant: RFC 3339 or a calendar date (midnight UTC).
    /// `created_after` and `created_before`, as every listing filters by creation time.
    static func createdRangeParameters(of things: String) -> [JSONValue] {
        [
            OpenAPIPart.queryParameter(
                "created_after", schema: Self.instantParameterSchema,
                description: "Only \(things) at or after this instant: RFC 3339, or a date (midnight UTC)."
            ),
            OpenAPIPart.queryParameter(
                "created_before", schema: Self.instantParameterSchema,
                description: "Only \(things) before this instant: RFC 3339, or a date (midnight UTC)."
            ),
        ]
    }

    static let instantParameterSchema: JSONValue = [
        "type": "string", "examples": ["2026-04-22T14:30:00Z", "2026-04-22"],
        "anyOf": [["format": "date-time"], ["format": "date"]],
    ]
}
