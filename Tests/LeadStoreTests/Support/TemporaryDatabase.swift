import Foundation
import LeadEngine
@testable import LeadStore

/// A database file under the temporary directory with a unique name, removed (with its WAL and
/// shared-memory files) when the test is done.
struct TemporaryDatabaseFile {
    let path: String

    init() {
        self.path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ezleeds-test-\(UUID().uuidString).sqlite").path
    }

    func remove() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: self.path + suffix)
        }
    }

    var exists: Bool { FileManager.default.fileExists(atPath: self.path) }
}

/// Opens a fresh database file, runs `body`, then closes and deletes it whatever happened.
func withTemporaryDatabase<T>(_ body: (LeadDatabase) async throws -> T) async throws -> T {
    let file = TemporaryDatabaseFile()
    defer { file.remove() }
    try MigratedDatabaseTemplate.copy(to: file.path)
    let database = try await LeadDatabase.open(path: file.path)
    do {
        let result = try await body(database)
        try database.close()
        return result
    } catch {
        try? database.close()
        throw error
    }
}

/// Fixed, millisecond-exact times so that rows read back compare equal.
enum Times {
    static let base: Int64 = 1_776_000_000_000

    static func at(_ offsetMilliseconds: Int64) -> Date {
        Date(epochMilliseconds: Self.base + offsetMilliseconds)
    }
}

enum Fixtures {
    static func tenant(_ id: String, offset: Int64 = 0) -> Tenant {
        Tenant(id: id, name: "Tenant \(id)", createdAt: Times.at(offset))
    }

    static func key(id: String, tenantID: String, role: KeyRole = .standard, rateLimit: Int = 100, offset: Int64 = 0) -> (key: APIKey, secret: String) {
        let secret = KeySecret(role: role)
        let key = APIKey(
            id: id, tenantID: tenantID, role: role, secretHash: secret.hash, displayPrefix: secret.displayPrefix,
            rateLimitPerMinute: rateLimit, createdAt: Times.at(offset)
        )
        return (key, secret.value)
    }

    static func buyer(
        _ id: String, tenantID: String, types: [CampaignType] = [.legalPI], states: [String] = ["CA"], price: Int64 = 1_000,
        status: BuyerStatus = .active, offset: Int64 = 0
    ) -> Buyer {
        Buyer(
            id: id, tenantID: tenantID, name: "Buyer \(id)", campaignTypes: types, states: states, maxPriceCents: price,
            status: status, createdAt: Times.at(offset), updatedAt: Times.at(offset)
        )
    }

    static func campaign(
        _ id: String, tenantID: String, type: CampaignType = .legalPI, states: [String] = ["CA"], budget: Int64 = 100_000,
        status: CampaignStatus = .active, buyerID: String? = nil, offset: Int64 = 0
    ) -> Campaign {
        Campaign(
            id: id, tenantID: tenantID, name: "Campaign \(id)", campaignType: type, states: states, budgetCents: budget,
            buyerID: buyerID, status: status, createdAt: Times.at(offset), updatedAt: Times.at(offset)
        )
    }

    /// Inserts tenants with no keys, which buyers, campaigns and sales must belong to.
    static func insertTenants(_ ids: [String], into database: LeadDatabase) async throws {
        let repository = SQLiteTenantRepository(database: database)
        for id in ids { try await repository.insert(Self.tenant(id), keys: []) }
    }
}

struct TransformFailure: Error, Equatable {}

/// A database file migrated once per test run: copying it is much cheaper than migrating every
/// test's database from nothing, which would crowd the few threads the timing tests share.
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

    static func copy(to path: String) throws {
        try FileManager.default.copyItem(atPath: Self.path, toPath: path)
    }
}
