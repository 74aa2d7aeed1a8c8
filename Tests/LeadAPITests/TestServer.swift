import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadOutbound
import LeadStore
import Logging
import NIOCore
import Testing

/// A database file migrated once per test run, copied for each test server: migrating each
/// server's database from nothing would crowd the few threads the timing tests share.
enum MigratedDatabaseTemplate {
    static let path: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-template-\(UUID().uuidString).sqlite").path
        do {
            try LeadDatabase(path: path).close()
        } catch {
            fatalError("cannot make the template database: \(error)")
        }
        return path
    }()
}

/// A server on a temporary database file with two tenants, built by the same composition root as
/// `ezleeds serve`. Time stands still (a manual clock) unless a test moves it.
struct TestServer {
    let configuration: ServerConfiguration
    let dependencies: AppDependencies
    let clock: ManualClock
    let tenant: ProvisionedTenant
    let otherTenant: ProvisionedTenant
    let directory: URL

    /// Most tests' bidders and webhooks listen on loopback, so the outbound target policy is lifted
    /// unless a test sets it (`targets`), with the look-ups and dials it wants (`resolver`, `connector`).
    static func make(
        targets: (inout ServerConfiguration) -> Void = { $0.allowPrivateTargets = true }, resolver: any TargetResolver = SystemTargetResolver(),
        connector: any OutboundConnector = SocketConnector(), outreachSenders: [OutreachChannel: any OutreachSender]? = nil,
        txtResolver: any TXTResolver = ScriptedTXTResolver(), mailTransport: (any MailTransport)? = nil
    ) async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, databasePath: directory.appendingPathComponent("test.sqlite").path, logLevel: .warning,
            keyRefreshIntervalMilliseconds: 50
        )
        // Tests drive the outreach scheduler step by step (`outreachScheduler.runDue()`).
        configuration.runsOutreachScheduler = false
        // Tests of deliveries expect a loopback receiver's answer inline, however loaded the machine;
        // the budget's own test sets it short.
        configuration.inlineDeliveryMilliseconds = 5_000
        targets(&configuration)
        try FileManager.default.copyItem(atPath: MigratedDatabaseTemplate.path, toPath: configuration.databasePath)
        let clock = ManualClock()
        let dependencies = try await AppDependencies.open(
            configuration, clock: clock, resolver: resolver, connector: connector, outreachSenders: outreachSenders,
            txtResolver: txtResolver, dkimKeys: FixedDKIMKey(), mailTransport: mailTransport
        )
        let tenant = try await dependencies.tenants.createTenant(name: "Tenant A")
        let otherTenant = try await dependencies.tenants.createTenant(name: "Tenant B")
        try await dependencies.keyRingRefresher.refresh()
        return TestServer(
            configuration: configuration, dependencies: dependencies, clock: clock, tenant: tenant, otherTenant: otherTenant,
            directory: directory
        )
    }

    /// The same database and tenants behind a server built with other settings.
    func reopened(_ change: (inout ServerConfiguration) -> Void) async throws -> TestServer {
        var configuration = self.configuration
        change(&configuration)
        await self.dependencies.shutdown()
        let dependencies = try await AppDependencies.open(configuration, clock: self.clock)
        return TestServer(
            configuration: configuration, dependencies: dependencies, clock: self.clock, tenant: self.tenant, otherTenant: self.otherTenant,
            directory: self.directory
        )
    }

    var app: some ApplicationProtocol {
        buildApplication(self.configuration, dependencies: self.dependencies)
    }

    /// Runs `body` against the router, in process, then removes the database.
    func test(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await self.app.test(setup) { client in try await body(client) }
        } catch {
            await self.close()
            throw error
        }
        await self.close()
    }

    /// Releases the HTTP client and removes the database.
    func close() async {
        await self.dependencies.shutdown()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// A new key of the first tenant, picked up by the key ring at once.
    func issueKey(role: KeyRole, rateLimitPerMinute: Int? = nil) async throws -> IssuedKey {
        let issued = try await self.dependencies.tenants.createKey(tenantID: self.tenant.tenant.id, role: role, rateLimitPerMinute: rateLimitPerMinute)
        try await self.dependencies.keyRingRefresher.refresh()
        return issued
    }
}

extension HTTPFields {
    static func apiKey(_ key: String) -> HTTPFields {
        [HTTPField.Name("X-API-Key")!: key, .contentType: "application/json"]
    }

    static func complianceKey(_ key: String) -> HTTPFields {
        [HTTPField.Name("X-Compliance-API-Key")!: key, .contentType: "application/json"]
    }
}

extension ByteBuffer {
    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}

extension TestResponse {
    /// The body as a JSON object; fails the test when it is not one.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let data = Data(self.body.readableBytesView)
        let value = try JSONSerialization.jsonObject(with: data)
        return try #require(value as? [String: Any], "body is not a JSON object: \(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    var text: String { String(buffer: self.body) }
}

/// The spec's example bodies.
enum SpecExample {
    static let buyer = """
        {"name": "Acme Legal Partners", "campaign_types": ["legal_pi", "legal_mass_tort"], "states": ["NV", "CA"],
         "max_price_cents": 50000, "webhook_url": "https://acme.example.com/leads", "webhook_secret": "whsec_abc123"}
        """
    static let buyerPatch = #"{"states": ["NV", "CA", "AZ"], "max_price_cents": 55000}"#
    static let campaign = """
        {"name": "NV Personal Injury Q2", "campaign_type": "legal_pi", "states": ["NV", "CA", "AZ"],
         "budget_cents": 5000000, "max_leads_per_day": 50, "delivery_webhook": "https://crm.example.com/leads"}
        """
    static let campaignPatch = #"{"status": "paused", "max_leads_per_day": 25}"#
}

/// Creates through the API and returns the new object's id.
func create(_ path: String, body: String, key: String, client: some TestClientProtocol) async throws -> String {
    try await client.execute(uri: path, method: .post, headers: .apiKey(key), body: .json(body)) { response in
        #expect(response.status == .created, "\(response.text)")
        return try #require(try response.object()["id"] as? String)
    }
}

extension AppDependencies {
    /// The composition root's open on the SQLite file the configuration names, as `ezleeds serve` does.
    static func open(
        _ configuration: ServerConfiguration, clock: any EngineClock = SystemClock(), resolver: any TargetResolver = SystemTargetResolver(),
        connector: any OutboundConnector = SocketConnector(), outreachSenders: [OutreachChannel: any OutreachSender]? = nil,
        txtResolver: (any TXTResolver)? = nil, dkimKeys: any DKIMKeySource = GeneratedDKIMKeys(), mailTransport: (any MailTransport)? = nil
    ) async throws -> AppDependencies {
        let store = try await SQLiteStore.open(path: configuration.databasePath, health: Self.storageHealth(configuration, clock: clock))
        return try await open(
            configuration, store: store, clock: clock, resolver: resolver, connector: connector,
            outreachSenders: outreachSenders, txtResolver: txtResolver, dkimKeys: dkimKeys, mailTransport: mailTransport
        )
    }

    /// The SQLite database under the server, for tests that break or inspect the store itself.
    var database: LeadDatabase {
        guard let database = self.store.connection as? LeadDatabase else { fatalError("the test server runs on SQLite") }
        return database
    }
}
