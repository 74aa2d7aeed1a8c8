import Foundation
import GRDB
import LeadEngine
import Testing
@testable import LeadStore

@Suite("Lead database file, schema and migrations")
struct LeadDatabaseTests {
    static let migrationNames = [
        "2026-11-26 tenants and keys", "2026-11-26 buyers and campaigns", "2026-11-26 pings", "2026-11-26 posts", "2026-11-27 buyer time zones",
        "2026-11-27 ping outcomes in one column", "2026-11-28 lead lifecycle and billing",
        "2026-11-28 do-not-call lists", "2026-11-29 do-not-call enforcement", "2026-12-03 delivery attempt reasons",
        "2026-12-03 outreach sequences",
        "2026-12-03 message templates",
        "2026-12-04 sending domains",
        "2026-12-04 outreach email", "2026-12-04 report indexes", "2026-12-04 storage probe", "2026-12-04 sale log", "2026-12-04 ping outcomes as records",
        "2026-12-05 dashboard sessions", "2026-12-07 daily report counts", "2026-12-07 outreach attempts by sequence",
    ]

    @Test("a new file opens in WAL mode with every migration applied")
    func openNewFile() async throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        #expect(!file.exists)

        let database = try LeadDatabase(path: file.path)
        #expect(database.path == file.path)
        #expect(file.exists)
        #expect(try await database.journalMode() == "wal")
        #expect(try await database.appliedMigrations() == Self.migrationNames)

        // Durability and integrity settings hold on every connection, readers included.
        let synchronous = try await database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL
        let foreignKeys = try await database.writer.write { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == true)
        // Savepoint sub-journals stay in memory: on disk they were most of a post's writes.
        let tempStore = try await database.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") }
        #expect(tempStore == 2)  // MEMORY

        let tables = try await database.writer.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
        }
        #expect(tables == ["tenants", "api_keys", "buyers", "campaigns", "sales", "pings", "ping_outcomes", "floor_prices", "leads", "signing_keys", "consent_certificates", "ledger_entries", "deliveries", "delivery_attempts", "pingpost_settings", "lead_events", "invoices", "idempotency_keys", "internal_dnc", "dnc_list_areas", "dnc_lists", "sequences", "enrollments", "outreach_attempts", "message_templates", "sending_domains", "email_opt_outs", "storage_probe", "sale_log", "sale_log_refused", "dashboard_sessions", "lead_days", "sale_days", "sold_lead_days"])
        try database.close()
    }

    @Test("reopening an existing file keeps its data and applies nothing twice")
    func reopen() async throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }

        let first = try LeadDatabase(path: file.path)
        try await SQLiteTenantRepository(database: first).insert(Fixtures.tenant("ten_1"), keys: [])
        try first.close()

        let second = try LeadDatabase(path: file.path)
        #expect(try await second.appliedMigrations() == Self.migrationNames)
        #expect(try await SQLiteTenantRepository(database: second).tenant(id: "ten_1") == Fixtures.tenant("ten_1"))
        try second.close()

        // And a third time, to be sure reopening is idempotent.
        let third = try LeadDatabase(path: file.path)
        #expect(try await third.appliedMigrations() == Self.migrationNames)
        #expect(try await SQLiteTenantRepository(database: third).tenantCount() == 1)
        try third.close()
    }

    @Test("a database made by an earlier version opens, is migrated forward and keeps its rows")
    func upgradeFromFirstMigration() async throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }

        // The earlier version: only the first migration, with a tenant and a key in it.
        let secret = KeySecret(role: .admin)
        do {
            let pool = try DatabasePool(path: file.path)
            try LeadSchema.migrator.migrate(pool, upTo: Self.migrationNames[0])
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_old', 'Old Co', ?)", arguments: [Times.base])
                try db.execute(
                    sql: """
                        INSERT INTO api_keys (id, tenant_id, role, secret_hash, display_prefix, rate_limit_per_minute, created_at, change_seq)
                        VALUES ('key_old', 'ten_old', 'admin', ?, ?, 60, ?, 1)
                        """,
                    arguments: [secret.hash, secret.displayPrefix, Times.base]
                )
            }
            let applied = try await pool.read { db in try LeadSchema.migrator.appliedMigrations(db) }
            #expect(applied == [Self.migrationNames[0]])
            let hasBuyers = try await pool.read { db in try db.tableExists("buyers") }
            #expect(!hasBuyers)
            try pool.close()
        }

        let database = try LeadDatabase(path: file.path)
        #expect(try await database.appliedMigrations() == Self.migrationNames)
        #expect(try await database.journalMode() == "wal")

        let tenants = SQLiteTenantRepository(database: database)
        #expect(try await tenants.tenant(id: "ten_old") == Tenant(id: "ten_old", name: "Old Co", createdAt: Times.at(0)))
        let keys = try await tenants.keys(tenantID: "ten_old")
        #expect(keys.map(\.id) == ["key_old"])
        #expect(keys.first?.role == .admin)
        #expect(keys.first?.rateLimitPerMinute == 60)

        // The old key still authenticates through a refreshed ring.
        let ring = KeyRing()
        try await KeyRingRefresher(repository: tenants, keyRing: ring).refresh()
        #expect(ring.authenticate(secret: secret.value)?.tenantID == "ten_old")

        // The new tables work for the old tenant.
        let buyers = SQLiteBuyerRepository(database: database)
        try await buyers.insert(Fixtures.buyer("buyer_1", tenantID: "ten_old"))
        #expect(try await buyers.buyer(id: "buyer_1", tenantID: "ten_old") != nil)
        try database.close()
    }

    @Test("a file that is not a database fails to open")
    func notADatabase() throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        try Data(repeating: 0x41, count: 4_096).write(to: URL(fileURLWithPath: file.path))
        #expect(throws: (any Error).self) { try LeadDatabase(path: file.path) }
    }

    @Test("CHECK constraints hold: negative money, unknown enums and bad keys are refused by SQL")
    func checkConstraints() async throws {
        try await withTemporaryDatabase { database async throws in
            try await Fixtures.insertTenants(["ten_1"], into: database)
            try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("buyer_1", tenantID: "ten_1"))

            func insertBuyer(price: Int64, exclusivity: String = "shared", status: String = "active", timeout: Int = 250, dailyCap: Int? = nil) async throws {
                try await database.writer.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO buyers (id, tenant_id, name, campaign_types, states, max_price_cents, bid_timeout_ms, exclusivity,
                                daily_cap, status, revision, created_at, updated_at)
                            VALUES (?, 'ten_1', 'b', '["legal_pi"]', '["CA"]', ?, ?, ?, ?, ?, 1, 0, 0)
                            """,
                        arguments: [UUID().uuidString, price, timeout, exclusivity, dailyCap, status]
                    )
                }
            }

            await #expect(throws: DatabaseError.self) { try await insertBuyer(price: -1) }
            await #expect(throws: DatabaseError.self) { try await insertBuyer(price: 1, exclusivity: "solo") }
            await #expect(throws: DatabaseError.self) { try await insertBuyer(price: 1, status: "deleted") }
            await #expect(throws: DatabaseError.self) { try await insertBuyer(price: 1, timeout: 0) }
            await #expect(throws: DatabaseError.self) { try await insertBuyer(price: 1, dailyCap: -1) }
            try await insertBuyer(price: 0)  // the control: a valid row goes in

            let error = try await #require(throws: DatabaseError.self) { try await insertBuyer(price: -500) }
            #expect(error.resultCode == .SQLITE_CONSTRAINT)

            // The same through the repository: a negative price never reaches the table.
            await #expect(throws: DatabaseError.self) {
                try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("buyer_neg", tenantID: "ten_1", price: -1))
            }
            await #expect(throws: DatabaseError.self) {
                try await SQLiteCampaignRepository(database: database).insert(Fixtures.campaign("camp_neg", tenantID: "ten_1", budget: -1))
            }

            await #expect(throws: DatabaseError.self) {
                try await database.writer.write { db in
                    try db.execute(
                        sql: "INSERT INTO sales (id, tenant_id, buyer_id, price_cents, status, sold_at) VALUES ('s1', 'ten_1', 'buyer_1', -1, 'accepted', 0)"
                    )
                }
            }
            await #expect(throws: DatabaseError.self) {
                try await database.writer.write { db in
                    try db.execute(
                        sql: "INSERT INTO sales (id, tenant_id, buyer_id, price_cents, status, sold_at) VALUES ('s2', 'ten_1', 'buyer_1', 1, 'refunded', 0)"
                    )
                }
            }
            await #expect(throws: DatabaseError.self) {
                try await database.writer.write { db in
                    try db.execute(sql: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_blank', '', 0)")
                }
            }
            let count = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM buyers") }
            #expect(count == 2)
        }
    }

    @Test("foreign keys hold: no buyer for a missing tenant, no sale for a missing buyer")
    func foreignKeys() async throws {
        try await withTemporaryDatabase { database async throws in
            await #expect(throws: DatabaseError.self) {
                try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("buyer_1", tenantID: "ten_missing"))
            }
            try await Fixtures.insertTenants(["ten_1"], into: database)
            await #expect(throws: DatabaseError.self) {
                try await SQLiteCampaignRepository(database: database).insert(Fixtures.campaign("camp_1", tenantID: "ten_1", buyerID: "buyer_missing"))
            }
            await #expect(throws: DatabaseError.self) {
                try await database.writer.write { db in
                    try db.execute(sql: "INSERT INTO sales (id, tenant_id, buyer_id, price_cents, status, sold_at) VALUES ('s', 'ten_1', 'nobody', 1, 'accepted', 0)")
                }
            }
        }
    }
}

@Suite("The ledger is append-only")
struct LedgerAppendOnlyTests {
    @Test("updating or deleting a ledger entry, or a non-positive amount, is refused by the schema")
    func appendOnly() async throws {
        try await withTemporaryDatabase { database in
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_1', 'T', 0)")
                try db.execute(
                    sql: "INSERT INTO ledger_entries (id, tenant_id, kind, amount_cents, description, created_at) VALUES ('txn_1', 'ten_1', 'credit', 100, 'x', 0)"
                )
            }
            await #expect(throws: (any Error).self) {
                try await database.writer.write { db in try db.execute(sql: "UPDATE ledger_entries SET amount_cents = 1") }
            }
            await #expect(throws: (any Error).self) {
                try await database.writer.write { db in try db.execute(sql: "DELETE FROM ledger_entries") }
            }
            await #expect(throws: (any Error).self) {
                try await database.writer.write { db in
                    try db.execute(
                        sql: "INSERT INTO ledger_entries (id, tenant_id, kind, amount_cents, description, created_at) VALUES ('txn_2', 'ten_1', 'charge', -5, 'x', 0)"
                    )
                }
            }
            let amount = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT amount_cents FROM ledger_entries") }
            #expect(amount == 100)
        }
    }
}

@Suite("Ledger balances and their check")
struct LedgerVerificationTests {
    @Test("entries move their account's balance in the same transaction; verify finds a balance changed behind the ledger's back")
    func verifyFindsTampering() async throws {
        try await withTemporaryDatabase { database in
            let ledger = SQLiteLedgerRepository(database: database)
            try await database.writer.write { db in
                try db.execute(sql: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_1', 'T', 0)")
                try db.execute(
                    sql: """
                        INSERT INTO buyers (id, tenant_id, name, campaign_types, states, max_price_cents, bid_timeout_ms, exclusivity, status,
                            revision, created_at, updated_at, billing_mode)
                        VALUES ('buyer_1', 'ten_1', 'B', '["solar"]', '["TX"]', 100, 250, 'shared', 'active', 1, 0, 0, 'prepaid')
                        """
                )
            }
            let credit = try await ledger.addCredit(
                LedgerEntry(id: "cred_1", tenantID: "ten_1", buyerID: "buyer_1", leadID: nil, kind: .credit, amountCents: 500, description: "x", createdAt: .now)
            )
            #expect(credit.balanceAfterCents == 500)
            _ = try await ledger.addCredit(
                LedgerEntry(id: "cred_2", tenantID: "ten_1", buyerID: nil, leadID: nil, kind: .credit, amountCents: 70, description: "x", createdAt: .now)
            )
            // A prepaid balance cannot go below zero, whoever writes it.
            await #expect(throws: (any Error).self) {
                try await database.writer.write { db in try db.execute(sql: "UPDATE buyers SET balance_cents = -1 WHERE id = 'buyer_1'") }
            }
            var verification = try await ledger.verify()
            #expect(verification.mismatches.isEmpty)
            #expect(verification.entriesChecked == 2)
            #expect(verification.accountsChecked == 2)
            try await database.writer.write { db in try db.execute(sql: "UPDATE buyers SET balance_cents = 499 WHERE id = 'buyer_1'") }
            verification = try await ledger.verify()
            #expect(verification.mismatches == [LedgerMismatch(tenantID: "ten_1", buyerID: "buyer_1", balanceCents: 499, entriesSumCents: 500)])
        }
    }
}
