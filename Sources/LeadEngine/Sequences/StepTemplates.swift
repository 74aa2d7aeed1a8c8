/// A stored template as a step sees it.
public struct StepTemplate: Sendable, Equatable {
    public var channel: OutreachChannel
    public var subject: String?
    public var body: String

    public init(channel: OutreachChannel, subject: String?, body: String) {
        self.channel = channel
        self.subject = subject
        self.body = body
    }
}

/// Where steps' texts come from: the tenant's stored templates, checked when a sequence is made
/// (so a bad variable is a 422 then, never a surprise at send time) and rendered for each lead.
public protocol StepTemplates: Sendable {
    /// The tenant's template by id; nil when it has none.
    func template(id: String, tenantID: String) async throws -> StepTemplate?
    /// Throws a `ValidationError` naming `field` when `text` does not parse or names a variable a lead does not have.
    func check(_ text: String, field: String) throws
    func render(_ text: String, lead: Lead) -> String
}
