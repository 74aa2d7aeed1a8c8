import LeadEngine

/// The OpenAPI description of `/api/v1/templates`, next to `TemplateRoutes` so the two change together.
extension TemplateRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/templates": ["post": createOperation, "get": listOperation],
            "/api/v1/templates/{id}": ["parameters": [idParameter], "get": showOperation, "patch": updateOperation, "delete": deleteOperation],
        ],
        schemas: schemas
    )

    private static let tag = "Templates"
    private static let idParameter = OpenAPIPart.idParameter(entity: "template", example: "tpl_welcome")

    static let textRules = """
        Texts are mustache over the lead's \(TemplateText.variables.joined(separator: ", ")), rendered as plain text \
        (never HTML-escaped). Sections ({{#last_name}}…{{/last_name}}, {{^…}}) treat a field the lead lacks as false; \
        the transforms uppercased(), lowercased() and capitalized() apply to a variable. Any other variable, a partial, \
        a block, a pragma or changed delimiters is a 422 naming the field: a template is checked when saved, never at \
        send time.
        """

    private static let inUseAnswer = OpenAPIPart.problemAnswer(
        "template_in_use: sequences name the template (listed in sequences); change or delete their steps first.", codes: ["template_in_use"]
    )

    private static let createOperation = OpenAPIPart.keyedOperation(
        id: "createTemplate", tag: tag, summary: "Create a template",
        description: """
            Stores a text that sequence steps of the same channel name by template_id. The id is yours to choose \
            (tpl_ and 1 to 60 of a-z, 0-9, _; generated when left out). An email template needs a subject; sms and \
            call templates have none. \(textRules)

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "TemplateCreate", description: "The template."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The template as stored.", schema: OpenAPIPart.ref("Template"),
                headers: [
                    "Location": OpenAPIPart.header("The new template's URL. Absent on a replay.", type: "string"),
                    "Idempotent-Replayed": OpenAPIPart.replayedHeader,
                ]
            ),
            "409": OpenAPIPart.problemAnswer("template_exists: the account has a template with this id.", codes: ["template_exists"]),
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .tooLarge, .rateLimited]
    )

    private static let listOperation = OpenAPIPart.keyedOperation(
        id: "listTemplates", tag: tag, summary: "List templates",
        description: "The account's templates, newest first, a page at a time.",
        parameters: OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of templates.", schema: OpenAPIPart.ref("TemplateList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let showOperation = OpenAPIPart.keyedOperation(
        id: "getTemplate", tag: tag, summary: "Get a template",
        description: "The template with the variables it uses.",
        responses: ["200": OpenAPIPart.jsonAnswer("The template.", schema: OpenAPIPart.ref("Template"))],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let updateOperation = OpenAPIPart.keyedOperation(
        id: "updateTemplate", tag: tag, summary: "Change a template",
        description: """
            Changes the fields given; subject: null clears it. Steps that name the template send the new text from \
            their next run. While a sequence names the template, a change of channel or a variable a lead does not \
            have is a 409 template_in_use. \(textRules)
            """,
        requestBody: OpenAPIPart.jsonBody(schema: "TemplateUpdate", description: "The fields to change."),
        responses: ["200": OpenAPIPart.jsonAnswer("The template as changed.", schema: OpenAPIPart.ref("Template")), "409": inUseAnswer],
        errors: [.badRequest, .unauthorized, .forbidden, .notFound, .tooLarge, .invalid, .rateLimited]
    )

    private static let deleteOperation = OpenAPIPart.keyedOperation(
        id: "deleteTemplate", tag: tag, summary: "Delete a template",
        description: "Deletes a template no sequence names; a second DELETE is a 404.",
        responses: ["200": OpenAPIPart.jsonAnswer("The deletion.", schema: OpenAPIPart.ref("TemplateDeleted")), "409": inUseAnswer],
        errors: [.unauthorized, .forbidden, .notFound, .rateLimited]
    )

    private static let bodySchema: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": .integer(Int64(SequenceRules.maxTextLength[.email] ?? 100_000)),
        "description": "The text (mustache). At most 1,600 characters for sms, 10,000 for call, 100,000 for email.",
    ]
    private static let subjectSchema: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": .integer(Int64(SequenceRules.maxSubjectLength)),
        "description": "An email template's subject line (mustache); required for email, refused for sms and call.",
    ]

    private static let schemas: [String: JSONValue] = [
        "TemplateCreate": [
            "type": "object", "required": ["name", "channel", "body"],
            "properties": [
                "id": ["type": "string", "pattern": "^tpl_[a-z0-9_]{1,60}$", "description": "Your id for it; generated when left out."],
                "name": OpenAPIPart.nameSchema,
                "channel": OpenAPIPart.enumSchema(OutreachChannel.self, description: "The steps that may name it."),
                "subject": subjectSchema, "body": bodySchema,
            ],
        ],
        "TemplateUpdate": [
            "type": "object",
            "properties": [
                "name": OpenAPIPart.nameSchema,
                "channel": OpenAPIPart.enumSchema(OutreachChannel.self, description: "The steps that may name it."),
                "subject": ["type": ["string", "null"], "maxLength": .integer(Int64(SequenceRules.maxSubjectLength)), "description": "null clears it."],
                "body": bodySchema,
            ],
        ],
        "Template": OpenAPIPart.objectSchema([
            "id": ["type": "string"], "name": ["type": "string"],
            "channel": OpenAPIPart.enumSchema(OutreachChannel.self, description: "The steps that may name it."),
            "subject": ["type": ["string", "null"]], "body": ["type": "string"],
            "variables": ["type": "array", "items": ["type": "string"], "description": "The lead fields the subject and body use."],
            "created_at": OpenAPIPart.timestampSchema, "updated_at": OpenAPIPart.timestampSchema,
        ]),
        "TemplateList": OpenAPIPart.listSchema(of: "Template"),
        "TemplateDeleted": OpenAPIPart.objectSchema(["deleted": ["type": "boolean", "const": true], "id": ["type": "string"]]),
    ]
}
