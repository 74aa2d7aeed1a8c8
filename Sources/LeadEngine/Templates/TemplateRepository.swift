/// What deleting a template did.
public enum TemplateRemoval: Sendable, Equatable {
    case removed(MessageTemplate)
    case notFound
    /// Nothing was deleted: these sequences of the tenant name it.
    case inUse(sequenceIDs: [String])
}

/// Storage of the tenants' templates, keyed by tenant and id.
public protocol TemplateRepository: Sendable {
    /// Stores a new template; false, and nothing written, when the tenant has one with its id.
    func insert(_ template: MessageTemplate) async throws -> Bool
    func template(id: String, tenantID: String) async throws -> MessageTemplate?
    func templates(tenantID: String, page: PageRequest) async throws -> Page<MessageTemplate>
    /// Writes every field of an existing template; false when it is gone.
    func replace(_ template: MessageTemplate) async throws -> Bool
    /// Deletes the template unless a sequence of the tenant names it, checked in the same transaction.
    func delete(id: String, tenantID: String) async throws -> TemplateRemoval
}
