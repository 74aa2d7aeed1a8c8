import Foundation
import LeadEngine
@_spi(Testing) import LeadStorePostgres
import Synchronization
import Testing

/// The PostgreSQL server `EZLEEDS_TEST_POSTGRES_URL` names (`bash .ci/postgres start DIR` makes a
/// throw-away one), and a database of its own for each test on it.
enum PostgresTestServer {
    static var urlText: String? {
        guard let text = ProcessInfo.processInfo.environment["EZLEEDS_TEST_POSTGRES_URL"], !text.isEmpty else { return nil }
        return text
    }

    static var isConfigured: Bool { Self.urlText != nil }

    /// The server's URL; a variable that is set but unreadable fails the test, never skips it.
    /// Tests share the server and the cores, so a statement may wait a while for a connection.
    static func url() throws -> PostgresURL {
        var url = try PostgresURL(try #require(Self.urlText, "EZLEEDS_TEST_POSTGRES_URL is not set"))
        url.connectTimeoutSeconds = 60
        return url
    }

    /// Runs `body` with the URL of a new, empty database on the test server, dropped afterwards
    /// whatever `body` did: tests run in parallel and never share a row or a migration.
    static func withScratchDatabase<T>(_ body: (PostgresURL) async throws -> T) async throws -> T {
        let server = try Self.url()
        let name = "ezleeds_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await PostgresDatabaseAdmin.create(database: name, on: server)
        do {
            let value = try await body(server.with(database: name))
            try await PostgresDatabaseAdmin.drop(database: name, on: server)
            return value
        } catch {
            try? await PostgresDatabaseAdmin.drop(database: name, on: server)
            throw error
        }
    }

    /// A migrated store on a database of its own, its pool running around `body`.
    static func withStore<T>(_ body: (PostgresStore) async throws -> T) async throws -> T {
        try await Self.withScratchDatabase { url in
            try await PostgresStore.open(url: url).withRunning(body)
        }
    }
}

@Suite("PostgreSQL store: migrations, invariants, tenants, idempotency keys", .enabled(if: PostgresTestServer.isConfigured))
struct PostgresFoundationTests {
    private static let schemaNames = PostgresSchema.migrations.map(\.name)

    @Test("a statement left waiting past connect_timeout for a connection is refused as unavailable; the one holding it still runs")
    func connectTimeout() async throws {
        try await PostgresTestServer.withScratchDatabase { url in
            var url = url
            url.poolSize = 1
            url.connectTimeoutSeconds = 3
            try await PostgresStore.open(url: url).withRunning { (store: PostgresStore) async throws in
                // The holder keeps the one connection twice as long as the other statement may wait:
                // without the timeout, that statement would wait for it and then succeed.
                async let holder: Void = store.execute(unsafeSQL: "CREATE TABLE held AS SELECT pg_sleep(6) IS NULL AS slept")
                try await Task.sleep(for: .milliseconds(300))
                let refusal = await #expect(throws: StorageUnavailable.self) { try await store.integer(unsafeSQL: "SELECT 1") }
                #expect(refusal?.reason == .busy, "the one connection was in use all along")
                try await holder
                #expect(try await store.integer(unsafeSQL: "SELECT count(*) FROM held") == 1, "the statement that had the connection committed")
                #expect(try await store.integer(unsafeSQL: "SELECT 2") == 2)
            }
        }
    }

    @Test("once the database cannot be reached, a statement is refused at connect_timeout, not when the pool gives up a minute later")
    func unreachableAfterOpen() async throws {
        let server = try PostgresTestServer.url()
        let name = "ezleeds_t_gone_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try await PostgresDatabaseAdmin.create(database: name, on: server)
        var url = server.with(database: name)
        url.connectTimeoutSeconds = 5
        try await PostgresStore.open(url: url).withRunning { (store: PostgresStore) async throws in
            #expect(try await store.integer(unsafeSQL: "SELECT 1") == 1)
            // Its connections are cut and new ones refused, as when the server goes away.
            try await PostgresDatabaseAdmin.drop(database: name, on: server)
            let started = ContinuousClock.now
            let refusal = await #expect(throws: StorageUnavailable.self) { try await store.integer(unsafeSQL: "SELECT 1") }
            #expect(refusal?.reason == .cannotOpen)
            // The pool itself gives up a minute after its first failed attempt.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("six nodes migrating at once apply each migration exactly once; all are recorded in order; reopening applies none")
    func migrationsApplyOnce() async throws {
        try await PostgresTestServer.withScratchDatabase { url in
            let appliedNow = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<6 { group.addTask { try await PostgresStore.migrate(url: url) } }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(appliedNow.sorted() == Self.schemaNames.sorted(), "each migration applied by exactly one node")

            let store = try await PostgresStore.open(url: url)
            try await store.withRunning { (store: PostgresStore) async throws in
                #expect(try await store.appliedMigrations() == Self.schemaNames)
                #expect(try await store.integer(unsafeSQL: "SELECT count(*) FROM schema_migrations WHERE applied_at IS NOT NULL") == Int64(Self.schemaNames.count))
            }
            #expect(try await PostgresStore.migrate(url: url).isEmpty, "a reopen migrates nothing")
        }
    }

    @Test("a failing migration is rolled back whole and not recorded; fixed, it is applied next time, after the ones before it")
    func failingMigrationRollsBack() async throws {
        try await PostgresTestServer.withScratchDatabase { url in
            let first = PostgresMigration("2000-01-01 first", "CREATE TABLE first_table (id BIGINT PRIMARY KEY)")
            let broken = PostgresMigration("2000-01-02 second", "CREATE TABLE half_made (id BIGINT)", "CREATE TABLE broken (id NO_SUCH_TYPE)")
            await #expect(throws: PostgresOpenError.self) { try await PostgresStore.migrate(url: url, migrations: [first, broken]) }

            let fixed = PostgresMigration("2000-01-02 second", "CREATE TABLE half_made (id BIGINT)")
            let store = try await PostgresStore.open(url: url, migrations: [first])
            try await store.withRunning { (store: PostgresStore) async throws in
                #expect(try await store.appliedMigrations() == ["2000-01-01 first"])
                #expect(try await store.integer(unsafeSQL: "SELECT count(*) FROM pg_tables WHERE tablename = 'half_made'") == 0)
            }
            #expect(try await PostgresStore.migrate(url: url, migrations: [first, fixed]) == ["2000-01-02 second"])
        }
    }

    @Test("ledger entries are append-only: UPDATE, DELETE and TRUNCATE are refused and the entry stays as written")
    func ledgerAppendOnly() async throws {
        try await PostgresTestServer.withStore { store in
            try await store.execute(unsafeSQL: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_1', 'One', 0)")
            try await store.execute(
                unsafeSQL: """
                    INSERT INTO ledger_entries (id, tenant_id, kind, amount_cents, description, created_at)
                    VALUES ('txn_1', 'ten_1', 'credit', 500, 'top-up', 1)
                    """
            )
            for statement in [
                "UPDATE ledger_entries SET amount_cents = 1 WHERE id = 'txn_1'",
                "DELETE FROM ledger_entries WHERE id = 'txn_1'",
                "TRUNCATE ledger_entries",
            ] {
                let error = await #expect(throws: PostgresConstraintViolation.self, "\(statement)") { try await store.execute(unsafeSQL: statement) }
                #expect(error?.sqlState == "23001")
                #expect(error?.message == "ledger entries are append-only")
            }
            #expect(try await store.integer(unsafeSQL: "SELECT amount_cents FROM ledger_entries WHERE id = 'txn_1'") == 500)
            // Appending stays possible.
            try await store.execute(
                unsafeSQL: """
                    INSERT INTO ledger_entries (id, tenant_id, kind, amount_cents, description, created_at)
                    VALUES ('txn_2', 'ten_1', 'credit', 100, 'top-up', 2)
                    """
            )
            #expect(try await store.integer(unsafeSQL: "SELECT count(*) FROM ledger_entries") == 2)
        }
    }

    @Test("balances never pass their floor (prepaid 0, invoiced its credit limit, the tenant's own 0) and a lead is refunded once")
    func balanceFloorsAndOneRefund() async throws {
        try await PostgresTestServer.withStore { store in
            try await store.execute(unsafeSQL: "INSERT INTO tenants (id, name, created_at) VALUES ('ten_1', 'One', 0)")
            for (id, terms) in [("b_pre", "'prepaid', NULL"), ("b_inv", "'invoiced', 500"), ("b_open", "'invoiced', NULL")] {
                try await store.execute(
                    unsafeSQL: """
                        INSERT INTO buyers (id, tenant_id, name, campaign_types, states, max_price_cents, bid_timeout_ms, exclusivity,
                            status, revision, created_at, updated_at, billing_mode, credit_limit_cents)
                        VALUES ('\(id)', 'ten_1', 'Buyer', '["legal_pi"]', '["CA"]', 1000, 500, 'shared', 'active', 1, 0, 0, \(terms))
                        """
                )
            }
            try await store.execute(unsafeSQL: "UPDATE buyers SET balance_cents = 0 WHERE id = 'b_pre'")
            try await store.execute(unsafeSQL: "UPDATE buyers SET balance_cents = -500 WHERE id = 'b_inv'")
            try await store.execute(unsafeSQL: "UPDATE buyers SET balance_cents = -1000000 WHERE id = 'b_open'")
            for statement in [
                "UPDATE buyers SET balance_cents = balance_cents - 1 WHERE id = 'b_pre'",
                "UPDATE buyers SET balance_cents = balance_cents - 1 WHERE id = 'b_inv'",
                // Changing the terms is checked too: a negative balance cannot turn prepaid.
                "UPDATE buyers SET billing_mode = 'prepaid' WHERE id = 'b_inv'",
                "UPDATE buyers SET credit_limit_cents = 10 WHERE id = 'b_inv'",
            ] {
                let error = await #expect(throws: PostgresConstraintViolation.self, "\(statement)") { try await store.execute(unsafeSQL: statement) }
                #expect(error?.constraint == PostgresSchema.Constraint.buyerBalanceFloor)
            }
            let tenantError = await #expect(throws: PostgresConstraintViolation.self) {
                try await store.execute(unsafeSQL: "UPDATE tenants SET balance_cents = -1 WHERE id = 'ten_1'")
            }
            #expect(tenantError?.constraint == PostgresSchema.Constraint.tenantBalanceFloor)

            try await store.execute(
                unsafeSQL: """
                    INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status,
                        created_at, updated_at)
                    VALUES ('lead_1', 'ten_1', 'legal_pi', 'web', 'A', 'B', 'a@example.com', '5555550100', 'CA', '90001', 'sold', 0, 0)
                    """
            )
            let refund = { (id: String) in
                """
                INSERT INTO ledger_entries (id, tenant_id, buyer_id, lead_id, kind, amount_cents, description, created_at)
                VALUES ('\(id)', 'ten_1', 'b_inv', 'lead_1', 'refund', 100, 'return', 5)
                """
            }
            try await store.execute(unsafeSQL: refund("txn_r1"))
            let error = await #expect(throws: PostgresConstraintViolation.self) { try await store.execute(unsafeSQL: refund("txn_r2")) }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.constraint == PostgresSchema.Constraint.oneRefundPerLead)
        }
    }

    @Test("tenants and keys: insert, read, summaries, duplicates refused with the tenant rolled back, revoke once, keysChanged in change order")
    func tenantsAndKeys() async throws {
        try await PostgresTestServer.withStore { store in
            let tenants = PostgresTenantRepository(store: store)
            let tenant = Tenant(id: "ten_1", name: "One", createdAt: Self.at(0))
            let admin = Self.key("key_b", tenant: "ten_1", role: .admin, offset: 20)
            let standard = Self.key("key_a", tenant: "ten_1", role: .standard, offset: 10)
            #expect(try await tenants.tenantCount() == 0)
            try await tenants.insert(tenant, keys: [admin, standard])
            #expect(try await tenants.tenant(id: "ten_1") == tenant)
            #expect(try await tenants.tenant(id: "ten_2") == nil)
            #expect(try await tenants.keys(tenantID: "ten_1") == [standard, admin])
            #expect(try await tenants.tenantCount() == 1)

            // Duplicates: a key id, a secret; a key without its tenant; a failing key takes its tenant with it.
            let sameID = await #expect(throws: PostgresConstraintViolation.self) { try await tenants.insert(Self.key("key_a", tenant: "ten_1")) }
            #expect(sameID?.isUniqueViolation == true)
            var sameSecret = Self.key("key_c", tenant: "ten_1")
            sameSecret.secretHash = admin.secretHash
            await #expect(throws: PostgresConstraintViolation.self) { try await tenants.insert(sameSecret) }
            let orphan = await #expect(throws: PostgresConstraintViolation.self) { try await tenants.insert(Self.key("key_x", tenant: "ten_missing")) }
            #expect(orphan?.sqlState == "23503")
            await #expect(throws: PostgresConstraintViolation.self) {
                try await tenants.insert(Tenant(id: "ten_2", name: "Two", createdAt: Self.at(1)), keys: [Self.key("key_d", tenant: "ten_2"), sameSecret])
            }
            #expect(try await tenants.tenant(id: "ten_2") == nil)
            await #expect(throws: PostgresConstraintViolation.self) { try await tenants.insert(tenant, keys: []) }

            // Keyless tenants are listed; revoked keys are not counted.
            try await tenants.insert(Tenant(id: "ten_3", name: "Three", createdAt: Self.at(5)), keys: [])
            let initial = try await tenants.keysChanged(after: 0)
            #expect(initial.keys == [admin, standard], "in change order: the order they were inserted")
            #expect(try await tenants.keysChanged(after: initial.sequence).keys.isEmpty)
            #expect(try await tenants.keysChanged(after: initial.sequence).sequence == initial.sequence)

            #expect(try await tenants.revokeKey(id: "key_missing", at: Self.at(1)) == nil)
            let revoked = try #require(try await tenants.revokeKey(id: "key_a", at: Self.at(5_000)))
            #expect(revoked.revokedAt == Self.at(5_000))
            let again = try #require(try await tenants.revokeKey(id: "key_a", at: Self.at(9_000)))
            #expect(again.revokedAt == Self.at(5_000), "the first revocation's date stays")
            let afterRevoke = try await tenants.keysChanged(after: initial.sequence)
            #expect(afterRevoke.keys == [again], "one change per key, the latest")
            #expect(afterRevoke.sequence > initial.sequence)
            #expect(
                try await tenants.tenantSummaries() == [
                    TenantSummary(tenant: tenant, activeKeys: [.admin: 1]),
                    TenantSummary(tenant: Tenant(id: "ten_3", name: "Three", createdAt: Self.at(5)), activeKeys: [:]),
                ]
            )

            #expect(try await tenants.setPostalAddress("1 Main St", tenantID: "ten_1"))
            #expect(try await tenants.setPostalAddress("1 Main St", tenantID: "ten_missing") == false)
            #expect(try await tenants.identity(tenantID: "ten_1")?.postalAddress == "1 Main St")
            #expect(try await tenants.identity(tenantID: "ten_3")?.postalAddress == nil)
            #expect(try await tenants.identity(tenantID: "ten_missing") == nil)
        }
    }

    @Test("a node following keysChanged while other connections insert keys concurrently misses none")
    func keyFollowerMissesNone() async throws {
        try await PostgresTestServer.withStore { store in
            let tenants = PostgresTenantRepository(store: store)
            try await tenants.insert(Tenant(id: "ten_1", name: "One", createdAt: Self.at(0)), keys: [])
            let writersDone = PostgresTestFlag()
            let seen = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                group.addTask {
                    var seen: Set<String> = []
                    var sequence: Int64 = 0
                    while true {
                        let finished = writersDone.isSet
                        let changes = try await tenants.keysChanged(after: sequence)
                        #expect(changes.sequence >= sequence)
                        seen.formUnion(changes.keys.map(\.id))
                        sequence = changes.sequence
                        if finished { return seen }
                    }
                }
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { writers in
                        for index in 0..<40 {
                            writers.addTask { try await tenants.insert(Self.key("key_\(index)", tenant: "ten_1", secretIndex: index)) }
                        }
                        try await writers.waitForAll()
                    }
                    writersDone.set()
                    return []
                }
                return try await group.reduce(into: Set<String>()) { $0.formUnion($1) }
            }
            #expect(seen == Set((0..<40).map { "key_\($0)" }))
        }
    }

    @Test("idempotency keys: proceed, in progress, mismatch, replay, stale takeover, abandon, prune; one of many concurrent claims proceeds")
    func idempotencyKeys() async throws {
        try await PostgresTestServer.withStore { store in
            try await PostgresTenantRepository(store: store).insert(Tenant(id: "ten_1", name: "One", createdAt: Self.at(0)), keys: [])
            let keys = PostgresIdempotencyRepository(store: store)
            let request = IdempotentRequest(tenantID: "ten_1", endpoint: "POST /leads", key: "k1", body: Array("{}".utf8))
            let other = IdempotentRequest(tenantID: "ten_1", endpoint: "POST /leads", key: "k1", body: Array("{\"a\":1}".utf8))

            #expect(try await keys.claim(request, nowMilliseconds: 1_000, staleAfterMilliseconds: 60_000) == .proceed)
            #expect(try await keys.claim(request, nowMilliseconds: 2_000, staleAfterMilliseconds: 60_000) == .inProgress)
            #expect(try await keys.claim(other, nowMilliseconds: 2_000, staleAfterMilliseconds: 60_000) == .mismatch)
            // Stale: the first claimer died; one retry takes it over, the next sees it in progress again.
            #expect(try await keys.claim(request, nowMilliseconds: 61_000, staleAfterMilliseconds: 60_000) == .proceed)
            #expect(try await keys.claim(request, nowMilliseconds: 61_001, staleAfterMilliseconds: 60_000) == .inProgress)

            let body: [UInt8] = [0, 1, 2, 255] + Array("{\"id\":\"lead_1\"}".utf8)
            try await keys.complete(request, status: 201, body: body)
            #expect(try await keys.claim(request, nowMilliseconds: 500_000, staleAfterMilliseconds: 60_000) == .replay(status: 201, body: body))
            #expect(try await keys.claim(other, nowMilliseconds: 500_000, staleAfterMilliseconds: 60_000) == .mismatch)
            try await keys.abandon(request)
            #expect(try await keys.claim(request, nowMilliseconds: 500_001, staleAfterMilliseconds: 60_000) == .replay(status: 201, body: body), "a completed key is not abandoned")

            let empty = IdempotentRequest(tenantID: "ten_1", endpoint: "POST /leads", key: "k2", body: [])
            #expect(try await keys.claim(empty, nowMilliseconds: 3_000, staleAfterMilliseconds: 60_000) == .proceed)
            try await keys.abandon(empty)
            #expect(try await keys.claim(empty, nowMilliseconds: 3_001, staleAfterMilliseconds: 60_000) == .proceed)
            try await keys.complete(empty, status: 204, body: [])
            #expect(try await keys.claim(empty, nowMilliseconds: 3_002, staleAfterMilliseconds: 60_000) == .replay(status: 204, body: []))

            let concurrent = IdempotentRequest(tenantID: "ten_1", endpoint: "POST /leads", key: "k3", body: Array("x".utf8))
            let claims = try await withThrowingTaskGroup(of: IdempotencyClaim.self) { group in
                for _ in 0..<12 { group.addTask { try await keys.claim(concurrent, nowMilliseconds: 4_000, staleAfterMilliseconds: 60_000) } }
                return try await group.reduce(into: [IdempotencyClaim]()) { $0.append($1) }
            }
            #expect(claims.filter { $0 == .proceed }.count == 1)
            #expect(claims.filter { $0 == .inProgress }.count == 11)

            // k1 and k2 were created before 3_500, k3 after.
            #expect(try await keys.prune(beforeMilliseconds: 3_500) == 2)
            #expect(try await keys.prune(beforeMilliseconds: 3_500) == 0)
            #expect(try await keys.claim(concurrent, nowMilliseconds: 4_001, staleAfterMilliseconds: 60_000) == .inProgress)
        }
    }

    @Test("the storage probe writes, and the health it reports to stays writable")
    func probe() async throws {
        try await PostgresTestServer.withStore { store in
            try await store.probeWrite()
            try await store.probeWrite()
            #expect(store.health.isWritable)
            #expect(try await store.integer(unsafeSQL: "SELECT length(filler) FROM storage_probe WHERE id = 1") == 65_536)
            #expect(store.location.hasPrefix("postgres://"))
        }
    }

    private static func at(_ milliseconds: Int64) -> Date {
        Date(epochMilliseconds: 1_776_000_000_000 + milliseconds)
    }

    private static func key(_ id: String, tenant: String, role: KeyRole = .standard, offset: Int64 = 0, secretIndex: Int? = nil) -> APIKey {
        // A distinct 64-hex-digit hash per key id.
        let seed = secretIndex.map { "\($0)" } ?? id
        let hash = String(seed.utf8.map { String(format: "%02x", $0) }.joined().prefix(64)).padding(toLength: 64, withPad: "0", startingAt: 0)
        return APIKey(
            id: id, tenantID: tenant, role: role, secretHash: hash, displayPrefix: String(id.prefix(8)), rateLimitPerMinute: 100,
            createdAt: Self.at(offset)
        )
    }
}

/// Set once, read from other tasks.
final class PostgresTestFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { self.value.load(ordering: .acquiring) }
    func set() { self.value.store(true, ordering: .releasing) }
}

/// What needs no server: URLs read and refused, and a server that is not there.
@Suite("PostgreSQL store: URLs and unreachable servers")
struct PostgresURLTests {
    @Test("a full URL is read: user, percent-encoded password, host, port, database, pool size; the description hides the password")
    func parsesFullURL() throws {
        let url = try PostgresURL("postgres://ezleeds:p%40ss%3Aword@db.example.com:6543/ezleeds_prod?pool=32")
        #expect(url == PostgresURL(host: "db.example.com", port: 6543, username: "ezleeds", password: "p@ss:word", database: "ezleeds_prod", poolSize: 32))
        #expect(url.description == "postgres://ezleeds@db.example.com:6543/ezleeds_prod?pool=32")
        #expect(!url.description.contains("p@ss"))
    }

    @Test("defaults: port 5432, pool 16, no password, no TLS; postgresql:// and IPv6 hosts are accepted")
    func defaults() throws {
        let url = try PostgresURL("postgres://ezleeds@127.0.0.1/ezleeds_test")
        #expect(url.port == 5432)
        #expect(url.poolSize == 16)
        #expect(url.password == nil)
        #expect(url.tls == .disable)
        #expect(try PostgresURL("postgresql://u@[::1]:5433/db").host == "::1")
        #expect(try PostgresURL("postgresql://u@[::1]:5433/db").description == "postgres://u@[::1]:5433/db")
        #expect(try PostgresURL("postgres://u@h/db?sslmode=verify-full").tls == .verifyFull)
        #expect(url.connectTimeoutSeconds == 5)
        let patient = try PostgresURL("postgres://u@h/db?connect_timeout=30")
        #expect(patient.connectTimeoutSeconds == 30)
        #expect(patient.description == "postgres://u@h:5432/db?connect_timeout=30")
    }

    @Test(
        "anything else is refused with a reason, the password masked",
        arguments: [
            "sqlite:///tmp/x.sqlite", "/var/lib/ezleeds.sqlite", "postgres://127.0.0.1/db", "postgres://u@h", "postgres://u@h/",
            "postgres://u@h:0/db", "postgres://u@h:99999/db", "postgres://u@h:port/db", "postgres://u@h/db?pool=0", "postgres://u@h/db?pool=x",
            "postgres://u@h/db?sslmode=allow", "postgres://u@h/db?timeout=5", "postgres://u@h/db?connect_timeout=0",
            "postgres://u@h/db?connect_timeout=301", "postgres://u@h/db?connect_timeout=1s", "postgres://u@/db", "postgres://u:secret@h/db#x",
            "postgres://:secret@h/db",
        ]
    )
    func refusesOthers(_ text: String) {
        let error = #expect(throws: PostgresURLError.self) { try PostgresURL(text) }
        #expect(!(error?.description.contains("secret") ?? true), "the password never appears")
        #expect(!(error?.problem.isEmpty ?? true))
    }

    @Test("a server that is not listening fails the open at once with the address, never the password")
    func unreachable() async throws {
        let url = try PostgresURL("postgres://ezleeds:secret@127.0.0.1:1/nothing")
        let error = await #expect(throws: PostgresOpenError.self) { try await PostgresStore.open(url: url) }
        #expect(error?.description.contains("127.0.0.1:1") == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test("database names the admin helpers take are plain identifiers")
    func databaseNames() async throws {
        let server = try PostgresURL("postgres://u@127.0.0.1:1/db")
        for name in ["", "Upper", "1abc", "semi;colon", "quote\"d", String(repeating: "a", count: 64)] {
            await #expect(throws: PostgresDatabaseNameError.self) { try await PostgresDatabaseAdmin.create(database: name, on: server) }
        }
    }
}
