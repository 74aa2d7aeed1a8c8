import LeadEngine

/// The OpenAPI description of `/api/v1/pingpost/floors` and `/settings`, next to `PingPostSettingsRoutes` so the two change
/// together. The helpers it builds with (`OpenAPIPart.keyedOperation`, …) live in `OpenAPI/OpenAPIBuilders.swift`.
extension PingPostSettingsRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/pingpost/floors": ["get": listOperation],
            "/api/v1/pingpost/floors/{campaign_type}": [
                "parameters": [campaignTypeParameter],
                "put": updateOperation,
            ],
            "/api/v1/pingpost/settings": ["get": showSettingsOperation, "put": updateSettingsOperation],
        ],
        schemas: OpenAPIPart.marketSchemas.merging(schemas) { _, own in own }
    )

    // MARK: Operations

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listFloorPrices", tag: "Ping-post", summary: "List floor prices",
        description: "The lowest bid the account accepts for each vertical, one item for every campaign type, in the "
            + "order of the CampaignType enum. A vertical never set has floor 0: every bid stands.",
        responses: ["200": OpenAPIPart.jsonAnswer("Every vertical's floor price.", schema: OpenAPIPart.ref("FloorPriceList"))],
        errors: [.unauthorized, .forbidden, .rateLimited]
    )

    private static let updateOperation = OpenAPIPart.keyedOperation(
        id: "setFloorPrice", tag: "Ping-post", summary: "Set a floor price",
        description: "Sets the lowest bid the account accepts for a vertical; it applies from the next ping. Bids under "
            + "it are dropped from ping answers and reported as below_floor. Needs an admin key: a standard key answers "
            + "403. An unknown campaign_type in the path answers 422, naming the field campaign_type.",
        requestBody: OpenAPIPart.jsonBody(schema: "FloorPriceUpdate", description: "The new floor."),
        responses: ["200": OpenAPIPart.jsonAnswer("The vertical's floor price after the update.", schema: OpenAPIPart.ref("FloorPrice"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let showSettingsOperation = OpenAPIPart.keyedOperation(
        id: "getPingPostSettings", tag: "Ping-post", summary: "Show ping-post settings",
        description: "max_shared_buyers: how many distinct buyers may buy one shared lead (default "
            + "\(SharedSaleLimits.defaultMaxSharedBuyers)); an exclusive sale is always the only one.",
        responses: ["200": OpenAPIPart.jsonAnswer("The account's settings.", schema: OpenAPIPart.ref("PingPostSettings"))],
        errors: [.unauthorized, .forbidden, .rateLimited]
    )

    private static let updateSettingsOperation = OpenAPIPart.keyedOperation(
        id: "setPingPostSettings", tag: "Ping-post", summary: "Change ping-post settings",
        description: "Sets max_shared_buyers (\(SharedSaleLimits.allowedRange.lowerBound) to "
            + "\(SharedSaleLimits.allowedRange.upperBound)); it applies from the next post. Needs an admin key: a standard key answers 403.",
        requestBody: OpenAPIPart.jsonBody(schema: "PingPostSettings", description: "The new settings."),
        responses: ["200": OpenAPIPart.jsonAnswer("The settings after the update.", schema: OpenAPIPart.ref("PingPostSettings"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let campaignTypeParameter: JSONValue = [
        "name": "campaign_type", "in": "path", "required": true,
        "description": "The vertical whose floor price is set.",
        "schema": OpenAPIPart.ref("CampaignType"),
    ]

    // MARK: Schemas

    private static let schemas: [String: JSONValue] = [
        "PingPostSettings": [
            "type": "object",
            "required": ["max_shared_buyers"],
            "properties": [
                "max_shared_buyers": [
                    "type": "integer", "minimum": .integer(Int64(SharedSaleLimits.allowedRange.lowerBound)),
                    "maximum": .integer(Int64(SharedSaleLimits.allowedRange.upperBound)),
                    "description": "How many distinct buyers may buy one shared lead.",
                ]
            ],
        ],
        "FloorPrice": [
            "type": "object",
            "required": ["campaign_type", "floor_price_cents"],
            "properties": [
                "campaign_type": OpenAPIPart.ref("CampaignType"),
                "floor_price_cents": OpenAPIPart.centsSchema("The lowest bid the account accepts for the vertical; 0 when never set."),
            ],
        ],
        "FloorPriceList": [
            "type": "object",
            "required": ["items"],
            "properties": [
                "items": [
                    "type": "array", "items": OpenAPIPart.ref("FloorPrice"),
                    "minItems": .integer(Int64(CampaignType.allCases.count)), "maxItems": .integer(Int64(CampaignType.allCases.count)),
                    "description": "One item for every campaign type.",
                ]
            ],
        ],
        "FloorPriceUpdate": [
            "type": "object",
            "required": ["floor_price_cents"],
            "properties": [
                "floor_price_cents": OpenAPIPart.centsSchema("The lowest bid to accept, in cents; 0 accepts every bid.")
            ],
        ],
    ]
}
