import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Path of the SQLite database file (env EZLEEDS_DB).")
    var databasePath: String = "./ezleeds.sqlite"

    /// The database, which must exist: only `serve` and `tenant create` make one, so a mistyped
    /// path fails here instead of leaving an empty database behind.
    func openExisting() async throws -> LeadDatabase {
        try await LeadDatabase.open(path: self.databasePath, createIfMissing: false)
    }

    /// Fails early, before a command does work it would have to throw away.
    func requireExisting() throws {
        try LeadDatabase.requireExisting(at: self.databasePath)
    }
}

/// The store and tenant use cases, for commands that run beside (or without) a server.
struct Tenancy {
    let provisioning: TenantProvisioning

    init(path: String, createIfMissing: Bool = false) throws {
        let database = try LeadDatabase(path: path, createIfMissing: createIfMissing)
        self.provisioning = TenantProvisioning(repository: SQLiteTenantRepository(database: database), clock: SystemClock())
    }
}
