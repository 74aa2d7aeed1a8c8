import LeadEngine

/// The OpenAPI description of `/api/v1/campaigns`, next to `CampaignRoutes` so the two change together.
/// The helpers it builds with (`OpenAPIPart.keyedOperation`, …) live in `OpenAPI/OpenAPIBuilders.swift`.
extension CampaignRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/campaigns": ["post": createOperation, "get": listOperation],
            "/api/v1/campaigns/{id}": [
                "parameters": [OpenAPIPart.idParameter(entity: "campaign", example: "camp_3b7e91c04fa2d8e5b6c1a730")],
                "get": showOperation,
                "patch": updateOperation,
            ],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(schemas) { _, own in own }
    )

    // MARK: Operations

    private static let createOperation = OpenAPIPart.keyedOperation(
        id: "createCampaign", tag: "Campaigns", summary: "Create a campaign",
        description: "Creates a campaign with its vertical, targeted states, budget, daily volume and delivery settings. "
            + "Answers 201 with the campaign and its URL in Location.",
        requestBody: OpenAPIPart.jsonBody(schema: "CampaignCreate", description: "The campaign to create."),
        responses: [
            "201": OpenAPIPart.jsonAnswer(
                "The campaign as stored, with zeroed delivery stats.", schema: OpenAPIPart.ref("Campaign"),
                headers: ["Location": OpenAPIPart.header("The new campaign's URL, /api/v1/campaigns/{id}.", type: "string")]
            )
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listCampaigns", tag: "Campaigns", summary: "List campaigns",
        description: "Lists the account's campaigns with their delivery stats, a page at a time. Filters combine.",
        parameters: [
            OpenAPIPart.queryParameter("status", schema: OpenAPIPart.ref("CampaignStatus"), description: "Only campaigns with this status."),
            OpenAPIPart.queryParameter(
                "campaign_type", schema: OpenAPIPart.ref("CampaignType"), description: "Only campaigns of this vertical."
            ),
        ] + OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of campaigns.", schema: OpenAPIPart.ref("CampaignList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getCampaign", tag: "Campaigns", summary: "Get a campaign",
        description: "The campaign with its performance and delivery stats.",
        responses: ["200": OpenAPIPart.jsonAnswer("The campaign.", schema: OpenAPIPart.ref("Campaign"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let updateOperation = OpenAPIPart.keyedOperation(
        id: "updateCampaign", tag: "Campaigns", summary: "Update a campaign",
        description: "Pauses, resumes or archives a campaign, adjusts its budget or volume, or changes its targeting "
            + "and delivery. Changes only the fields given; null clears a nullable field. Every bad field is reported in one 422.",
        requestBody: OpenAPIPart.jsonBody(schema: "CampaignUpdate", description: "The fields to change."),
        responses: ["200": OpenAPIPart.jsonAnswer("The campaign after the update.", schema: OpenAPIPart.ref("Campaign"))],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    // MARK: Schemas

    private static let schemas: [String: JSONValue] = [
        "CampaignStatus": OpenAPIPart.enumSchema(CampaignStatus.self, description: "The campaign's state in its lifecycle."),
        "CampaignCreate": [
            "type": "object",
            "required": ["name", "campaign_type", "states", "budget_cents"],
            "properties": .object(writableFields(forCreate: true)),
        ],
        "CampaignUpdate": [
            "type": "object",
            "description": "Absent fields are left as they are.",
            "properties": .object(writableFields(forCreate: false)),
        ],
        "Campaign": campaignSchema,
        "CampaignList": OpenAPIPart.listSchema(of: "Campaign"),
    ]

    /// The fields a create or an update may send. The default status is shown for creates only: an
    /// update leaves an absent field as it is.
    private static func writableFields(forCreate: Bool) -> [String: JSONValue] {
        var status = OpenAPIPart.ref("CampaignStatus")
        if forCreate, case .object(var object) = status {
            object["default"] = .string(CampaignStatus.active.rawValue)
            status = .object(object)
        }
        var requireDNCClear: JSONValue = ["type": "boolean", "description": .string(OpenAPIPart.campaignRequireDNCClearText)]
        if forCreate, case .object(var object) = requireDNCClear {
            object["default"] = false
            requireDNCClear = .object(object)
        }
        return [
            "name": OpenAPIPart.nameSchema,
            "campaign_type": OpenAPIPart.ref("CampaignType"),
            "states": OpenAPIPart.statesSchema("The states the campaign targets; duplicates are dropped."),
            "budget_cents": OpenAPIPart.centsSchema("The total budget in cents."),
            "max_leads_per_day": OpenAPIPart.nullableCountSchema("Leads a day at most; null for no limit."),
            "delivery_webhook": OpenAPIPart.nullableURLSchema(
                "Where the sales this campaign funds are delivered instead of the buyer's webhook_url, signed with the buyer's webhook_secret; null for the buyer's. \(OpenAPIPart.targetPolicyNote)"
            ),
            "buyer_id": [
                "type": ["string", "null"],
                "description": "A buyer of this account the campaign buys for (an unknown id is a 422); null for none.",
            ],
            "require_dnc_clear": requireDNCClear,
            "status": status,
        ]
    }

    /// The campaign as `CampaignRoutes.resource` shows it: every field always present, nullable ones as null.
    private static let campaignSchema: JSONValue = {
        let properties: [String: JSONValue] = [
            "id": ["type": "string", "examples": ["camp_3b7e91c04fa2d8e5b6c1a730"]],
            "name": ["type": "string"],
            "campaign_type": OpenAPIPart.ref("CampaignType"),
            "status": OpenAPIPart.ref("CampaignStatus"),
            "states": ["type": "array", "uniqueItems": true, "items": OpenAPIPart.ref("StateCode")],
            "budget_cents": OpenAPIPart.centsSchema("The total budget in cents."),
            "budget_remaining_cents": [
                "type": "integer", "format": "int64", "minimum": 0,
                "description": "The budget less spend net of returned leads; never below zero.",
            ],
            "max_leads_per_day": ["type": ["integer", "null"], "minimum": 0, "description": "null: no limit."],
            "delivery_webhook": ["type": ["string", "null"], "format": "uri"],
            "buyer_id": ["type": ["string", "null"]],
            "require_dnc_clear": ["type": "boolean", "description": .string(OpenAPIPart.campaignRequireDNCClearText)],
            "leads_delivered": OpenAPIPart.countSchema("Leads sold through the campaign, returned and refunded ones included. \(ReportRoutes.definitions)"),
            "leads_accepted": OpenAPIPart.countSchema("Leads kept: delivered less returned."),
            "leads_returned": OpenAPIPart.countSchema("Delivered leads that were returned."),
            "explicitly_accepted": OpenAPIPart.countSchema("Delivered leads the buyer accepted with POST /leads/{id}/accept."),
            "acceptance_rate": OpenAPIPart.ratioSchema("leads_accepted / leads_delivered, to three decimals; 0 before the first delivery."),
            "avg_cost_cents": ReportRoutes.centsSchema("revenue_cents / leads_delivered, rounded half up; 0 before the first sale."),
            "revenue_cents": ReportRoutes.centsSchema("Gross: the sale prices of every lead delivered, returned ones included."),
            "refunds_cents": ReportRoutes.centsSchema("Money given back on the campaign's sales: returns and admin refunds."),
            "net_revenue_cents": ReportRoutes.signedCentsSchema("revenue_cents − refunds_cents."),
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
