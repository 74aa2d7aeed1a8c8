/// One invalid field of a request, named as the API names it.
public struct FieldError: Sendable, Equatable, Hashable {
    public var field: String
    public var message: String
    /// A stable reason, where a client may want to act on it (`address_not_allowed`).
    public var code: String?

    public init(field: String, message: String, code: String? = nil) {
        self.field = field
        self.message = message
        self.code = code
    }

    public init(field: String, refusal: TargetRefusal) {
        self.init(field: field, message: refusal.detail, code: refusal.reason.rawValue)
    }
}

/// Input that is well formed but breaks the rules; every offending field is listed.
public struct ValidationError: Error, Sendable, Equatable {
    public var fields: [FieldError]

    public init(_ fields: [FieldError]) {
        self.fields = fields
    }

    public init(field: String, message: String) {
        self.fields = [FieldError(field: field, message: message)]
    }
}

/// The object does not exist for this tenant. Another tenant's object is reported the same way.
public struct NotFoundError: Error, Sendable, Equatable {
    public var entity: String
    public var id: String

    public init(entity: String, id: String) {
        self.entity = entity
        self.id = id
    }
}

/// The request is valid but the object's state forbids it.
public struct ConflictError: Error, Sendable, Equatable {
    public var code: String
    public var detail: String
    /// Each reason on its own, for a client to act on (`not_contactable`'s per-channel refusals).
    public var reasons: [String]
    /// The objects in the way, by kind (`template_in_use`'s `sequences`), for a client to follow.
    public var related: [String: [String]]

    public init(code: String, detail: String, reasons: [String] = [], related: [String: [String]] = [:]) {
        self.code = code
        self.detail = detail
        self.reasons = reasons
        self.related = related
    }
}

/// Collects field errors so that one answer names every bad field, not just the first.
public struct FieldErrors: Sendable {
    public private(set) var all: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ message: String) {
        self.all.append(FieldError(field: field, message: message))
    }

    public mutating func add(_ error: FieldError) {
        self.all.append(error)
    }

    public mutating func merge(_ other: [FieldError]) {
        self.all.append(contentsOf: other)
    }

    public var isEmpty: Bool { self.all.isEmpty }

    public func throwIfAny() throws(ValidationError) {
        if !self.all.isEmpty { throw ValidationError(self.all) }
    }
}
