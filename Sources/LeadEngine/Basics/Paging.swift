/// A page request as the API takes it: 1-based `page`, `per_page` at most 100.
public struct PageRequest: Sendable, Equatable {
    public static let maxPerPage = 100
    public static let defaultPerPage = 25
    /// A hundred million rows deep at most: far past any real listing, and the offset can never overflow.
    public static let maxPage = 1_000_000

    public var page: Int
    public var perPage: Int

    public init(page: Int = 1, perPage: Int = PageRequest.defaultPerPage) {
        self.page = page
        self.perPage = perPage
    }

    public var offset: Int { (self.page - 1) * self.perPage }

    /// Checks the bounds; the API reports a bad value as a field error.
    public static func validated(page: Int?, perPage: Int?) throws(ValidationError) -> PageRequest {
        var errors = FieldErrors()
        let page = page ?? 1
        let perPage = perPage ?? Self.defaultPerPage
        if page < 1 || page > Self.maxPage { errors.add("page", "must be between 1 and \(Self.maxPage)") }
        if perPage < 1 || perPage > Self.maxPerPage { errors.add("per_page", "must be between 1 and \(Self.maxPerPage)") }
        try errors.throwIfAny()
        return PageRequest(page: page, perPage: perPage)
    }
}

public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public func map<T: Sendable>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try self.items.map(transform), total: self.total, request: self.request)
    }
}
