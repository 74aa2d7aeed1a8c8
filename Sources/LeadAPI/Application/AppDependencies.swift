import LeadEngine
import LeadStore
import Prometheus

/// The concrete parts of one running engine, chosen here and nowhere else: the SQLite store, the
/// in-memory key ring, rate limiter and buyer index, and the use cases built on them.
public struct AppDependencies: Sendable {
    public let database: LeadDatabase
    public let clock: any EngineClock
    public let keyRing: KeyRing
    public let keyRingRefresher: KeyRingRefresher
    public let rateLimiter: RateLimiter
    public let tenants: TenantProvisioning
    public let buyers: BuyerRegistry
    public let campaigns: CampaignRegistry
    public let metrics: PrometheusCollectorRegistry

    /// Opens (and migrates) the store, then loads keys and buyers into memory.
    public static func open(_ configuration: ServerConfiguration, clock: any EngineClock = SystemClock()) async throws -> AppDependencies {
        let database = try LeadDatabase(path: configuration.databasePath)
        let tenantRepository = SQLiteTenantRepository(database: database)
        let buyerRepository = SQLiteBuyerRepository(database: database)
        let keyRing = KeyRing()
        let dependencies = AppDependencies(
            database: database,
            clock: clock,
            keyRing: keyRing,
            keyRingRefresher: KeyRingRefresher(repository: tenantRepository, keyRing: keyRing),
            rateLimiter: RateLimiter(clock: clock),
            tenants: TenantProvisioning(repository: tenantRepository, clock: clock),
            buyers: BuyerRegistry(repository: buyerRepository, index: BuyerIndex(), clock: clock),
            campaigns: CampaignRegistry(repository: SQLiteCampaignRepository(database: database), buyers: buyerRepository, clock: clock),
            metrics: PrometheusCollectorRegistry()
        )
        try await dependencies.keyRingRefresher.refresh()
        try await dependencies.buyers.loadIndex()
        return dependencies
    }
}
