/// The store one engine runs on: every repository the use cases read and write, as protocols.
/// The composition root chooses the implementation (SQLite for one node, PostgreSQL for several);
/// nothing else names one.
public struct EngineStore: Sendable {
    /// Opening, probing and closing the store itself.
    public let connection: any StoreConnection
    public let tenants: any TenantRepository
    public let buyers: any BuyerRepository
    public let campaigns: any CampaignRepository
    public let pings: any PingRepository
    public let sales: any SaleRepository
    /// Where posts commit their sales: SQLite logs them and fills the tables behind the answers;
    /// a shared store fills them at the append, holding the sale's limits.
    public let saleLog: any SaleLog
    public let leads: any LeadRepository
    public let ledger: any LedgerRepository
    public let salesFigures: any SalesFiguresRepository
    public let exports: any ExportRepository
    public let idempotencyKeys: any IdempotencyRepository
    public let consents: any ConsentRepository
    public let doNotCall: any DoNotCallStore
    public let consentWithdrawals: any ConsentWithdrawalStore
    public let emailOptOuts: any EmailOptOutStore
    public let sequences: any SequenceRepository
    public let templates: any TemplateRepository
    public let domains: any SendingDomainRepository
    public let dashboardSessions: any DashboardSessionRepository

    public init(
        connection: any StoreConnection, tenants: any TenantRepository, buyers: any BuyerRepository, campaigns: any CampaignRepository,
        pings: any PingRepository, sales: any SaleRepository, saleLog: any SaleLog, leads: any LeadRepository, ledger: any LedgerRepository,
        salesFigures: any SalesFiguresRepository, exports: any ExportRepository, idempotencyKeys: any IdempotencyRepository,
        consents: any ConsentRepository, doNotCall: any DoNotCallStore, consentWithdrawals: any ConsentWithdrawalStore,
        emailOptOuts: any EmailOptOutStore, sequences: any SequenceRepository, templates: any TemplateRepository,
        domains: any SendingDomainRepository, dashboardSessions: any DashboardSessionRepository
    ) {
        self.connection = connection
        self.tenants = tenants
        self.buyers = buyers
        self.campaigns = campaigns
        self.pings = pings
        self.sales = sales
        self.saleLog = saleLog
        self.leads = leads
        self.ledger = ledger
        self.salesFigures = salesFigures
        self.exports = exports
        self.idempotencyKeys = idempotencyKeys
        self.consents = consents
        self.doNotCall = doNotCall
        self.consentWithdrawals = consentWithdrawals
        self.emailOptOuts = emailOptOuts
        self.sequences = sequences
        self.templates = templates
        self.domains = domains
        self.dashboardSessions = dashboardSessions
    }
}

/// The store as a whole, apart from its repositories.
public protocol StoreConnection: Sendable {
    /// Where the store is, for logs: a file path, or a URL without its password.
    var location: String { get }
    /// Whether several nodes may share the store: it then holds the limits no node's memory sees
    /// whole (`SaleLimits`), and hands out background work to one node at a time.
    var isShared: Bool { get }
    /// What the latest writes said about the store; shared with whoever answers for it.
    var health: StorageHealth { get }
    /// Tries one small write, so a store that failed is found writable again although nothing
    /// else writes meanwhile; the outcome reaches `health`.
    func probeWrite() async throws
    /// Runs what the store needs (a connection pool) until cancelled; whoever opens the store runs
    /// it around everything that uses the store. Returns at once when the store needs nothing.
    func run() async throws
    /// Closes the store after the server has drained; later calls fail.
    func close() async throws
    /// Follows the changes other nodes make to what every node keeps in memory (buyers,
    /// campaigns, keys, ping settings, balances), calling `apply` for each notice, until cancelled; for a
    /// store several nodes share. A store one node owns has nothing to follow and returns at once.
    func followChanges(_ apply: @escaping @Sendable (StoreChangeNotice) async -> Void) async throws
}

extension StoreConnection {
    public func followChanges(_ apply: @escaping @Sendable (StoreChangeNotice) async -> Void) async throws {}
}
