import LeadEngine

/// The OpenAPI description of the state rules, outreach pre-flight and do-not-call routes, next to
/// `ComplianceRoutes` so they change together.
extension ComplianceRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/compliance/rules": ["get": allRulesOperation],
            "/api/v1/compliance/rules/{state}": ["get": stateRulesOperation],
            "/api/v1/compliance/check-outreach": ["post": checkOutreachOperation],
            "/api/v1/compliance/dnc-check": ["post": doNotCallOperation],
            "/api/v1/compliance/dnc/internal": ["post": addInternalOperation],
            "/api/v1/compliance/dnc/internal/{phone}": ["delete": removeInternalOperation],
        ],
        schemas: schemas
    )

    private static let tag = "Compliance"

    private static let allRulesOperation = PingPostRoutes.complianceOperation(
        id: "listStateRules", tag: tag, summary: "Telemarketing rules of the 50 states and DC",
        description: """
            Every jurisdiction's rules, keyed by its two-letter code, from a data file shipped with the server and built \
            from a sourced research table: each entry lists its source URLs, and what the sources leave unknown is null, \
            never guessed. total is 51.
            """,
        responses: ["200": OpenAPIPart.jsonAnswer("Every jurisdiction's rules.", schema: OpenAPIPart.ref("StateRulesList"))],
        errors: [.unauthorized, .forbidden, .rateLimited]
    )

    private static let stateRulesOperation: JSONValue = {
        let operation = PingPostRoutes.complianceOperation(
            id: "getStateRules", tag: tag, summary: "One state's telemarketing rules",
            description: "The state's rules (code in any letter case). An unknown code answers 404.",
            responses: ["200": OpenAPIPart.jsonAnswer("The state's rules.", schema: OpenAPIPart.ref("StateRules"))],
            errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
        )
        guard case .object(var object) = operation else { return operation }
        object["parameters"] = [
            [
                "name": "state", "in": "path", "required": true, "description": "A two-letter state code, or DC.",
                "schema": ["type": "string", "examples": ["CA"]],
            ]
        ]
        return .object(object)
    }()

    private static let checkOutreachOperation = PingPostRoutes.complianceOperation(
        id: "checkOutreach", tag: tag, summary: "Pre-flight check before contacting a lead",
        description: """
            Whether this number may be contacted on this channel now (or at `at`). Each check is pass, fail or warn; \
            allowed is true when none fails; reasons say why a check failed, warnings what a caller should still know.
            - time_window (call, sms; email has none): in the called party's local time. The time zones are the area \
            code's (every zone it is used in), plus the state's when the area code belongs to another state; the window \
            must be open in all of them. The state's hours for that weekday apply (a banned day has none), never outside \
            the federal 08:00–21:00; states that ban holiday calls are closed on US federal holidays (and their observed \
            days). Daylight-saving changes follow the IANA zones. local_times shows each zone's verdict.
            - consent_valid: a certificate_id that verifies and is not revoked, or has_consent true (a warning says it is \
            asserted, not evidenced).
            - state_rules: a state's cap on calls per 24 hours fails when calls_last_24h reaches it (warn when not sent); \
            registration, mini-TCPA and all-party recording duties are warnings.
            - dnc_clear: the federal list, the state's own list and the account's internal list; warn when a list that \
            applies has not been imported.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "OutreachCheckRequest", description: "The number, its state, the channel and the consent."),
        responses: ["200": OpenAPIPart.jsonAnswer("Each check, and whether outreach is allowed.", schema: OpenAPIPart.ref("OutreachCheck"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let doNotCallOperation = PingPostRoutes.complianceOperation(
        id: "checkDoNotCall", tag: tag, summary: "Look a number up on the do-not-call lists",
        description: """
            Whether the number is on the federal registry, the state's own list or this account's internal list (numbers \
            returned as do_not_call land there). lists_not_loaded names the lists that apply but have not been imported: \
            a miss there proves nothing.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "DoNotCallCheckRequest", description: "The number and its state."),
        responses: ["200": OpenAPIPart.jsonAnswer("Which lists hold the number.", schema: OpenAPIPart.ref("DoNotCallCheck"))],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let addInternalOperation = PingPostRoutes.complianceOperation(
        id: "addInternalDoNotCall", tag: tag, summary: "Put a number on the account's internal do-not-call list",
        description: """
            An addition to the specification. The number (any common US form, stored as E.164) is on this account's \
            internal list from now on; dnc-check and check-outreach report it. 201 when added, 200 when it was listed \
            already. Numbers also land here when a lead is returned as do_not_call or its consent is revoked.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "InternalDoNotCallRequest", description: "The number, and optionally why."),
        responses: [
            "201": OpenAPIPart.jsonAnswer("Added.", schema: OpenAPIPart.ref("InternalDoNotCallEntry")),
            "200": OpenAPIPart.jsonAnswer("Listed already.", schema: OpenAPIPart.ref("InternalDoNotCallEntry")),
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .tooLarge, .invalid, .rateLimited]
    )

    private static let removeInternalOperation: JSONValue = {
        let operation = PingPostRoutes.complianceOperation(
            id: "removeInternalDoNotCall", tag: tag, summary: "Take a number off the account's internal do-not-call list",
            description: "An addition to the specification. 404 when the number is not on this account's internal list.",
            responses: ["200": OpenAPIPart.jsonAnswer("Removed.", schema: OpenAPIPart.ref("InternalDoNotCallRemoval"))],
            errors: [.unauthorized, .forbidden, .notFound, .invalid, .rateLimited]
        )
        guard case .object(var object) = operation else { return operation }
        object["parameters"] = [
            [
                "name": "phone", "in": "path", "required": true, "description": "The number, E.164 (+ written %2B) or ten digits.",
                "schema": ["type": "string", "examples": ["7025551234"]],
            ]
        ]
        return .object(object)
    }()

    private static let window: JSONValue = OpenAPIPart.objectSchema([
        "start": ["type": "string", "examples": ["08:00"]], "end": ["type": "string", "examples": ["21:00"]],
    ])
    private static let nullableWindow: JSONValue = ["anyOf": [window, ["type": "null"]]]
    private static let nullableBool: JSONValue = ["type": ["boolean", "null"]]
    private static let nullableString: JSONValue = ["type": ["string", "null"]]

    private static let schemas: [String: JSONValue] = [
        "StateRules": OpenAPIPart.objectSchema(
            [
                "state": ["type": "string", "examples": ["CA"]],
                "name": ["type": "string"],
                "calling_hours": OpenAPIPart.objectSchema(
                    [
                        "start": ["type": "string"], "end": ["type": "string"],
                        "timezone": ["type": "string", "description": "The state's main IANA time zone; timezones lists all."],
                    ],
                    description: "The weekday window (Monday's), or the federal 08:00–21:00 when the state's hours are unknown."
                ),
                "calling_hours_by_day": [
                    "type": ["object", "null"], "description": "monday … sunday, each a window or null for a day without calls; null when unknown.",
                    "additionalProperties": nullableWindow,
                ],
                "calling_hours_known": ["type": "boolean"],
                "calling_hours_note": nullableString,
                "timezones": ["type": "array", "items": ["type": "string"]],
                "holiday_ban": nullableBool,
                "holidays_note": nullableString,
                "two_party_consent": nullableBool,
                "recording_consent_note": nullableString,
                "telemarketing_registration_required": nullableBool,
                "registration_note": nullableString,
                "mini_tcpa": nullableBool,
                "mini_tcpa_rating": ["type": ["string", "null"], "enum": ["core", "broad", "none", .null]],
                "mini_tcpa_note": nullableString,
                "state_dnc_list": ["type": ["string", "null"], "enum": ["own_list", "national", .null]],
                "state_dnc_note": nullableString,
                "max_calls_per_24h": ["type": ["integer", "null"]],
                "additional_restrictions": ["type": "array", "items": ["type": "string"]],
                "sources": ["type": "array", "items": ["type": "string", "format": "uri"]],
            ],
            description: "A jurisdiction's telemarketing rules; null where the sources leave it unknown."
        ),
        "StateRulesList": OpenAPIPart.objectSchema([
            "states": ["type": "object", "additionalProperties": OpenAPIPart.ref("StateRules")],
            "total": ["type": "integer", "examples": [51]],
            "source_document": ["type": "string"],
        ]),
        "OutreachCheckRequest": [
            "type": "object", "required": ["phone", "state", "channel"],
            "properties": [
                "phone": ["type": "string", "examples": ["+17025551234"]],
                "state": OpenAPIPart.ref("StateCode"),
                "channel": ["type": "string", "enum": ["call", "sms", "email"]],
                "campaign_type": OpenAPIPart.ref("CampaignType"),
                "has_consent": ["type": "boolean"],
                "certificate_id": ["type": "string", "examples": ["cert_7c1e5b2a4c7e9a317d2e4b6f"]],
                "calls_last_24h": ["type": "integer", "minimum": 0],
                "at": ["type": "string", "format": "date-time", "description": "Ask about another instant; default now."],
            ],
        ],
        "OutreachCheck": OpenAPIPart.objectSchema([
            "allowed": ["type": "boolean"],
            "checks": OpenAPIPart.objectSchema(
                Dictionary(uniqueKeysWithValues: ["state_rules", "time_window", "consent_valid", "dnc_clear"].map {
                    ($0, ["type": "string", "enum": ["pass", "fail", "warn"]] as JSONValue)
                })
            ),
            "warnings": ["type": "array", "items": ["type": "string"]],
            "reasons": ["type": "array", "items": ["type": "string"]],
            "evaluated_at": ["type": "string", "format": "date-time"],
            "local_times": [
                "type": "array",
                "items": OpenAPIPart.objectSchema([
                    "timezone": ["type": "string"], "date": ["type": "string"], "time": ["type": "string"], "weekday": ["type": "string"],
                    "window": nullableWindow, "open": ["type": "boolean"],
                ]),
            ],
        ]),
        "InternalDoNotCallRequest": [
            "type": "object", "required": ["phone"],
            "properties": ["phone": ["type": "string", "examples": ["+17025551234"]], "reason": ["type": "string", "maxLength": 200]],
        ],
        "InternalDoNotCallEntry": OpenAPIPart.objectSchema([
            "phone": ["type": "string"], "on_internal_dnc": ["type": "boolean", "const": true], "added": ["type": "boolean"],
        ]),
        "InternalDoNotCallRemoval": OpenAPIPart.objectSchema([
            "phone": ["type": "string"], "on_internal_dnc": ["type": "boolean", "const": false], "removed": ["type": "boolean", "const": true],
        ]),
        "DoNotCallCheckRequest": [
            "type": "object", "required": ["phone", "state"],
            "properties": ["phone": ["type": "string", "examples": ["+17025551234"]], "state": OpenAPIPart.ref("StateCode")],
        ],
        "DoNotCallCheck": OpenAPIPart.objectSchema([
            "on_dnc": ["type": "boolean"],
            "checks": OpenAPIPart.objectSchema(["federal_dnc": ["type": "boolean"], "state_dnc": ["type": "boolean"], "internal_dnc": ["type": "boolean"]]),
            "phone": ["type": "string", "description": "The number in E.164."],
            "lists_not_loaded": ["type": "array", "items": ["type": "string"]],
        ]),
    ]
}
