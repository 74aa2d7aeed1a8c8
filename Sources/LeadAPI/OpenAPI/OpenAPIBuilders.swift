import LeadEngine

/// Builders the API categories write their OpenAPI parts with.

extension OpenAPIPart {
    /// The shared problem answers under `#/components/responses`, by status.
    enum ErrorAnswer: String {
        case badRequest = "400"
        case unauthorized = "401"
        case forbidden = "403"
        case notFound = "404"
        case tooLarge = "413"
        case invalid = "422"
        case rateLimited = "429"

        var component: String {
            switch self {
            case .badRequest: "BadRequest"
            case .unauthorized: "Unauthorized"
            case .forbidden: "Forbidden"
            case .notFound: "NotFound"
            case .tooLarge: "TooLarge"
            case .invalid: "Invalid"
            case .rateLimited: "RateLimited"
            }
        }
    }

    /// What every operation behind `KeyAuthMiddleware` shares: the key it takes and its rate limit.
    static let keyedNote = """
        Takes a standard or admin key in X-API-Key (a compliance key is refused with 403). Rate-limited per key \
        (\(APIKey.defaultRateLimitPerMinute) requests a minute unless the key says otherwise): every answer past \
        authentication, errors included, carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset \
        (seconds until the full burst is back, not an epoch time), plus the IETF draft's RateLimit-Policy and \
        RateLimit; a 429 adds Retry-After.
        """

    /// An operation behind `KeyAuthMiddleware`, with the shared problem answers it can give.
    static func keyedOperation(
        id: String, tag: String, summary: String, description: String,
        parameters: [JSONValue] = [], requestBody: JSONValue? = nil,
        responses: [String: JSONValue], errors: [ErrorAnswer]
    ) -> JSONValue {
        var allResponses = responses
        for error in errors {
            allResponses[error.rawValue] = ["$ref": .string("#/components/responses/" + error.component)]
        }
        // Every keyed operation reads or writes the store.
        if allResponses["503"] == nil { allResponses["503"] = ["$ref": "#/components/responses/StorageUnavailable"] }
        var operation: [String: JSONValue] = [
            "operationId": .string(id),
            "tags": [.string(tag)],
            "summary": .string(summary),
            "description": .string(description + "\n\n" + keyedNote),
            "security": [["ApiKey": []]],
            "responses": .object(allResponses),
        ]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let requestBody { operation["requestBody"] = requestBody }
        return .object(operation)
    }

    static func ref(_ schema: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/" + schema)]
    }

    static func jsonBody(schema: String, description: String) -> JSONValue {
        [
            "required": true,
            "description": .string(description + " A JSON object of at most 1 MiB; unknown fields are ignored."),
            "content": ["application/json": ["schema": ref(schema)]],
        ]
    }

    /// A JSON success answer with the headers every keyed answer carries.
    static func jsonAnswer(_ description: String, schema: JSONValue, headers: [String: JSONValue] = [:]) -> JSONValue {
        [
            "description": .string(description),
            "headers": .object(keyedAnswerHeaders.merging(headers) { _, new in new }),
            "content": ["application/json": ["schema": schema]],
        ]
    }

    static func header(_ description: String, type: String) -> JSONValue {
        ["description": .string(description), "schema": ["type": .string(type)]]
    }

    static let keyedAnswerHeaders: [String: JSONValue] = [
        "X-Request-ID": header("Identifies the request in the server's logs.", type: "string"),
        "X-RateLimit-Limit": header("Requests a minute this key may make.", type: "integer"),
        "X-RateLimit-Remaining": header("Requests left before the limit is hit.", type: "integer"),
        "X-RateLimit-Reset": header("Seconds until the full burst is available again (a delay, not an epoch time).", type: "integer"),
        "RateLimit-Policy": header("The limit as the IETF RateLimit draft spells it: \"default\";q=<limit>;w=60.", type: "string"),
        "RateLimit": header("The remaining quota as the IETF RateLimit draft spells it: \"default\";r=<remaining>;t=<reset>.", type: "string"),
    ]

    static func queryParameter(_ name: String, schema: JSONValue, description: String, required: Bool = false) -> JSONValue {
        ["name": .string(name), "in": "query", "required": .bool(required), "description": .string(description), "schema": schema]
    }

    static func idParameter(entity: String, example: String) -> JSONValue {
        [
            "name": "id", "in": "path", "required": true,
            "description": .string("The \(entity)'s id. An id outside this account answers 404, as an unknown one does."),
            "schema": ["type": "string", "examples": [.string(example)]],
        ]
    }

    static let pageParameters: [JSONValue] = [
        queryParameter("page", schema: ["type": "integer", "minimum": 1, "default": 1], description: "1-based page number."),
        queryParameter(
            "per_page",
            schema: [
                "type": "integer", "minimum": 1, "maximum": .integer(Int64(PageRequest.maxPerPage)),
                "default": .integer(Int64(PageRequest.defaultPerPage)),
            ],
            description: "Items a page."
        ),
    ]

    /// `{items, total, page, per_page}`, as every list endpoint answers.
    /// An object whose every property is always present (nullable ones say so in their type).
    static func objectSchema(_ properties: [String: JSONValue], description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = [
            "type": "object",
            "required": .array(properties.keys.sorted().map(JSONValue.string)),
            "properties": .object(properties),
        ]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static func listSchema(of item: String) -> JSONValue {
        [
            "type": "object",
            "required": ["items", "total", "page", "per_page"],
            "properties": [
                "items": ["type": "array", "items": ref(item)],
                "total": countSchema("Items matching the filters, over all pages."),
                "page": ["type": "integer", "minimum": 1],
                "per_page": ["type": "integer", "minimum": 1, "maximum": .integer(Int64(PageRequest.maxPerPage))],
            ],
        ]
    }

    /// The verticals and the states, which buyers, campaigns and leads all speak of.
    static let marketSchemas: [String: JSONValue] = [
        "CampaignType": enumSchema(CampaignType.self, description: "A vertical, as the API spells it."),
        "StateCode": [
            "type": "string", "description": "USPS code of one of the 50 states or the District of Columbia.",
            "enum": .array(USState.codes.map(JSONValue.string)),
        ],
    ]

    static func enumSchema<T: RawRepresentable & CaseIterable>(_ type: T.Type, description: String) -> JSONValue where T.RawValue == String {
        ["type": "string", "description": .string(description), "enum": .array(T.allCases.map { .string($0.rawValue) })]
    }

    static let requireDNCClearText = """
        Buy only leads on no do-not-call list: the federal registry, the lead's state list, or this account's internal \
        list. Pings are anonymous, so the buyer still bids; a post of a listed lead to it is a 409 dnc_listed, and an \
        inbound lead on a list is routed to other buyers (no-bid reason dnc).
        """

    static let campaignRequireDNCClearText = """
        Fund only leads on no do-not-call list. A listed lead is not bought through this campaign: the buyer buys it \
        through another of its campaigns if one can fund it, or not at all (409 dnc_listed on post, no-bid reason dnc \
        when routing an inbound lead).
        """

    static let nameSchema: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": .integer(Int64(FieldRules.maxNameLength)),
        "description": "Surrounding whitespace is trimmed; 1 to 200 characters remain.",
    ]

    static func statesSchema(_ description: String) -> JSONValue {
        ["type": "array", "minItems": 1, "items": ref("StateCode"), "description": .string(description)]
    }

    static func centsSchema(_ description: String) -> JSONValue {
        [
            "type": "integer", "format": "int64", "minimum": 0, "maximum": .integer(FieldRules.maxCents),
            "description": .string(description),
        ]
    }

    /// What every URL the engine calls must satisfy; the refusal's code names the rule it breaks.
    static let targetPolicyNote =
        "Checked by the outbound target policy when saved and at every connect: http or https, no user info, port 80 or 443 unless the operator allows more, and a host that is not (and does not resolve to) a loopback, private, link-local, CGNAT, unique-local, multicast or other special-purpose address. A refusal is a 422 whose error names the field with a code (address_not_allowed, port_not_allowed, scheme_not_allowed, userinfo_not_allowed, invalid_url)."

    static func nullableURLSchema(_ description: String) -> JSONValue {
        [
            "type": ["string", "null"], "format": "uri", "maxLength": 2048,
            "description": .string("An absolute http(s) URL of at most 2,048 characters. " + description),
        ]
    }

    /// A non-negative integer the server reads as a 32-bit count.
    static func nullableCountSchema(_ description: String) -> JSONValue {
        ["type": ["integer", "null"], "minimum": 0, "maximum": .integer(Int64(Int32.max)), "description": .string(description)]
    }

    static func countSchema(_ description: String) -> JSONValue {
        ["type": "integer", "minimum": 0, "description": .string(description)]
    }

    static func ratioSchema(_ description: String) -> JSONValue {
        ["type": "number", "minimum": 0, "maximum": 1, "description": .string(description)]
    }

    static let zipCodeSchema: JSONValue = ["type": "string", "pattern": "^[0-9]{5}$", "examples": ["89101"]]

    static let timestampSchema: JSONValue = [
        "type": "string", "format": "date-time", "description": "RFC 3339 in UTC, whole seconds.", "examples": ["2026-04-22T14:30:00Z"],
    ]

    static let nullableTimestampSchema: JSONValue = [
        "type": ["string", "null"], "format": "date-time", "description": "RFC 3339 in UTC, whole seconds; null until it happens.",
    ]
}
