import GRDB
import LeadEngine
import Testing

@testable import LeadStore

/// The look-ups of every accept, return and refund, and the reports' sums, go through an index:
/// none reads the whole `sales` or `ledger_entries` table, which grow with every sale.
@Suite("Query plans: sales and ledger look-ups search an index")
struct QueryPlanTests {
    /// The statements as the store runs them (LedgerRows.charge, LeadRows.update, the sales figures).
    static let statements: [(name: String, sql: String, arguments: StatementArguments)] = [
        ("a lead's charge", "SELECT * FROM ledger_entries WHERE lead_id = ? AND kind = 'charge' ORDER BY created_at LIMIT 1", ["lead_1"]),
        ("a lead's sale, on accept and return", "UPDATE sales SET status = ? WHERE lead_id = ? AND status = 'delivered'", ["accepted", "lead_1"]),
        (
            "a month's sales", "SELECT '' AS scope, count(*), total(s.price_cents) FROM sales s WHERE s.tenant_id = ? AND s.sold_at >= ? AND s.sold_at < ?",
            ["ten_1", 0, 1]
        ),
        (
            "a month's refunds",
            "SELECT '' AS scope, sum(e.amount_cents) FROM ledger_entries e WHERE e.tenant_id = ? AND e.kind = 'refund' AND e.buyer_id IS NOT NULL AND e.created_at >= ? AND e.created_at < ?",
            ["ten_1", 0, 1]
        ),
        (
            "refunds by campaign",
            """
            SELECT s.campaign_id AS scope, sum(e.amount_cents) FROM ledger_entries e JOIN sales s ON s.lead_id = e.lead_id AND s.buyer_id = e.buyer_id
            WHERE e.tenant_id = ? AND e.kind = 'refund' AND e.buyer_id IS NOT NULL AND s.campaign_id IS NOT NULL GROUP BY scope
            """,
            ["ten_1"]
        ),
        (
            "an export's next batch", "SELECT * FROM leads WHERE tenant_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?",
            ["ten_1", 0, "lead", 1000]
        ),
        (
            "a ledger export's next batch",
            "SELECT * FROM ledger_entries WHERE tenant_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?", ["ten_1", 0, "txn", 1000]
        ),
        ("sales by buyer", "SELECT s.buyer_id AS scope, count(*) FROM sales s WHERE s.tenant_id = ? AND s.buyer_id IN (?, ?) GROUP BY scope", ["ten_1", "b1", "b2"]),
    ]

    @Test("no statement scans a table; an export batch is read in index order", arguments: statements.map(\.name))
    func searched(name: String) async throws {
        let statement = try #require(Self.statements.first { $0.name == name })
        try await withTemporaryDatabase { database in
            let plan = try await database.writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments).map { $0["detail"] as String }
            }
            #expect(!plan.isEmpty)
            // An export reads its batch in index order; a sort would read the whole rest of the tenant's rows.
            if name.contains("export") { #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(name): sorted, not read in order: \(plan)") }
            for line in plan {
                #expect(!line.hasPrefix("SCAN"), "\(name): \(line)")
            }
        }
    }
}
