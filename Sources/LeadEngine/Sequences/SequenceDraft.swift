/// A step as a create request gives it, each field as sent (nil when absent).
public struct SequenceStepDraft: Sendable, Equatable {
    public var channel: String?
    public var delayMinutes: Int?
    public var template: String?
    public var templateID: String?
    public var subject: String?

    public init(channel: String?, delayMinutes: Int?, template: String? = nil, templateID: String? = nil, subject: String? = nil) {
        self.channel = channel
        self.delayMinutes = delayMinutes
        self.template = template
        self.templateID = templateID
        self.subject = subject
    }
}

/// A sequence as a create request gives it.
public struct SequenceDraft: Sendable, Equatable {
    public var name: String?
    public var steps: [SequenceStepDraft]?
    /// The address email steps come from; its domain must be one of the tenant's verified domains.
    public var fromEmail: String?

    public init(name: String?, steps: [SequenceStepDraft]?, fromEmail: String? = nil) {
        self.name = name
        self.steps = steps
        self.fromEmail = fromEmail
    }
}

/// The rules a sequence's fields follow, apart from the templates it names (checked against the store).
public enum SequenceRules {
    public static let maxSteps = 50
    public static let maxNameLength = 200
    /// A year: a follow-up further out is a new campaign, not a step.
    public static let maxDelayMinutes = 525_600
    public static let maxTextLength: [OutreachChannel: Int] = [.sms: 1_600, .email: 100_000, .call: 10_000]
    public static let maxSubjectLength = 998

    /// The steps, checked; every bad field is named (`steps[1].delay_minutes`).
    public static func steps(from draft: SequenceDraft, errors: inout FieldErrors) -> [SequenceStep] {
        let name = draft.name?.trimmingWhitespace() ?? ""
        if draft.name == nil {
            errors.add("name", "is required")
        } else if name.isEmpty || name.count > Self.maxNameLength {
            errors.add("name", "must be 1 to \(Self.maxNameLength) characters")
        } else {
            FieldRules.displayable(name, field: "name", into: &errors)
        }
        guard let drafts = draft.steps else {
            errors.add("steps", "is required")
            return []
        }
        if drafts.isEmpty || drafts.count > Self.maxSteps { errors.add("steps", "must hold 1 to \(Self.maxSteps) steps") }
        var steps: [SequenceStep] = []
        for (index, step) in drafts.enumerated() {
            let field = "steps[\(index)]."
            guard let channelName = step.channel else {
                errors.add(field + "channel", "is required")
                continue
            }
            guard let channel = OutreachChannel(rawValue: channelName) else {
                errors.add(field + "channel", "must be one of sms, email, call")
                continue
            }
            if let delay = step.delayMinutes {
                if !(0...Self.maxDelayMinutes).contains(delay) { errors.add(field + "delay_minutes", "must be from 0 to \(Self.maxDelayMinutes)") }
            } else {
                errors.add(field + "delay_minutes", "is required")
            }
            switch (step.template, step.templateID) {
            case (.some, .some):
                errors.add(field + "template_id", "give template or template_id, not both")
            case (nil, nil) where channel != .call:
                errors.add(field + "template", "is required for a \(channel.rawValue) step (inline text, or template_id)")
            case (.some(let text), nil):
                let limit = Self.maxTextLength[channel] ?? 1_600
                if text.isEmpty || text.count > limit { errors.add(field + "template", "must be 1 to \(limit) characters") }
            case (nil, .some(let id)):
                if !Self.isTemplateID(id) { errors.add(field + "template_id", "must be tpl_ and 1 to 60 of a-z, 0-9, _") }
            default:
                break
            }
            if let subject = step.subject {
                if channel != .email {
                    errors.add(field + "subject", "is for email steps only")
                } else if subject.isEmpty || subject.count > Self.maxSubjectLength {
                    errors.add(field + "subject", "must be 1 to \(Self.maxSubjectLength) characters")
                }
            }
            steps.append(
                SequenceStep(
                    channel: channel, delayMinutes: step.delayMinutes ?? 0, template: step.template, templateID: step.templateID, subject: step.subject
                )
            )
        }
        return steps
    }

    /// Every rule the draft breaks on its own, before any template is looked up.
    public static func problems(in draft: SequenceDraft) -> [FieldError] {
        var errors = FieldErrors()
        _ = Self.steps(from: draft, errors: &errors)
        return errors.all
    }

    /// `tpl_` and 1 to 60 of a-z, 0-9 and `_`, as the spec's `tpl_welcome`.
    public static func isTemplateID(_ id: String) -> Bool {
        let rest = id.utf8.dropFirst(4)
        return id.hasPrefix("tpl_") && (1...60).contains(rest.count)
            && rest.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
