import Foundation

/// A tenant's stored outreach text, named by sequence steps (`template_id`). Its id is the
/// tenant's to choose (`tpl_welcome`), unique within the tenant.
public struct MessageTemplate: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var name: String
    public var channel: OutreachChannel
    /// An email's subject line; nil for sms and call.
    public var subject: String?
    public var body: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, name: String, channel: OutreachChannel, subject: String?, body: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.channel = channel
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var stepTemplate: StepTemplate { StepTemplate(channel: self.channel, subject: self.subject, body: self.body) }
}

/// A template as a create request gives it, each field as sent.
public struct MessageTemplateDraft: Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var channel: String?
    public var subject: String?
    public var body: String?

    public init(id: String? = nil, name: String?, channel: String?, subject: String? = nil, body: String?) {
        self.id = id
        self.name = name
        self.channel = channel
        self.subject = subject
        self.body = body
    }
}

/// A partial update: fields left out stay as they are; `subject: null` clears it.
public struct MessageTemplateChanges: Sendable {
    public var name: FieldUpdate<String> = .unchanged
    public var channel: FieldUpdate<String> = .unchanged
    public var subject: FieldUpdate<String?> = .unchanged
    public var body: FieldUpdate<String> = .unchanged

    public init() {}
}
