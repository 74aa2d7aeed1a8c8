import Foundation

/// The rules a template follows, checked on the whole template (new, or as an update leaves it).
public enum TemplateRules {
    public static let maxNameLength = 200

    /// A new template from a draft; every bad field is named.
    static func make(from draft: MessageTemplateDraft, id: String, tenantID: String, now: Date) throws(ValidationError) -> MessageTemplate {
        var errors = FieldErrors()
        errors.merge(Self.problems(in: draft))
        try errors.throwIfAny()
        let template = MessageTemplate(
            id: id, tenantID: tenantID, name: draft.name?.trimmingWhitespace() ?? "", channel: OutreachChannel(rawValue: draft.channel ?? "") ?? .sms,
            subject: draft.subject, body: draft.body ?? "", createdAt: now, updatedAt: now
        )
        try Self.validate(template)
        return template
    }

    /// What a create request leaves out or gets wrong on its own, before any text is parsed.
    public static func problems(in draft: MessageTemplateDraft) -> [FieldError] {
        var errors = FieldErrors()
        if let id = draft.id, !SequenceRules.isTemplateID(id) { errors.add("id", "must be tpl_ and 1 to 60 of a-z, 0-9, _") }
        if draft.name == nil { errors.add("name", "is required") }
        if draft.body == nil { errors.add("body", "is required") }
        if let channel = draft.channel {
            if OutreachChannel(rawValue: channel) == nil { errors.add("channel", "must be one of sms, email, call") }
        } else {
            errors.add("channel", "is required")
        }
        return errors.all
    }

    /// The channel a change names, or a 422 naming it.
    static func channel(_ update: FieldUpdate<String>) throws(ValidationError) -> OutreachChannel? {
        guard let name = update.newValue else { return nil }
        guard let channel = OutreachChannel(rawValue: name) else { throw ValidationError(field: "channel", message: "must be one of sms, email, call") }
        return channel
    }

    /// Lengths by channel, an email's subject, and the Mustache of both texts.
    static func validate(_ template: MessageTemplate) throws(ValidationError) {
        var errors = FieldErrors()
        let name = template.name.trimmingWhitespace()
        if name.isEmpty || name.count > Self.maxNameLength {
            errors.add("name", "must be 1 to \(Self.maxNameLength) characters")
        } else {
            FieldRules.displayable(name, field: "name", into: &errors)
        }
        let limit = SequenceRules.maxTextLength[template.channel] ?? 1_600
        if template.body.isEmpty || template.body.count > limit {
            errors.add("body", "must be 1 to \(limit) characters for \(template.channel.rawValue)")
        } else {
            do { try TemplateText.check(template.body, field: "body") } catch { errors.merge(error.fields) }
        }
        switch (template.channel, template.subject) {
        case (.email, nil):
            errors.add("subject", "is required for an email template")
        case (.email, .some(let subject)):
            if subject.isEmpty || subject.count > SequenceRules.maxSubjectLength || subject.contains(where: \.isNewline) {
                errors.add("subject", "must be 1 to \(SequenceRules.maxSubjectLength) characters on one line")
            } else {
                do { try TemplateText.check(subject, field: "subject") } catch { errors.merge(error.fields) }
            }
        case (_, .some):
            errors.add("subject", "is for email templates only")
        case (_, nil):
            break
        }
        try errors.throwIfAny()
    }
}
