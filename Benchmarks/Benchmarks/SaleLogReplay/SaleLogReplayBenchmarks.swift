import Benchmark
import BenchmarkFixtures
import Foundation
import LeadEngine
import LeadStore

/// Crash recovery with the sale log: a store left by a kill -9 with 100,000 sales logged and none
/// filled into their tables. One sample opens that store as `ezleeds serve` does and folds the
/// whole log (`SaleMaterialiser.catchUp`), which the server does before it loads balances and
/// caps and starts listening. Sales a second = 100,000 ÷ its wall time.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "SaleLogReplay.open-and-fold-100000-logged-sales",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(600), maxIterations: 1, warmupIterations: 0,
            metrics: [.wallClock, .peakMemoryResident]
        )
    ) { benchmark, fixture in
        benchmark.startMeasurement()
        let database = try await LeadDatabase.open(path: fixture.path)
        let folded = try await SaleMaterialiser(log: SQLiteSaleLog(database: database)).catchUp()
        benchmark.stopMeasurement()
        precondition(folded == fixture.sales, "folded \(folded) of \(fixture.sales)")
        let clean = try await SQLiteLedgerRepository(database: database).verify().mismatches.isEmpty
        precondition(clean, "ledger verify found mismatches after the replay")
        try database.close()
        try? FileManager.default.removeItem(at: fixture.directory)
    } setup: {
        try await LoggedSalesFixture.make(sales: 100_000)
    }
}

/// A store holding `sales` posted sales in its sale log only: one tenant, 100 buyers, every sale
/// with its ping, lead, signed certificate, do-not-call result, score and pending delivery, as a
/// post logs them. Logged through `SQLiteSaleLog.append`, 500 at a time, as concurrent posts are.
struct LoggedSalesFixture: Sendable {
    let path: String
    let directory: URL
    let sales: Int

    static func make(sales: Int) async throws -> LoggedSalesFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("bench.sqlite").path
        let database = try await LeadDatabase.open(path: path)
        let clock = ManualClock(milliseconds: 1_776_708_000_000)
        let tenantID = try await TenantProvisioning(repository: SQLiteTenantRepository(database: database), clock: clock).createTenant(name: "bench").tenant.id
        let signingKey = try await SQLiteSaleRepository(database: database).signingKey(orMake: { CertificateSigningKey.generate() })
        let buyers = SQLiteBuyerRepository(database: database)
        for index in 0..<100 {
            try await buyers.insert(
                Buyer(
                    id: "buyer-\(index)", tenantID: tenantID, name: "Buyer \(index)", campaignTypes: [.legalPI], states: ["NV"],
                    maxPriceCents: 2_000 + Int64(index), status: .active, createdAt: clock.now(), updatedAt: clock.now()
                )
            )
        }
        let log = SQLiteSaleLog(database: database)
        for chunk in stride(from: 0, to: sales, by: 500) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in chunk..<min(chunk + 500, sales) {
                    let sale = Self.sale(index, tenantID: tenantID, signingKey: signingKey, at: clock.nowMilliseconds() + Int64(index))
                    group.addTask { _ = try await log.append(sale) }
                }
                try await group.waitForAll()
            }
        }
        try database.close()
        return LoggedSalesFixture(path: path, directory: directory, sales: sales)
    }

    static func sale(_ index: Int, tenantID: String, signingKey: CertificateSigningKey, at now: Int64) -> SaleRecord {
        let buyerID = "buyer-\(index % 100)"
        let leadID = TimeOrderedIdentifiers.uuid()
        let createdAt = Date(epochMilliseconds: now)
        let bids = (0..<10).map { rank in
            Bid(buyerID: "buyer-\((index + rank) % 100)", buyerName: "Buyer \((index + rank) % 100)", bidCents: 2_000 - Int64(rank), exclusivity: .shared, source: .static)
        }
        let ping = Ping(
            id: "ping-\(index)", tenantID: tenantID, request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "bench"),
            floorPriceCents: 0, bids: bids, outcomes: [], createdAtMilliseconds: now - 5, outrankedStaticBuyers: 990
        )
        let contact = LeadContact(
            firstName: "Jane", lastName: "Doe", phone: "+1702\(String(5_000_000 + index % 4_000_000))", email: "jane\(index)@example.com",
            state: "NV", zipCode: "89101"
        )
        let consent = Consent(
            consentType: .tcpaExpressWritten, consentText: "By clicking Submit, I agree to be contacted by Acme Legal Partners at the number provided.",
            ipAddress: "203.0.113.7", pageURL: "https://example.com/form", userAgent: "Mozilla/5.0"
        )
        let certificate = signingKey.certify(id: "cert-\(index)", tenantID: tenantID, leadID: leadID, consent: consent, createdAt: createdAt)
        let lead = Lead(
            id: leadID, tenantID: tenantID, pingID: ping.id, buyerID: buyerID, campaignType: .legalPI, source: "bench", contact: contact,
            status: .sold, score: 72, soldPriceCents: bids[0].bidCents, consentCertificateID: certificate.id, soldAt: createdAt, createdAt: createdAt
        )
        var sale = SaleRecord(
            ping: ping, lead: lead, certificate: certificate, saleID: "sale-\(index)", priceCents: bids[0].bidCents, responseMilliseconds: 0,
            chargeID: "txn-\(index)",
            delivery: Delivery(
                id: "del-\(index)", tenantID: tenantID, leadID: leadID, buyerID: buyerID, url: "https://buyer.example.com/leads",
                payload: Delivery.leadDeliveredPayload(lead: lead, at: createdAt), status: .pending, nextAttemptAtMilliseconds: now + 60_000,
                createdAtMilliseconds: now
            )
        )
        sale.doNotCall = DoNotCallMatch(federal: false, state: false, internalList: false)
        sale.scored = LeadEvent(.scored, detail: ["score": 72, "signals": ["consent": 25, "phone": 20, "email": 15, "source": 12]], at: createdAt)
        return sale
    }
}
