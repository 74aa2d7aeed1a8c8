import LeadEngine

/// The OpenAPI description of `/api/v1/unsubscribe/{token}`, next to `UnsubscribeRoutes`.
extension UnsubscribeRoutes {
    static let openAPI = OpenAPIPart(
        paths: ["/api/v1/unsubscribe/{token}": ["parameters": [tokenParameter], "get": pageOperation, "post": confirmOperation]], schemas: [:]
    )

    private static let tokenParameter: JSONValue = [
        "name": "token", "in": "path", "required": true, "description": "The signed token of the email's List-Unsubscribe link.",
        "schema": ["type": "string"],
    ]

    private static let htmlAnswers: JSONValue = [
        "200": ["description": "An HTML page.", "content": ["text/html": ["schema": ["type": "string"]]]],
        "404": ["description": "An HTML page: the token is not one this server signed.", "content": ["text/html": ["schema": ["type": "string"]]]],
        "429": ["$ref": "#/components/responses/RateLimited"],
    ]

    private static let pageOperation: JSONValue = [
        "operationId": "showUnsubscribePage", "tags": ["Sequences"], "summary": "The unsubscribe page of an outreach email",
        "description": """
            An addition to the specification. Shows a button that posts to the same URL; opening the link unsubscribes no \
            one, since link scanners open links. Needs no key; limited per client address.
            """,
        "security": [], "responses": htmlAnswers,
    ]

    private static let confirmOperation: JSONValue = [
        "operationId": "unsubscribe", "tags": ["Sequences"], "summary": "One-click unsubscribe (RFC 8058)",
        "description": """
            An addition to the specification: the List-Unsubscribe URL of every outreach email, which mail clients post \
            List-Unsubscribe=One-Click to (List-Unsubscribe-Post). Records an email opt-out of the address for the \
            sending account and ends the lead's active enrollments (end_reason opted_out); email steps to the address \
            are skipped from then on (email_opted_out). Repeating it changes nothing. Needs no key; limited per client address.
            """,
        "security": [],
        "requestBody": [
            "required": false,
            "content": ["application/x-www-form-urlencoded": ["schema": ["type": "object", "additionalProperties": ["type": "string"]]]],
        ],
        "responses": htmlAnswers,
    ]
}
