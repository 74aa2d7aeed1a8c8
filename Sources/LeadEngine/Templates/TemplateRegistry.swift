/// The template use cases (create, read, list, change, delete), and the templates as sequence
/// steps see them: checked when a sequence is made, rendered for each lead at send time.
public struct TemplateRegistry: StepTemplates {
    let repository: any TemplateRepository
    let sequences: any SequenceRepository
    let clock: any EngineClock
    let identifiers: any IdentifierSource

    public init(
        repository: any TemplateRepository, sequences: any SequenceRepository, clock: any EngineClock,
        identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        self.repository = repository
        self.sequences = sequences
        self.clock = clock
        self.identifiers = identifiers
    }

    public func create(_ draft: MessageTemplateDraft, tenantID: String) async throws -> MessageTemplate {
        let id = draft.id ?? self.identifiers.make(.template)
        let template = try TemplateRules.make(from: draft, id: id, tenantID: tenantID, now: self.clock.now())
        guard try await self.repository.insert(template) else {
            throw ConflictError(code: "template_exists", detail: "A template \(id) already exists in this account; choose another id or PATCH it.")
        }
        return template
    }

    /// The tenant's template; a 404 when it has none.
    public func existing(id: String, tenantID: String) async throws -> MessageTemplate {
        guard let template = try await self.repository.template(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "template", id: id) }
        return template
    }

    public func list(tenantID: String, page: PageRequest) async throws -> Page<MessageTemplate> {
        try await self.repository.templates(tenantID: tenantID, page: page)
    }

    /// A change that would break a sequence using the template (another channel, a variable a lead
    /// lacks) is a 409 naming the sequences; any other bad field a 422.
    public func update(id: String, tenantID: String, changes: MessageTemplateChanges) async throws -> MessageTemplate {
        var template = try await self.existing(id: id, tenantID: tenantID)
        let current = template
        template.name = changes.name.applied(to: template.name).trimmingWhitespace()
        template.channel = try TemplateRules.channel(changes.channel) ?? template.channel
        template.subject = changes.subject.applied(to: template.subject)
        template.body = changes.body.applied(to: template.body)
        template.updatedAt = self.clock.now()
        let breaksSteps = template.channel != current.channel || Self.hasUnknownVariables(template)
        if breaksSteps {
            let users = try await self.sequences.sequences(usingTemplate: id, tenantID: tenantID)
            if !users.isEmpty {
                throw ConflictError(
                    code: "template_in_use",
                    detail: "Template \(id) is used by \(users.joined(separator: ", ")); a change of channel or an unknown variable would break their steps.",
                    related: ["sequences": users]
                )
            }
        }
        try TemplateRules.validate(template)
        guard try await self.repository.replace(template) else { throw NotFoundError(entity: "template", id: id) }
        return template
    }

    public func delete(id: String, tenantID: String) async throws -> MessageTemplate {
        switch try await self.repository.delete(id: id, tenantID: tenantID) {
        case .removed(let template):
            return template
        case .notFound:
            throw NotFoundError(entity: "template", id: id)
        case .inUse(let users):
            throw ConflictError(
                code: "template_in_use", detail: "Template \(id) is used by \(users.joined(separator: ", ")); change or delete their steps first.",
                related: ["sequences": users]
            )
        }
    }

    static func hasUnknownVariables(_ template: MessageTemplate) -> Bool {
        TemplateText.variables(of: template).contains { !TemplateText.variables.contains($0) }
    }

    // MARK: StepTemplates

    public func template(id: String, tenantID: String) async throws -> StepTemplate? {
        try await self.repository.template(id: id, tenantID: tenantID)?.stepTemplate
    }

    public func check(_ text: String, field: String) throws {
        try TemplateText.check(text, field: field)
    }

    public func render(_ text: String, lead: Lead) -> String {
        TemplateText.render(text, lead: lead)
    }
}
