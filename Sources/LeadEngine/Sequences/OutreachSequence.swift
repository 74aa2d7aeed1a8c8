import Foundation

/// A sequence's state: a paused one runs no step until resumed.
public enum SequenceStatus: String, Sendable, CaseIterable {
    case active
    case paused
}

/// One step of a sequence: a touch on a channel, `delayMinutes` after the previous step ran (after
/// enrollment for the first), with its text inline or from a stored template.
public struct SequenceStep: Sendable, Equatable {
    public var channel: OutreachChannel
    public var delayMinutes: Int
    /// Inline text (for a call, the agent's script); nil when `templateID` names the text, or for a call without a script.
    public var template: String?
    public var templateID: String?
    /// An inline email step's subject.
    public var subject: String?

    public init(channel: OutreachChannel, delayMinutes: Int, template: String? = nil, templateID: String? = nil, subject: String? = nil) {
        self.channel = channel
        self.delayMinutes = delayMinutes
        self.template = template
        self.templateID = templateID
        self.subject = subject
    }

    public var delayMilliseconds: Int64 { Int64(self.delayMinutes) * 60_000 }
}

/// A multi-step outreach sequence: texts, emails and calls a lead receives after enrolling.
public struct OutreachSequence: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var steps: [SequenceStep]
    public var status: SequenceStatus
    public var createdAt: Date
    public var updatedAt: Date
    /// The address its emails come from; nil sends from `outreach@` the tenant's most recently verified domain.
    public var fromEmail: String?

    public init(
        id: String, tenantID: String, name: String, steps: [SequenceStep], status: SequenceStatus, createdAt: Date, updatedAt: Date,
        fromEmail: String? = nil
    ) {
        self.fromEmail = fromEmail
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.steps = steps
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The channels its steps use, each once.
    public var channels: Set<OutreachChannel> { Set(self.steps.map(\.channel)) }
}

/// How many leads a sequence has enrolled and where they are.
public struct SequenceCounts: Sendable, Equatable {
    public var enrolled: Int
    public var active: Int
    /// Ran or skipped every step.
    public var completed: Int
    /// Ended early by the pre-flight or an opt-out.
    public var ended: Int
    public var removed: Int
    /// Enrollments whose lead reached `converted` after enrolling.
    public var converted: Int

    public init(enrolled: Int = 0, active: Int = 0, completed: Int = 0, ended: Int = 0, removed: Int = 0, converted: Int = 0) {
        self.enrolled = enrolled
        self.active = active
        self.completed = completed
        self.ended = ended
        self.removed = removed
        self.converted = converted
    }

    public static let none = SequenceCounts()

    /// Conversions per enrollment, 0 with none enrolled; four decimals.
    public var conversionRate: Double {
        guard self.enrolled > 0 else { return 0 }
        return (Double(self.converted) / Double(self.enrolled) * 10_000).rounded() / 10_000
    }
}
