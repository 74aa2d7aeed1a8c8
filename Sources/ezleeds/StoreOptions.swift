import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Path of the SQLite database file (env EZLEEDS_DB).")
    var databasePath: String = "./ezleeds.sqlite"
    @Option(
        name: .customLong("store"),
        help: "A PostgreSQL store instead of the SQLite file: postgres://user:password@host:port/database (env EZLEEDS_STORE_URL)."
    )
    var storeURL: String?

    var location: StoreLocation { StoreLocation(databasePath: self.databasePath, storeURL: self.storeURL) }

    /// Fails early, before a command does work it would have to throw away: a SQLite file must
    /// exist (only `serve` and `tenant create` make one, so a mistyped path leaves nothing behind).
    func requireExisting() throws {
        if case .sqlite(let path) = self.location { try LeadDatabase.requireExisting(at: path) }
    }

    /// Runs `body` on the store, which must exist unless `createIfMissing`.
    func withStore<T>(createIfMissing: Bool = false, _ body: (EngineStore) async throws -> T) async throws -> T {
        try await self.location.withStore(createIfMissing: createIfMissing, body)
    }

    /// The tenant use cases, for commands that run beside (or without) a server.
    func withTenancy<T>(createIfMissing: Bool = false, _ body: (TenantProvisioning) async throws -> T) async throws -> T {
        try await self.withStore(createIfMissing: createIfMissing) { store in
            try await body(TenantProvisioning(repository: store.tenants, clock: SystemClock()))
        }
    }
}
