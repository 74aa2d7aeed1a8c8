/// The durable record of sales a post commits before it answers: one compact entry per sale,
/// group-committed, instead of the dozens of rows and index entries a sale finally fills. Those are
/// filled from the log behind the answer (`SaleMaterialiser`), each entry in the same transaction
/// that removes it from the log, so a crash at any point leaves every sale either still logged or
/// in the tables, never both and never neither.
public protocol SaleLog: Sendable {
    /// Commits the sale durably; returns its position, higher than every position before it.
    func append(_ sale: SaleRecord) async throws -> Int64
    /// Fills the tables from up to `limit` logged sales, oldest first, and removes them from the log.
    func materialise(limit: Int) async throws -> SaleLogFold
    /// How many sales are logged and not yet in the tables.
    func backlog() async throws -> Int
}

/// What one pass of `SaleLog.materialise` did.
public struct SaleLogFold: Sendable, Equatable {
    /// Sales now in the tables.
    public var materialised: Int
    /// Sales the tables refused (a broken invariant, which the engine's checks before the commit
    /// should make impossible): kept aside with the reason, never dropped, and logged.
    public var refused: [RefusedSale]
    /// The highest position taken out of the log; nil when the log was empty.
    public var through: Int64?

    public init(materialised: Int, refused: [RefusedSale] = [], through: Int64?) {
        self.materialised = materialised
        self.refused = refused
        self.through = through
    }

    /// Entries taken out of the log.
    public var count: Int { self.materialised + self.refused.count }
}

public struct RefusedSale: Sendable, Equatable {
    public var position: Int64
    public var leadID: String?
    public var reason: String

    public init(position: Int64, leadID: String?, reason: String) {
        self.position = position
        self.leadID = leadID
        self.reason = reason
    }
}
