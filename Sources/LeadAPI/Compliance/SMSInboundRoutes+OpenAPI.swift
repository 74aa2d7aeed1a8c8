import LeadEngine

/// The OpenAPI description of `POST /api/v1/sms/inbound`, next to `SMSInboundRoutes`.
extension SMSInboundRoutes {
    static let openAPI = OpenAPIPart(paths: ["/api/v1/sms/inbound": ["post": inboundOperation]], schemas: [:])

    private static let inboundOperation: JSONValue = [
        "operationId": "receiveInboundSMS",
        "tags": ["Sequences"],
        "summary": "The SMS provider's inbound-message webhook (opt-outs)",
        "description": .string(
            """
            An addition to the specification: point the sending number's incoming-message webhook here. The provider \
            posts Twilio's form fields (From, To, Body, …) signed with X-Twilio-Signature: the base64 HMAC-SHA1, keyed \
            with the account's auth token, of the URL it posted to (EZLEEDS_PUBLIC_BASE_URL and the path when set, else \
            built from the Host header and X-Forwarded-Proto) followed by each parameter's name and value, sorted by \
            name. A missing or bad signature, or a server without an SMS account, is a 403. A body that asks to stop \
            (\(OptOutMessage.stopWords.sorted().map { $0.uppercased() }.joined(separator: ", ")) or "opt out" as whole \
            words, any case, punctuation ignored) puts the sender's number on the internal do-not-call list of every \
            account that texted it, revokes the consent certificates of its leads there and ends their active \
            enrollments (end_reason opted_out): the use case behind POST /api/v1/compliance/revoke-consent. Any other \
            text changes nothing. Answers empty TwiML. Needs no key; limited per client address.
            """
        ),
        "security": [],
        "requestBody": [
            "required": true,
            "content": [
                "application/x-www-form-urlencoded": [
                    "schema": [
                        "type": "object",
                        "properties": ["From": ["type": "string"], "To": ["type": "string"], "Body": ["type": "string"], "MessageSid": ["type": "string"]],
                        "additionalProperties": ["type": "string"],
                    ]
                ]
            ],
        ],
        "parameters": [
            [
                "name": "X-Twilio-Signature", "in": "header", "required": true, "description": "The provider's signature of the request.",
                "schema": ["type": "string"],
            ]
        ],
        "responses": [
            "200": ["description": "Empty TwiML.", "content": ["text/xml": ["schema": ["type": "string"]]]],
            "403": ["$ref": "#/components/responses/Forbidden"],
            "413": ["$ref": "#/components/responses/TooLarge"],
            "429": ["$ref": "#/components/responses/RateLimited"],
        ],
    ]
}
