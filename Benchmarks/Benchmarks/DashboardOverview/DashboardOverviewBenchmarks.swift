import Benchmark
import BenchmarkFixtures
import Foundation
import GRDB
import LeadEngine
import LeadStore

/// The dashboard's pages over a tenant with 1,000,000 leads, without the socket: what the overview
/// reads from the store (the month's lead counts and sales figures, the reports API's use case)
/// plus the live figures from memory, and what the leads page's funnel by day reads. The leads are
/// spread over three months (about 333,000 in the month read), two in five sold.
let benchmarks: @Sendable () -> Void = {
    let configuration = SuiteConfiguration.configuration(
        scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 50, warmupIterations: 2,
        metrics: [.wallClock, .mallocCountTotal]
    )

    Benchmark("DashboardOverview.overview-1000000-leads", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.pages.overview(tenantID: fixture.tenantID, period: DashboardFixture.busiestMonth))
            blackHole(fixture.pages.live(tenantID: fixture.tenantID))
        }
    } setup: {
        try await DashboardFixture.shared()
    }

    Benchmark("DashboardOverview.funnel-by-day-1000000-leads", configuration: configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(try await fixture.pages.leadFunnel(tenantID: fixture.tenantID, period: DashboardFixture.busiestMonth))
        }
    } setup: {
        try await DashboardFixture.shared()
    }

    // What the day counts cost writes: 1,000 leads, each sold and its status moved, in one
    // transaction, with the schema's triggers and (the reference) without them.
    for triggers in [true, false] {
        Benchmark(
            "DashboardOverview.write-1000-sold-leads-\(triggers ? "with" : "without")-day-counts",
            configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 100)
        ) { benchmark in
            let writer = try await WriteFixture.make(triggers: triggers)
            for iteration in benchmark.scaledIterations {
                benchmark.startMeasurement()
                try await writer.write { db in try WriteFixture.soldLeads(db, batch: iteration) }
                benchmark.stopMeasurement()
            }
            try writer.close()
        }
    }
}

/// A new store, with or without the triggers that keep the day counts, written with plain rows
/// through cached statements, as the repositories write (a trigger is compiled with its statement).
enum WriteFixture {
    static func make(triggers: Bool) async throws -> DatabaseQueue {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-writes-\(UUID().uuidString).sqlite").path
        _ = try await LeadDatabase.open(path: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        // As the store's own connections: a trigger's statement journal kept in memory, not a file.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        let writer = try DatabaseQueue(path: path, configuration: configuration)
        if !triggers {
            try await writer.write { db in
                for name in ["lead_days_insert", "lead_days_status", "lead_days_delete", "sale_days_insert", "sale_days_status", "sale_days_delete"] {
                    try db.execute(sql: "DROP TRIGGER \(name)")
                }
            }
        }
        return writer
    }

    static func soldLeads(_ db: Database, batch: Int) throws {
        let start = DashboardFixture.start + Int64(batch) * 1_000_000
        for index in 0..<1_000 {
            let id = "lead-\(batch)-\(index)"
            let at = start + Int64(index) * 1_000
            try db.cachedStatement(
                sql: """
                    INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status,
                        origin, created_at, updated_at)
                    VALUES (?, 'ten_bench', 'legal_pi', 'web', 'Jane', 'Doe', 'jane@example.com', '+17025550100', 'NV', '89101', 'sold', 'post', ?, ?)
                    """
            ).execute(arguments: [id, at, at])
            try db.cachedStatement(
                sql: "INSERT INTO sales (id, tenant_id, buyer_id, lead_id, price_cents, status, sold_at) VALUES (?, 'ten_bench', 'b', ?, 1000, 'delivered', ?)"
            ).execute(arguments: ["sale-\(batch)-\(index)", id, at])
            try db.cachedStatement(sql: "UPDATE leads SET status = 'delivered' WHERE id = ?").execute(arguments: [id])
        }
    }
}

/// One store for both benchmarks: 1,000,000 leads of one tenant written straight into the schema
/// (the API would take an hour to make them), sales for two in five, and a smaller second tenant.
struct DashboardFixture: Sendable {
    static let busiestMonth = BillingPeriod(year: 2026, month: 4)!
    static let leads = 1_000_000
    /// 2026-03-01T00:00:00Z: the leads run from March to May, one every 7.8 s.
    static let start: Int64 = 1_772_323_200_000
    static let spacing: Int64 = 7_800

    let pages: OperatorPages
    let tenantID: String

    static func shared() async throws -> DashboardFixture {
        try await Self.cache.fixture()
    }

    private actor Cache {
        var made: DashboardFixture?

        func fixture() async throws -> DashboardFixture {
            if let made { return made }
            let fixture = try await DashboardFixture.make()
            self.made = fixture
            return fixture
        }
    }

    private static let cache = Cache()

    static func make() async throws -> DashboardFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("bench.sqlite").path
        let database = try await LeadDatabase.open(path: path)
        let clock = ManualClock(milliseconds: Self.start + Int64(Self.leads) * Self.spacing)
        let tenants = SQLiteTenantRepository(database: database)
        let provisioning = TenantProvisioning(repository: tenants, clock: clock)
        let tenantID = try await provisioning.createTenant(name: "busy").tenant.id
        let otherID = try await provisioning.createTenant(name: "other").tenant.id
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // sales name buyers this fixture does not make
        let writer = try DatabaseQueue(path: path, configuration: configuration)
        try await writer.write { db in
            let lead = try db.makeStatement(
                sql: """
                    INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status,
                        sold_price_cents, buyer_id, origin, created_at, updated_at)
                    VALUES (?, ?, 'legal_pi', ?, 'Jane', 'Doe', ?, ?, 'NV', '89101', ?, ?, ?, 'inbound', ?, ?)
                    """
            )
            let sale = try db.makeStatement(
                sql: """
                    INSERT INTO sales (id, tenant_id, buyer_id, lead_id, price_cents, status, response_time_ms, sold_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                    """
            )
            for index in 0..<(Self.leads + Self.leads / 10) {
                // The last tenth belongs to the other tenant, over the same months.
                let owner = index < Self.leads ? tenantID : otherID
                let position = index < Self.leads ? index : (index - Self.leads) * 10
                let created = Self.start + Int64(position) * Self.spacing
                let sold = index % 5 < 2
                let status: String =
                    switch index % 20 {
                    case 0: "rejected"
                    case 1: "duplicate"
                    case 2, 7, 12: "accepted"
                    case 5: "returned"
                    default: sold ? "delivered" : "qualified"
                    }
                let id = "lead-\(index)"
                let buyer = "buyer-\(index % 40)"
                let price: Int64 = 1_000 + Int64(index % 30) * 100
                try lead.execute(arguments: [
                    id, owner, "landing_page_v\(index % 7)", "jane\(index)@example.com", "+1702\(String(5_550_000 + index % 1_000_000).suffix(7))",
                    status, sold ? price : nil, sold ? buyer : nil, created, created,
                ])
                if sold {
                    let saleStatus = status == "returned" ? "returned" : status == "accepted" ? "accepted" : "delivered"
                    try sale.execute(arguments: ["sale-\(index)", owner, buyer, id, price, saleStatus, created + 150])
                }
            }
        }
        try await writer.write { db in try db.execute(sql: "ANALYZE") }
        try writer.close()
        let reports = SalesReports(
            figures: SQLiteSalesFiguresRepository(database: database), buyers: SQLiteBuyerRepository(database: database),
            campaigns: SQLiteCampaignRepository(database: database), clock: clock
        )
        let pages = OperatorPages(
            tenants: tenants, reports: reports, buyers: SQLiteBuyerRepository(database: database), activity: MarketActivity(node: "bench"),
            clock: clock
        )
        return DashboardFixture(pages: pages, tenantID: tenantID)
    }
}
