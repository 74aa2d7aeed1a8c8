import Benchmark
import BenchmarkFixtures
import Foundation
import LeadEngine
import LeadStore
import Synchronization

/// The outreach scheduler at scale: 100,000 enrollments whose first text fell due over the last
/// hour, dispatched by `runDue()` against the real SQLite store and the full pre-flight (state
/// rules, calling window, consent certificate verified, do-not-call look-up), to a channel that
/// answers at once. One sample is the whole backlog; steps a second = 100,000 ÷ its wall time.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "OutreachScheduler.runDue-100000-enrollments-due-over-an-hour",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(600), maxIterations: 1, warmupIterations: 0,
            metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal]
        )
    ) { benchmark, fixture in
        benchmark.startMeasurement()
        let dispatched = try await fixture.scheduler.runDue()
        benchmark.stopMeasurement()
        precondition(dispatched == fixture.enrollments && fixture.channel.count == fixture.enrollments, "dispatched \(dispatched), sent \(fixture.channel.count)")
        // One sample per run: the store goes with it.
        try? FileManager.default.removeItem(at: fixture.directory)
    } setup: {
        try await SchedulerFixture.make(enrollments: 100_000)
    }
}

/// A store holding `enrollments` leads of one tenant (Los Angeles numbers, each with a signed
/// written consent), one single-text sequence, and an enrollment each, due evenly over an hour.
struct SchedulerFixture: Sendable {
    let scheduler: OutreachScheduler
    let channel: CountingChannel
    let enrollments: Int
    let directory: URL

    /// Monday 20 April 2026, 11:00 in Los Angeles: the window is open an hour later.
    static let start: Int64 = 1_776_708_000_000

    static func make(enrollments: Int) async throws -> SchedulerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await LeadDatabase.open(path: directory.appendingPathComponent("bench.sqlite").path)
        let clock = ManualClock(milliseconds: Self.start)
        let tenantID = try await TenantProvisioning(repository: SQLiteTenantRepository(database: database), clock: clock).createTenant(name: "bench").tenant.id
        let signingKey = try await SQLiteSaleRepository(database: database).signingKey(orMake: { CertificateSigningKey.generate() })
        let leads = SQLiteLeadRepository(database: database)
        let sequences = SQLiteSequenceRepository(database: database)
        let sequence = OutreachSequence(
            id: "seq_bench", tenantID: tenantID, name: "bench", steps: [SequenceStep(channel: .sms, delayMinutes: 0, template: "Hi {{first_name}}")],
            status: .active, createdAt: clock.now(), updatedAt: clock.now()
        )
        try await sequences.insert(sequence)
        for index in 0..<enrollments {
            let leadID = "lead-\(index)"
            let phone = "+1213\(200 + index / 10_000)\(String(10_000 + index % 10_000).dropFirst())"
            let certificate = signingKey.certify(
                id: "cert-\(index)", tenantID: tenantID, leadID: leadID,
                consent: Consent(consentType: .tcpaExpressWritten, consentText: "I agree to be contacted.", ipAddress: "203.0.113.7"),
                createdAt: clock.now()
            )
            let lead = Lead(
                id: leadID, tenantID: tenantID, origin: .inbound, pingID: nil, buyerID: nil, campaignType: .solar, source: "bench",
                contact: LeadContact(firstName: "Jane", lastName: "Doe", phone: phone, email: "jane\(index)@example.com", state: "CA", zipCode: "90012"),
                status: .qualified, soldPriceCents: nil, consentCertificateID: certificate.id, createdAt: clock.now()
            )
            _ = try await leads.intake(tenantID: tenantID, phone: phone, email: lead.contact.email, since: 0) { _ in
                LeadIntake(lead: lead, certificate: certificate, events: [])
            }
            _ = try await sequences.enroll(
                Enrollment(
                    id: "enr-\(index)", tenantID: tenantID, sequenceID: sequence.id, leadID: leadID, status: .active, nextStep: 0,
                    nextStepAtMilliseconds: Self.start + Int64(index) * 3_600_000 / Int64(enrollments), enrolledAtMilliseconds: Self.start
                )
            )
        }
        clock.set(milliseconds: Self.start + 3_600_000)
        let rules = StateRuleBook.shipped
        let consents = ConsentRegistry(repository: SQLiteConsentRepository(database: database), signingKey: signingKey, clock: clock)
        let check = OutreachCheck(
            rules: rules, consents: consents, doNotCall: DoNotCallRegistry(internalList: SQLiteDoNotCallStore(database: database), rules: rules), clock: clock
        )
        let channel = CountingChannel()
        let scheduler = OutreachScheduler(
            repository: sequences, leads: leads, preflight: StepPreflight(check: check, repository: sequences), templates: VerbatimTemplates(),
            senders: [.sms: channel], clock: clock
        )
        return SchedulerFixture(scheduler: scheduler, channel: channel, enrollments: enrollments, directory: directory)
    }
}

/// A channel that accepts every text at once.
final class CountingChannel: OutreachSender {
    private let sent = Atomic<Int>(0)

    func send(_ message: OutreachMessage) async -> SendOutcome {
        self.sent.add(1, ordering: .relaxed)
        return .sent(providerID: nil)
    }

    var count: Int { self.sent.load(ordering: .relaxed) }
}

/// Texts as written: the benchmark measures the scheduler, not mustache.
struct VerbatimTemplates: StepTemplates {
    func template(id: String, tenantID: String) async throws -> StepTemplate? { nil }
    func check(_ text: String, field: String) throws {}
    func render(_ text: String, lead: Lead) -> String { text }
}
