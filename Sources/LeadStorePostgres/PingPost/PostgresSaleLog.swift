import LeadEngine
import PostgresNIO

/// The sale log in PostgreSQL: no log at all. `append` commits the whole sale, exactly as
/// `PostgresSaleRepository.commit` does, and numbers it; there is never anything to fold.
///
/// SQLite defers the tables because it has one writer, whose fsyncs every post waits for: a
/// compact log row is cheaper to commit, and the rows follow behind the answer. Here several
/// nodes share the store, and the checks that make a sale valid (the prepaid balance, the credit
/// limit, one sale per ping and buyer, an inbound lead still for sale) hold only when they are
/// made by the database at the commit a seller is answered from: a sale refused later, at a fold,
/// would already have been acknowledged, and another node could have sold against the money it
/// spent. So a sale the tables refuse makes `append` throw, and the post is refused; nothing is
/// kept aside. The deferral is not needed for throughput either: PostgreSQL's own group commit
/// lets concurrent commits share one WAL flush.
///
/// Positions come from the `sale_log` identity's sequence (no row is written): unique and growing
/// across nodes, though two nodes' commits may land in the other order. A rolled-back sale uses a
/// number up, so positions have gaps.
public struct PostgresSaleLog: SaleLog {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func append(_ sale: SaleRecord) async throws -> Int64 {
        try await self.store.write { connection in
            try await PostgresSaleRepository.insert(sale, on: connection, logger: self.store.logger)
            let rows = try await connection.query(
                "SELECT nextval(pg_get_serial_sequence('sale_log', 'position'))", logger: self.store.logger
            )
            for try await position in rows.decode(Int64.self) { return position }
            throw PostgresCorruptRow(table: "sale_log", column: "position", value: "no value from its sequence")
        }
    }

    /// Nothing is ever logged: every sale is in the tables once `append` returns.
    public func materialise(limit: Int) async throws -> SaleLogFold {
        SaleLogFold(materialised: 0, through: nil)
    }

    public func backlog() async throws -> Int {
        0
    }
}
