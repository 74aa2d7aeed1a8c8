import LeadEngine
/// Schemas and responses shared by every category: problems, rate-limit headers, paging.
enum OpenAPIComponents {
    static let schemas: [String: JSONValue] = [
        "Problem": [
            "type": "object",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": [
                "type": ["type": "string"],
                "title": ["type": "string"],
                "status": ["type": "integer"],
                "detail": ["type": "string"],
                "code": ["type": "string"],
                "request_id": ["type": "string"],
                "errors": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "properties": [
                            "field": ["type": "string"], "message": ["type": "string"],
                            "code": [
                                "type": "string",
                                "enum": .array(TargetRefusal.Reason.allCases.map { .string($0.rawValue) }),
                                "description": "A stable reason, where there is one: why the outbound target policy refuses a URL (see README, Outbound requests).",
                            ],
                        ],
                    ],
                ],
            ],
        ]
    ]

    static let responses: [String: JSONValue] = [
        "BadRequest": problem("Malformed JSON"),
        "Unauthorized": problem("Missing, unknown or revoked key"),
        "Forbidden": problem("The key's role may not use this endpoint"),
        "NotFound": problem("No such object in this account"),
        "TooLarge": problem("Request body over 1 MiB"),
        "Invalid": problem("Invalid fields, each named in errors"),
        "RateLimited": problem("Rate limit exceeded; see Retry-After"),
        "StorageUnavailable": problem(
            "The database cannot be written or read (a full disk, an I/O error; code storage_unavailable): nothing was stored, "
                + "the request may be sent again after Retry-After"
        ),
    ]

    static func problem(_ description: String) -> JSONValue {
        ["description": .string(description), "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
    }
}
