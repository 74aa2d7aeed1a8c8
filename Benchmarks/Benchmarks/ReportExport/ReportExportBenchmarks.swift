import Benchmark
import BenchmarkFixtures
import Foundation
import GRDB
import LeadEngine
import LeadStore

/// `GET /reports/export?type=leads` without the socket: 1,000,000 leads of one tenant read in
/// keyset batches from the real SQLite store and written as CSV lines (the server's code), the
/// bytes counted and dropped. One sample is the whole export; rows a second = 1,000,000 ÷ its wall
/// time. Peak resident memory shows what streaming holds: one batch, not the export.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "ReportExport.leads-csv-1000000-rows",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(600), maxIterations: 3, warmupIterations: 0,
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal]
        )
    ) { benchmark, fixture in
        var bytes: [UInt8] = []
        var written = 0
        var rows = 0
        benchmark.startMeasurement()
        try await fixture.exports.leads(tenantID: fixture.tenantID, filter: LeadFilter()) { leads in
            // As the server does: a batch's lines into one buffer, then handed on.
            bytes.removeAll(keepingCapacity: true)
            for lead in leads { ExportRecords.leadRecord(lead).write(to: &bytes) }
            written += bytes.count
            rows += leads.count
        }
        benchmark.stopMeasurement()
        precondition(rows == fixture.leads, "exported \(rows) of \(fixture.leads)")
        blackHole(written)
    } setup: {
        try await ExportFixture.make(leads: 1_000_000)
    }

    // The reference: the same rows read by one plain SELECT on a cursor, every column touched,
    // nothing decoded or written. The export's cost over it is batching, decoding and CSV.
    Benchmark(
        "ReportExport.reference-select-1000000-rows",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(600), maxIterations: 3, warmupIterations: 0,
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal]
        )
    ) { benchmark, fixture in
        let reader = try DatabaseQueue(path: fixture.path)
        benchmark.startMeasurement()
        let (rows, bytes) = try await reader.read { db in
            var rows = 0
            var bytes = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM leads WHERE tenant_id = ? ORDER BY created_at, id", arguments: [fixture.tenantID])
            while let row = try cursor.next() {
                for index in 0..<row.count {
                    switch (row[index] as DatabaseValue).storage {
                    case .string(let text): bytes += text.utf8.count
                    case .int64, .double: bytes += 8
                    case .blob(let data): bytes += data.count
                    case .null: break
                    }
                }
                rows += 1
            }
            return (rows, bytes)
        }
        benchmark.stopMeasurement()
        precondition(rows == fixture.leads, "read \(rows) of \(fixture.leads)")
        blackHole(bytes)
        try reader.close()
    } setup: {
        try await ExportFixture.make(leads: 1_000_000)
    }
}

/// A store holding `leads` leads of one tenant, written straight into the schema in one
/// transaction (the API would take an hour to make them), a few milliseconds apart.
struct ExportFixture: Sendable {
    let exports: ReportExports
    let tenantID: String
    let leads: Int
    let path: String

    static func make(leads: Int) async throws -> ExportFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("bench.sqlite").path
        let database = try await LeadDatabase.open(path: path)
        let tenantID = try await TenantProvisioning(repository: SQLiteTenantRepository(database: database), clock: ManualClock())
            .createTenant(name: "bench").tenant.id
        let writer = try DatabaseQueue(path: path)
        try await writer.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO leads (id, tenant_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status,
                        sold_price_cents, score, notes, origin, created_at, updated_at)
                    VALUES (?, ?, 'legal_pi', ?, ?, ?, ?, ?, 'NV', '89101', ?, ?, ?, ?, 'inbound', ?, ?)
                    """
            )
            for index in 0..<leads {
                let created: Int64 = 1_776_000_000_000 + Int64(index) * 3
                let sold = index % 3 == 0
                try statement.execute(arguments: [
                    "lead-\(String(index + 10_000_000))", tenantID, index % 50 == 0 ? "=campaign \(index % 7)" : "landing_page_v\(index % 7)",
                    "Jane\(index % 100)", "Doe, Jr", "jane\(index)@example.com", "+1702\(String(5_550_000 + index % 10_000_000).suffix(7))",
                    sold ? "sold" : "qualified", sold ? 32_500 : nil, 40 + index % 60, index % 10 == 0 ? "called twice, \"no answer\"" : nil,
                    created, created,
                ])
            }
        }
        try writer.close()
        return ExportFixture(
            exports: ReportExports(repository: SQLiteExportRepository(database: database)), tenantID: tenantID, leads: leads, path: path
        )
    }
}
