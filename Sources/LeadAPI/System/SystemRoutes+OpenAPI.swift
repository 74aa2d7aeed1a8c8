import LeadEngine
/// The OpenAPI description of the system routes: key-less and not rate-limited.
extension SystemRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/healthz": [
                "get": operation(
                    id: "getHealth", summary: "Liveness check",
                    description: "Answers 200 while the server is up; for load balancers.",
                    mediaType: "application/json",
                    schema: [
                        "type": "object",
                        "required": ["status"],
                        "properties": ["status": ["type": "string", "const": "ok"]],
                    ],
                    answer: "The server is up."
                )
            ],
            "/readyz": [
                "get": operation(
                    id: "getReadiness", summary: "Readiness check",
                    description: "Answers 200 while the server can take traffic, and 503 while it cannot write to its database "
                        + "(a full disk, an I/O error, a read-only file system): pings and writes are refused meanwhile. "
                        + "For load balancers, to send sellers elsewhere until it recovers; it checks again every second.",
                    mediaType: "application/json",
                    schema: [
                        "type": "object",
                        "required": ["status"],
                        "properties": ["status": ["type": "string", "const": "ready"]],
                    ],
                    answer: "The server takes traffic.",
                    otherResponses: [
                        "503": [
                            "description": "The server cannot write to its database.",
                            "headers": [
                                "Retry-After": ["description": "Seconds to wait before asking again.", "schema": ["type": "integer"]],
                                "X-Request-ID": ["description": "Identifies the request in the server's logs.", "schema": ["type": "string"]],
                            ],
                            "content": [
                                "application/json": [
                                    "schema": [
                                        "type": "object",
                                        "required": ["status", "reason"],
                                        "properties": [
                                            "status": ["type": "string", "const": "not_ready"],
                                            "reason": ["type": "string", "description": "Why, for a person: the disk is full, …"],
                                        ],
                                    ]
                                ]
                            ],
                        ]
                    ]
                )
            ],
            "/metrics": [
                "get": operation(
                    id: "getMetrics", summary: "Prometheus metrics",
                    description: "Request counts and latencies per route in the Prometheus text exposition format, "
                        + "version 0.0.4 (Content-Type: text/plain; version=0.0.4; charset=utf-8); for scrapers.",
                    mediaType: "text/plain",
                    schema: ["type": "string"],
                    answer: "The metrics in Prometheus text format.",
                    otherResponses: [
                        "403": OpenAPIComponents.problem("A client not on this machine without the operator's --metrics-token as a Bearer token")
                    ]
                )
            ],
            "/api/v1/openapi.json": [
                "get": operation(
                    id: "getOpenAPIDocument", summary: "This OpenAPI document",
                    description: "The OpenAPI 3.1 description of every endpoint built so far; for code generators. "
                        + "Limited per client address (100 requests a minute by default), with the X-RateLimit headers.",
                    mediaType: "application/json",
                    schema: ["type": "object", "description": "An OpenAPI 3.1 document."],
                    answer: "The OpenAPI document.",
                    rateLimited: true
                )
            ],
        ]
    )

    private static func operation(
        id: String, summary: String, description: String, mediaType: String, schema: JSONValue, answer: String,
        rateLimited: Bool = false, otherResponses: [String: JSONValue] = [:]
    ) -> JSONValue {
        var responses: [String: JSONValue] = [
            "200": [
                "description": .string(answer),
                "headers": ["X-Request-ID": ["description": "Identifies the request in the server's logs.", "schema": ["type": "string"]]],
                "content": .object([mediaType: ["schema": schema]]),
            ]
        ]
        responses.merge(otherResponses) { _, other in other }
        if rateLimited { responses["429"] = ["$ref": "#/components/responses/RateLimited"] }
        return [
            "operationId": .string(id),
            "tags": ["System"],
            "summary": .string(summary),
            "description": .string(description + (rateLimited ? " Needs no key." : " Needs no key and is not rate-limited.")),
            "security": [],
            "responses": .object(responses),
        ]
    }
}
