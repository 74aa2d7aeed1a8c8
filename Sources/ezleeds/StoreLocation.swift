import LeadEngine
import LeadStore
import LeadStorePostgres

/// Where the engine's store is: one SQLite file (one node), or a PostgreSQL database several
/// nodes share. The one place the command line names a concrete store.
enum StoreLocation {
    case sqlite(path: String)
    case postgres(url: String)

    init(databasePath: String, storeURL: String?) {
        if let storeURL, !storeURL.isEmpty { self = .postgres(url: storeURL) } else { self = .sqlite(path: databasePath) }
    }

    /// Opens (and migrates) the store; a SQLite file is created when missing only if `createIfMissing`.
    func open(createIfMissing: Bool, health: StorageHealth = StorageHealth()) async throws -> EngineStore {
        switch self {
        case .sqlite(let path): try await SQLiteStore.open(path: path, createIfMissing: createIfMissing, health: health)
        case .postgres(let url): try await PostgresStore.open(url: url, health: health).repositories
        }
    }

    /// Runs `body` on the open store with the store's `run()` beside it, then closes the store.
    func withStore<T>(createIfMissing: Bool = false, _ body: (EngineStore) async throws -> T) async throws -> T {
        let store = try await self.open(createIfMissing: createIfMissing)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await store.connection.run() }
            defer { group.cancelAll() }
            do {
                let value = try await body(store)
                try await store.connection.close()
                return value
            } catch {
                try? await store.connection.close()
                throw error
            }
        }
    }
}
