import Foundation
import GRDB
import LeadEngine
import Testing

@testable import LeadStore

/// The day counts the reports read (`lead_days`, `sale_days`, `sold_lead_days`) are kept by
/// triggers; here they are held to what counting the rows themselves gives, after the migration
/// fills them from an older database and after every kind of write.
@Suite("Daily report counts: kept by triggers, always what the rows say")
struct DailyReportCountsTests {
    static let day: Int64 = 86_400_000
    /// 2026-04-30T00:00:00Z: the last day of April, so sales either side of midnight change month.
    static let lastOfApril: Int64 = 1_777_507_200_000

    /// What the day counts must hold, counted from the rows.
    static let expected = [
        "SELECT tenant_id, created_at / 86400000, status, count(*) FROM leads GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        "SELECT tenant_id, sold_at / 86400000, status, count(*), sum(price_cents) FROM sales GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        """
        SELECT tenant_id, sold_at / 86400000, count(DISTINCT lead_id) FROM sales WHERE lead_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
        """,
        """
        SELECT tenant_id, strftime('%Y-%m', sold_at / 1000, 'unixepoch'), count(DISTINCT lead_id) FROM sales WHERE lead_id IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
    ]
    static let kept = [
        "SELECT tenant_id, day, status, leads FROM lead_days WHERE leads <> 0 ORDER BY 1, 2, 3",
        "SELECT tenant_id, day, status, sales, price_cents FROM sale_days WHERE sales <> 0 ORDER BY 1, 2, 3",
        "SELECT tenant_id, day, first_of_day FROM sold_lead_days WHERE first_of_day <> 0 ORDER BY 1, 2",
        """
        SELECT tenant_id, strftime('%Y-%m', day * 86400, 'unixepoch'), sum(first_of_month) FROM sold_lead_days GROUP BY 1, 2
        HAVING sum(first_of_month) <> 0 ORDER BY 1, 2
        """,
    ]

    static func expectCountsMatchRows(_ pool: DatabasePool, _ moment: String) async throws {
        try await pool.read { db in
            for (expected, kept) in zip(Self.expected, Self.kept) {
                let rows = try Row.fetchAll(db, sql: expected).map { Array($0.databaseValues.map(\.description)) }
                let counts = try Row.fetchAll(db, sql: kept).map { Array($0.databaseValues.map(\.description)) }
                #expect(rows == counts, "\(moment): \(kept)")
                #expect(!rows.isEmpty, "\(moment): something to count")
            }
        }
    }

    static func lead(_ db: Database, _ id: String, tenant: String = "ten_1", status: String = "qualified", at: Int64) throws {
        try db.execute(
            sql: """
                INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status, origin,
                    created_at, updated_at)
                VALUES (?, ?, 'legal_pi', 'web', 'Jane', 'Doe', 'jane@example.com', '+17025550100', 'NV', '89101', ?, 'inbound', ?, ?)
                """,
            arguments: [id, tenant, status, at, at]
        )
    }

    static func sale(_ db: Database, _ id: String, lead: String?, tenant: String = "ten_1", status: String = "delivered", price: Int64, at: Int64) throws {
        try db.execute(
            sql: "INSERT INTO sales (id, tenant_id, buyer_id, lead_id, price_cents, status, sold_at) VALUES (?, ?, 'buyer_1', ?, ?, ?, ?)",
            arguments: [id, tenant, lead, price, status, at]
        )
    }

    @Test("filled from an older database's rows, then kept through inserts, status changes and deletes")
    func keptByTriggers() async throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // sales name a buyer and tenants this test does not make
        let pool = try DatabasePool(path: file.path, configuration: configuration)
        try LeadSchema.migrator.migrate(pool, upTo: "2026-12-05 dashboard sessions")
        let noon = Self.lastOfApril + Self.day / 2
        try await pool.write { db in
            for index in 0..<6 {
                try Self.lead(db, "lead_\(index)", status: ["qualified", "rejected", "duplicate", "sold"][index % 4], at: noon + Int64(index))
            }
            try Self.lead(db, "lead_other", tenant: "ten_2", at: noon)
            // lead_3: two sales on one day; lead_5: one in April, one in May.
            try Self.sale(db, "sale_a", lead: "lead_3", price: 1_000, at: noon)
            try Self.sale(db, "sale_b", lead: "lead_3", status: "returned", price: 700, at: noon + 5)
            try Self.sale(db, "sale_c", lead: "lead_5", price: 500, at: Self.lastOfApril + Self.day - 1)
            try Self.sale(db, "sale_d", lead: "lead_5", status: "accepted", price: 400, at: Self.lastOfApril + Self.day)
            try Self.sale(db, "sale_e", lead: nil, price: 300, at: noon)
            try Self.sale(db, "sale_f", lead: "lead_other", tenant: "ten_2", price: 900, at: noon)
        }
        try LeadSchema.migrator.migrate(pool)
        try await Self.expectCountsMatchRows(pool, "after the migration's fill")

        try await pool.write { db in
            try Self.lead(db, "lead_new", status: "rejected", at: noon + Self.day)
            try Self.sale(db, "sale_g", lead: "lead_5", price: 250, at: Self.lastOfApril + Self.day + 10)
            try Self.sale(db, "sale_h", lead: "lead_new", price: 600, at: noon + Self.day)
        }
        try await Self.expectCountsMatchRows(pool, "after inserts")

        try await pool.write { db in
            try db.execute(sql: "UPDATE leads SET status = 'returned' WHERE id = 'lead_3'")
            try db.execute(sql: "UPDATE leads SET status = status, notes = 'same status' WHERE id = 'lead_0'")
            try db.execute(sql: "UPDATE sales SET status = 'returned' WHERE id IN ('sale_a', 'sale_c')")
            try db.execute(sql: "UPDATE sales SET status = 'accepted' WHERE id = 'sale_a'")
        }
        try await Self.expectCountsMatchRows(pool, "after status changes")

        try await pool.write { db in
            // The first of lead_3's two sales that day, then lead_5's May sales one by one.
            try db.execute(sql: "DELETE FROM sales WHERE id = 'sale_a'")
            try db.execute(sql: "DELETE FROM sales WHERE id = 'sale_d'")
            try db.execute(sql: "DELETE FROM leads WHERE id = 'lead_1'")
        }
        try await Self.expectCountsMatchRows(pool, "after deletes")
        try await pool.write { db in try db.execute(sql: "DELETE FROM sales WHERE id = 'sale_g'") }
        try await Self.expectCountsMatchRows(pool, "after the last May sale of lead_5 is gone")
        try pool.close()
    }
}
