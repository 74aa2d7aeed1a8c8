import LeadEngine

/// The OpenAPI description of `/api/v1/buyers`, next to `BuyerRoutes` so the two change together.
extension BuyerRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/buyers": ["post": createOperation, "get": listOperation],
            "/api/v1/buyers/match": ["get": matchOperation],
            "/api/v1/buyers/{id}": [
                "parameters": [OpenAPIPart.idParameter(entity: "buyer", example: "buyer_5f0c2a9e81d4b3c7a6e1f209")],
                "get": showOperation,
                "patch": updateOperation,
            ],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(schemas) { _, own in own }
    )

    // MARK: Operations

    private static let createOperation = OpenAPIPart.keyedOperation(
        id: "createBuyer", tag: "Buyers", summary: "Register a buyer",
        description: "Registers a buyer with its targeting (verticals, states, optional ZIP allow-list), its price, "
            + "where leads and bid requests go, and its billing terms (how it pays, and how it may return leads). "
            + "Answers 201 with the buyer and its URL in Location.",
        requestBody: OpenAPIPart.jsonBody(schema: "BuyerCreate", description: "The buyer to register."),
        responses: [
            "201": OpenAPIPart.jsonAnswer(
                "The buyer as stored, with zeroed performance.", schema: OpenAPIPart.ref("Buyer"),
                headers: ["Location": OpenAPIPart.header("The new buyer's URL, /api/v1/buyers/{id}.", type: "string")]
            )
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listBuyers", tag: "Buyers", summary: "List buyers",
        description: "Lists the account's buyers with their performance, a page at a time. Filters combine.",
        parameters: [
            OpenAPIPart.queryParameter("status", schema: OpenAPIPart.ref("BuyerStatus"), description: "Only buyers with this status."),
            OpenAPIPart.queryParameter(
                "campaign_type", schema: OpenAPIPart.ref("CampaignType"), description: "Only buyers that take this vertical."
            ),
            OpenAPIPart.queryParameter("state", schema: OpenAPIPart.ref("StateCode"), description: "Only buyers that take leads from this state."),
        ] + OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of buyers.", schema: OpenAPIPart.ref("BuyerList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let matchOperation = OpenAPIPart.keyedOperation(
        id: "matchBuyers", tag: "Buyers", summary: "Match buyers to a lead profile",
        description: "The active buyers that would be asked for a lead of this profile, highest bid first: they take "
            + "the vertical and the state, and the ZIP code when they keep an allow-list (a buyer with an allow-list "
            + "is not matched when zip_code is absent). Used internally by the routing engine.",
        parameters: [
            OpenAPIPart.queryParameter(
                "campaign_type", schema: OpenAPIPart.ref("CampaignType"), description: "The lead's vertical.", required: true
            ),
            OpenAPIPart.queryParameter("state", schema: OpenAPIPart.ref("StateCode"), description: "The lead's state.", required: true),
            OpenAPIPart.queryParameter("zip_code", schema: OpenAPIPart.zipCodeSchema, description: "The lead's 5-digit ZIP code."),
        ],
        responses: ["200": OpenAPIPart.jsonAnswer("The matching buyers, highest bid first.", schema: OpenAPIPart.ref("BuyerMatchList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getBuyer", tag: "Buyers", summary: "Get a buyer",
        description: "The buyer with its performance and active filters.",
        responses: ["200": OpenAPIPart.jsonAnswer("The buyer.", schema: OpenAPIPart.ref("Buyer"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let updateOperation = OpenAPIPart.keyedOperation(
        id: "updateBuyer", tag: "Buyers", summary: "Update a buyer",
        description: "Changes only the fields given; null clears a nullable field. Every bad field is reported in one 422.",
        requestBody: OpenAPIPart.jsonBody(schema: "BuyerUpdate", description: "The fields to change."),
        responses: ["200": OpenAPIPart.jsonAnswer("The buyer after the update.", schema: OpenAPIPart.ref("Buyer"))],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    // MARK: Schemas

    private static let schemas: [String: JSONValue] = [
        "BuyerStatus": OpenAPIPart.enumSchema(BuyerStatus.self, description: "Paused buyers are never matched."),
        "Exclusivity": OpenAPIPart.enumSchema(Exclusivity.self, description: "Whether the buyer takes a lead alone or alongside others."),
        "BillingMode": OpenAPIPart.enumSchema(
            BillingMode.self,
            description: "How the buyer pays for leads. prepaid: it pays ahead (POST /api/v1/billing/credits/add with its "
                + "buyer_id); each sale draws on its balance, which never goes below zero, and a buyer that cannot pay does not "
                + "bid (no-bid reason budget). invoiced: it pays monthly invoices; its balance goes negative as it buys, down "
                + "to -credit_limit_cents when it has a credit limit."
        ),
        "BuyerCreate": [
            "type": "object",
            "required": ["name", "campaign_types", "states", "max_price_cents"],
            "properties": .object(writableFields(forCreate: true)),
        ],
        "BuyerUpdate": [
            "type": "object",
            "description": "Absent fields are left as they are.",
            "properties": .object(writableFields(forCreate: false)),
        ],
        "Buyer": buyerSchema,
        "BuyerList": OpenAPIPart.listSchema(of: "Buyer"),
        "BuyerMatch": [
            "type": "object",
            "required": ["buyer_id", "name", "bid_cents", "exclusivity", "bid_source"],
            "properties": [
                "buyer_id": ["type": "string"],
                "name": ["type": "string"],
                "bid_cents": OpenAPIPart.centsSchema("The buyer's max_price_cents: its static bid, or the ceiling of its real-time bids."),
                "exclusivity": OpenAPIPart.ref("Exclusivity"),
                "bid_source": [
                    "type": "string", "enum": ["static", "real_time"],
                    "description": "real_time when the buyer has a bid_url and is asked for a bid; static otherwise.",
                ],
            ],
        ],
        "BuyerMatchList": [
            "type": "object",
            "required": ["matches"],
            "properties": ["matches": ["type": "array", "items": OpenAPIPart.ref("BuyerMatch")]],
        ],
    ]

    /// The fields a create or an update may send. Defaults are shown for creates only: an update
    /// leaves an absent field as it is.
    private static func writableFields(forCreate: Bool) -> [String: JSONValue] {
        func defaulted(_ schema: JSONValue, _ value: JSONValue) -> JSONValue {
            guard forCreate, case .object(var object) = schema else { return schema }
            object["default"] = value
            return .object(object)
        }
        return [
            "name": OpenAPIPart.nameSchema,
            "campaign_types": [
                "type": "array", "minItems": 1, "items": OpenAPIPart.ref("CampaignType"),
                "description": "The verticals the buyer takes; duplicates are dropped.",
            ],
            "states": OpenAPIPart.statesSchema("The states the buyer takes leads from; duplicates are dropped."),
            "max_price_cents": OpenAPIPart.centsSchema("The static bid in cents, and the ceiling for a real-time bidder's answers."),
            "webhook_url": OpenAPIPart.nullableURLSchema(
                "Where purchased leads are delivered (unless the funding campaign has a delivery_webhook); null for none. \(OpenAPIPart.targetPolicyNote)"
            ),
            "webhook_secret": [
                "type": ["string", "null"], "minLength": 1, "maxLength": 512, "writeOnly": true,
                "description": "Signs deliveries and bid requests; 1 to 512 bytes, null for none. Write-only: answers show only has_webhook_secret.",
            ],
            "bid_url": OpenAPIPart.nullableURLSchema(
                "The real-time bid endpoint; null for a static buyer that bids max_price_cents. \(OpenAPIPart.targetPolicyNote)"
            ),
            "bid_timeout_ms": defaulted(
                [
                    "type": "integer", "minimum": 1, "maximum": .integer(Int64(Buyer.maxBidTimeoutMilliseconds)),
                    "description": "How long a real-time bid request may take, in milliseconds.",
                ],
                .integer(Int64(Buyer.defaultBidTimeoutMilliseconds))
            ),
            "exclusivity": defaulted(OpenAPIPart.ref("Exclusivity"), .string(Exclusivity.shared.rawValue)),
            "zip_codes": [
                "type": ["array", "null"], "minItems": 1, "maxItems": 50_000, "items": OpenAPIPart.zipCodeSchema,
                "description": "A ZIP allow-list within the buyer's states; null for every ZIP code. Duplicates are dropped.",
            ],
            "daily_cap": OpenAPIPart.nullableCountSchema("Leads a day at most; null for no cap. A day is a calendar day in time_zone."),
            "time_zone": defaulted(
                [
                    "type": "string", "examples": ["America/New_York"],
                    "description": "IANA time zone whose calendar days daily_cap counts (midnight to midnight, daylight saving included).",
                ],
                "UTC"
            ),
            "status": defaulted(OpenAPIPart.ref("BuyerStatus"), .string(BuyerStatus.active.rawValue)),
            "billing_mode": defaulted(OpenAPIPart.ref("BillingMode"), .string(BillingTerms().mode.rawValue)),
            "credit_limit_cents": [
                "type": ["integer", "null"], "format": "int64", "minimum": 0, "maximum": .integer(FieldRules.maxCents),
                "description": .string(
                    "For an invoiced buyer, how far below zero its balance may go, in cents; null for no limit. "
                        + "A prepaid buyer's balance never goes below zero, whatever this says."
                ),
            ],
            "return_window_hours": defaulted(
                [
                    "type": "integer", "minimum": 0, "maximum": .integer(Int64(BillingTerms.maxReturnWindowHours)),
                    "description": .string(
                        "Hours after delivery (or after the sale, when the lead was never delivered) during which the buyer "
                            + "may return a lead with POST /api/v1/leads/{id}/return; 0 closes the window at delivery."
                    ),
                ],
                .integer(Int64(BillingTerms.defaultReturnWindowHours))
            ),
            "max_return_percent": [
                "type": ["integer", "null"], "minimum": 0, "maximum": 100,
                "description": .string(
                    "The most the buyer may return in a calendar month (UTC), as a percentage of the leads it bought "
                        + "that month; null for no cap."
                ),
            ],
            "require_dnc_clear": defaulted(
                ["type": "boolean", "description": .string(OpenAPIPart.requireDNCClearText)], false
            ),
        ]
    }

    /// The buyer as `BuyerRoutes.resource` shows it: every field always present, nullable ones as null.
    private static let buyerSchema: JSONValue = {
        let properties: [String: JSONValue] = [
            "id": ["type": "string", "examples": ["buyer_5f0c2a9e81d4b3c7a6e1f209"]],
            "name": ["type": "string"],
            "status": OpenAPIPart.ref("BuyerStatus"),
            "campaign_types": ["type": "array", "uniqueItems": true, "items": OpenAPIPart.ref("CampaignType")],
            "states": ["type": "array", "uniqueItems": true, "items": OpenAPIPart.ref("StateCode")],
            "max_price_cents": OpenAPIPart.centsSchema("The static bid, and the ceiling for real-time bids."),
            "webhook_url": ["type": ["string", "null"], "format": "uri"],
            "has_webhook_secret": ["type": "boolean", "description": "Whether a webhook_secret is set; the secret itself is never shown."],
            "bid_url": ["type": ["string", "null"], "format": "uri"],
            "bid_timeout_ms": ["type": "integer", "minimum": 1, "maximum": .integer(Int64(Buyer.maxBidTimeoutMilliseconds))],
            "exclusivity": OpenAPIPart.ref("Exclusivity"),
            "zip_codes": [
                "type": ["array", "null"], "items": OpenAPIPart.zipCodeSchema,
                "description": "The ZIP allow-list, sorted; null when every ZIP code of the buyer's states is taken.",
            ],
            "daily_cap": ["type": ["integer", "null"], "minimum": 0, "description": "null: no cap."],
            "time_zone": ["type": "string", "description": "IANA time zone whose calendar days daily_cap counts."],
            "leads_purchased": OpenAPIPart.countSchema("Leads sold to the buyer, returned and refunded ones included. \(ReportRoutes.definitions)"),
            "leads_accepted": OpenAPIPart.countSchema("Leads the buyer kept: purchased less returned."),
            "leads_returned": OpenAPIPart.countSchema("Purchased leads the buyer returned."),
            "explicitly_accepted": OpenAPIPart.countSchema("Purchased leads the buyer accepted with POST /leads/{id}/accept."),
            "total_spent_cents": ReportRoutes.centsSchema("Gross: the sale prices of every lead purchased, returned ones included."),
            "refunds_cents": ReportRoutes.centsSchema("Money given back: returns and admin refunds."),
            "net_spent_cents": ReportRoutes.signedCentsSchema("total_spent_cents − refunds_cents."),
            "avg_lead_cost_cents": ReportRoutes.centsSchema("total_spent_cents / leads_purchased, rounded half up; 0 before the first purchase."),
            "acceptance_rate": OpenAPIPart.ratioSchema("leads_accepted / leads_purchased, to three decimals; 0 before the first purchase."),
            "avg_response_time_ms": OpenAPIPart.countSchema("Average real-time bid response time in milliseconds."),
            "billing_mode": OpenAPIPart.ref("BillingMode"),
            "credit_limit_cents": [
                "type": ["integer", "null"], "format": "int64", "minimum": 0,
                "description": "How far below zero an invoiced buyer's balance may go; null for no limit.",
            ],
            "return_window_hours": [
                "type": "integer", "minimum": 0, "maximum": .integer(Int64(BillingTerms.maxReturnWindowHours)),
                "description": "Hours after delivery during which the buyer may return a lead.",
            ],
            "max_return_percent": [
                "type": ["integer", "null"], "minimum": 0, "maximum": 100,
                "description": "The most the buyer may return in a calendar month, as a percentage of that month's purchases; null for no cap.",
            ],
            "require_dnc_clear": ["type": "boolean", "description": .string(OpenAPIPart.requireDNCClearText)],
            "balance_cents": [
                "type": "integer", "format": "int64",
                "description": "The buyer's account: credits and refunds less charges, in cents. Negative: the buyer owes (an invoiced buyer between payments).",
            ],
            "created_at": OpenAPIPart.timestampSchema,
            "updated_at": OpenAPIPart.timestampSchema,
        ]
        return [
            "type": "object",
            "required": .array(properties.keys.sorted().map(JSONValue.string)),
            "properties": .object(properties),
        ]
    }()
}
