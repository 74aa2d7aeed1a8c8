import LeadEngine

/// The OpenAPI description of `/api/v1/sequences`, next to `SequenceRoutes` so the two change together.
extension SequenceRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/sequences": ["post": createOperation, "get": listOperation],
            "/api/v1/sequences/{id}": ["parameters": [idParameter], "get": showOperation],
            "/api/v1/sequences/{id}/enroll": ["parameters": [idParameter], "post": enrollOperation],
            "/api/v1/sequences/{id}/pause": ["parameters": [idParameter], "post": pauseOperation],
            "/api/v1/sequences/{id}/resume": ["parameters": [idParameter], "post": resumeOperation],
            "/api/v1/sequences/{id}/enrollments/{lead_id}": [
                "parameters": [
                    idParameter,
                    [
                        "name": "lead_id", "in": "path", "required": true, "description": "The enrolled lead's id.",
                        "schema": ["type": "string"],
                    ],
                ],
                "delete": removeOperation,
            ],
        ],
        schemas: schemas
    )

    private static let tag = "Sequences"
    private static let idParameter = OpenAPIPart.idParameter(entity: "sequence", example: "seq_019d1f6a2b3c4d5e6f708192")

    static let semantics = """
        Each step runs delay_minutes after the previous step actually ran (after enrollment for the first). At the \
        instant a step would run, the outreach pre-flight (the logic of POST /api/v1/compliance/check-outreach) \
        decides: for sms and call, a closed calling window, or a state's cap on contacts in 24 hours, defers the step \
        to the exact instant it opens in every time zone the lead may be in (later steps move with it); the tenant's \
        internal do-not-call list, a revoked consent or no consent certificate ends the enrollment, and so do the \
        federal and state lists unless a verified tcpa_express_written certificate exempts the number. An email step \
        is ended only by a revoked consent. A lead without a phone or email skips that channel's steps (no_phone, \
        no_email); a channel the server has no transport for skips them (channel_not_configured). A step is sent at \
        most once: a touch that provably never reached the provider is retried 1, 3 and 9 minutes later, then fails; \
        one that may have reached it (a timeout, a 5xx) is unknown and never retried.
        """

    private static let createOperation = OpenAPIPart.keyedOperation(
        id: "createSequence", tag: tag, summary: "Create an outreach sequence",
        description: """
            Creates a sequence of texts, emails and calls. Each step names its channel, its delay_minutes, and its text: \
            inline in template (mustache over the lead's first_name, last_name, email, phone, state, zip_code, \
            campaign_type, source; not HTML-escaped) or a stored template by template_id. A call step's template is \
            the agent's script and may be left out; an inline email step may carry a subject. A variable a lead does \
            not have, an unknown template_id or a template of another channel is a 422 naming the step. The answer's \
            steps is the step count.

            \(semantics)

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "SequenceCreate", description: "The sequence and its steps."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The sequence as stored; steps is the count.", schema: OpenAPIPart.ref("SequenceSummary"),
                headers: [
                    "Location": OpenAPIPart.header("The new sequence's URL. Absent on a replay.", type: "string"),
                    "Idempotent-Replayed": OpenAPIPart.replayedHeader,
                ]
            )
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .tooLarge, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listSequences", tag: tag, summary: "List sequences",
        description: "The account's sequences, newest first, a page at a time, each with its step count and leads enrolled.",
        parameters: OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of sequences.", schema: OpenAPIPart.ref("SequenceList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getSequence", tag: tag, summary: "Get a sequence",
        description: """
            The sequence with its step definitions and its enrollments: enrolled (ever), active, completed (ran or \
            skipped every step), ended (stopped by the pre-flight or an opt-out), removed, and conversion_rate: the \
            share of enrollments whose lead reached converted after it enrolled.
            """,
        responses: ["200": OpenAPIPart.jsonAnswer("The sequence.", schema: OpenAPIPart.ref("SequenceDetail"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let enrollOperation = OpenAPIPart.keyedOperation(
        id: "enrollLead", tag: tag, summary: "Enroll a lead",
        description: """
            Enrolls one of the account's leads. next_step_at is when the first step will really run, calling windows \
            considered. Enrolling into a paused sequence is allowed; nothing runs until it resumes.
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "EnrollmentCreate", description: "The lead to enroll."),
        responses: [
            "201": OpenAPIPart.jsonAnswer("The enrollment.", schema: OpenAPIPart.ref("Enrollment")),
            "409": OpenAPIPart.problemAnswer(
                """
                already_enrolled: the lead has an active enrollment in this sequence. lead_not_enrollable: the lead is \
                rejected or a duplicate. not_contactable: the pre-flight refuses every channel of the sequence for a \
                reason time does not cure (do-not-call, no or revoked consent); reasons lists each channel's.
                """,
                codes: ["already_enrolled", "lead_not_enrollable", "not_contactable"]
            ),
        ],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    private static let pauseOperation = OpenAPIPart.keyedOperation(
        id: "pauseSequence", tag: tag, summary: "Pause a sequence",
        description: "No step of the sequence runs until it resumes. Pausing a paused sequence answers the same.",
        responses: ["200": OpenAPIPart.jsonAnswer("The sequence's id and status.", schema: OpenAPIPart.ref("SequenceStatusAnswer"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let resumeOperation = OpenAPIPart.keyedOperation(
        id: "resumeSequence", tag: tag, summary: "Resume a sequence",
        description: "Steps that fell due while paused run at once, earliest first, still gated by the calling windows.",
        responses: ["200": OpenAPIPart.jsonAnswer("The sequence's id and status.", schema: OpenAPIPart.ref("SequenceStatusAnswer"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let removeOperation = OpenAPIPart.keyedOperation(
        id: "removeEnrollment", tag: tag, summary: "Remove a lead from a sequence",
        description: "Ends the lead's active enrollment; no further step runs. A lead with no active enrollment in the sequence is a 404, so a second DELETE is one.",
        responses: ["200": OpenAPIPart.jsonAnswer("The removal.", schema: OpenAPIPart.ref("EnrollmentRemoved"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let stepProperties: [String: JSONValue] = [
        "channel": OpenAPIPart.enumSchema(OutreachChannel.self, description: "How the lead is contacted."),
        "delay_minutes": ["type": "integer", "minimum": 0, "maximum": .integer(Int64(SequenceRules.maxDelayMinutes))],
        "template": ["type": "string", "description": "Inline text (mustache); for a call, the agent's script."],
        "template_id": ["type": "string", "pattern": "^tpl_[a-z0-9_]{1,60}$", "description": "A stored template of the same channel."],
        "subject": ["type": "string", "description": "An inline email step's subject."],
    ]

    private static let schemas: [String: JSONValue] = [
        "SequenceStep": [
            "type": "object", "required": ["channel", "delay_minutes"], "properties": .object(stepProperties),
            "description": "One step. sms and email steps need template or template_id (not both).",
        ],
        "SequenceCreate": [
            "type": "object", "required": ["name", "steps"],
            "properties": [
                "name": OpenAPIPart.nameSchema,
                "steps": ["type": "array", "minItems": 1, "maxItems": .integer(Int64(SequenceRules.maxSteps)), "items": OpenAPIPart.ref("SequenceStep")],
            ],
        ],
        "SequenceSummary": OpenAPIPart.objectSchema(
            [
                "id": ["type": "string"], "name": ["type": "string"],
                "steps": ["type": "integer", "description": "The number of steps."],
                "status": OpenAPIPart.enumSchema(SequenceStatus.self, description: "A paused sequence runs no step."),
                "enrolled": OpenAPIPart.countSchema("Leads ever enrolled."), "created_at": OpenAPIPart.timestampSchema,
            ], description: "A sequence as create and list answer it: steps is the count."
        ),
        "SequenceList": OpenAPIPart.listSchema(of: "SequenceSummary"),
        "SequenceDetail": OpenAPIPart.objectSchema(
            [
                "id": ["type": "string"], "name": ["type": "string"],
                "steps": ["type": "array", "items": OpenAPIPart.ref("SequenceStep"), "description": "The step definitions."],
                "status": OpenAPIPart.enumSchema(SequenceStatus.self, description: "A paused sequence runs no step."),
                "enrolled": OpenAPIPart.countSchema("Leads ever enrolled."), "active": OpenAPIPart.countSchema("Enrollments with steps to run."),
                "completed": OpenAPIPart.countSchema("Enrollments that ran or skipped every step."),
                "ended": OpenAPIPart.countSchema("Enrollments stopped by the pre-flight or an opt-out."),
                "removed": OpenAPIPart.countSchema("Enrollments removed by the account."),
                "conversion_rate": OpenAPIPart.ratioSchema("Enrollments whose lead reached converted after enrolling, over enrolled."),
                "created_at": OpenAPIPart.timestampSchema, "updated_at": OpenAPIPart.timestampSchema,
            ], description: "A sequence in full: steps is the array of step definitions."
        ),
        "EnrollmentCreate": ["type": "object", "required": ["lead_id"], "properties": ["lead_id": ["type": "string"]]],
        "Enrollment": OpenAPIPart.objectSchema([
            "enrollment_id": ["type": "string"], "sequence_id": ["type": "string"], "lead_id": ["type": "string"],
            "status": OpenAPIPart.enumSchema(EnrollmentStatus.self, description: "Where the enrollment is."),
            "next_step_at": ["type": ["string", "null"], "format": "date-time", "description": "When the first step will run, calling windows considered."],
        ]),
        "SequenceStatusAnswer": OpenAPIPart.objectSchema([
            "id": ["type": "string"], "status": OpenAPIPart.enumSchema(SequenceStatus.self, description: "The sequence's state now."),
        ]),
        "EnrollmentRemoved": OpenAPIPart.objectSchema([
            "removed": ["type": "boolean", "const": true], "lead_id": ["type": "string"], "enrollment_id": ["type": "string"],
        ]),
        "LeadOutreach": OpenAPIPart.objectSchema([
            "enrollments": [
                "type": "array", "description": "The lead's enrollments, oldest first.",
                "items": OpenAPIPart.objectSchema([
                    "enrollment_id": ["type": "string"], "sequence_id": ["type": "string"],
                    "status": OpenAPIPart.enumSchema(EnrollmentStatus.self, description: "Where the enrollment is."),
                    "next_step": ["type": "integer", "description": "The next step's position, from 1."],
                    "next_step_at": ["type": ["string", "null"], "format": "date-time"], "enrolled_at": OpenAPIPart.timestampSchema,
                    "end_reason": ["type": ["string", "null"], "enum": .array(EnrollmentEndReason.allCases.map { .string($0.rawValue) } + [.null])],
                    "ended_at": ["type": ["string", "null"], "format": "date-time"],
                ]),
            ],
            "attempts": [
                "type": "array", "description": "Every outreach attempt, oldest first.",
                "items": OpenAPIPart.objectSchema([
                    "id": ["type": "string"], "enrollment_id": ["type": "string"], "sequence_id": ["type": "string"],
                    "step": ["type": "integer"], "channel": OpenAPIPart.enumSchema(OutreachChannel.self, description: "The step's channel."),
                    "outcome": OpenAPIPart.enumSchema(AttemptOutcome.self, description: "What became of the attempt."),
                    "reason": ["type": ["string", "null"]], "provider_id": ["type": ["string", "null"]], "at": OpenAPIPart.timestampSchema,
                    "deferred_until": ["type": ["string", "null"], "format": "date-time"],
                ]),
            ],
        ]),
    ]
}
