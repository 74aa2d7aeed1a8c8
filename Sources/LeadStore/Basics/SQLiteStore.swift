import Foundation
import LeadEngine

/// The engine's store in one SQLite file: one node, nothing to install.
public enum SQLiteStore {
    /// Opens (and migrates) the database at `path`, created when missing unless `createIfMissing` is false.
    public static func open(path: String, createIfMissing: Bool = true, health: StorageHealth = StorageHealth()) async throws -> EngineStore {
        repositories(on: try await LeadDatabase.open(path: path, createIfMissing: createIfMissing, health: health))
    }

    /// The repositories on an open database; `connection` stands for the store as a whole (the database itself unless a test wraps it).
    public static func repositories(on database: LeadDatabase, connection: (any StoreConnection)? = nil) -> EngineStore {
        EngineStore(
            connection: connection ?? database,
            tenants: SQLiteTenantRepository(database: database),
            buyers: SQLiteBuyerRepository(database: database),
            campaigns: SQLiteCampaignRepository(database: database),
            pings: SQLitePingRepository(database: database),
            sales: SQLiteSaleRepository(database: database),
            saleLog: SQLiteSaleLog(database: database),
            leads: SQLiteLeadRepository(database: database),
            ledger: SQLiteLedgerRepository(database: database),
            salesFigures: SQLiteSalesFiguresRepository(database: database),
            exports: SQLiteExportRepository(database: database),
            idempotencyKeys: SQLiteIdempotencyRepository(database: database),
            consents: SQLiteConsentRepository(database: database),
            doNotCall: SQLiteDoNotCallStore(database: database),
            consentWithdrawals: SQLiteConsentWithdrawalStore(database: database),
            emailOptOuts: SQLiteEmailOptOutStore(database: database),
            sequences: SQLiteSequenceRepository(database: database),
            templates: SQLiteTemplateRepository(database: database),
            domains: SQLiteSendingDomainRepository(database: database),
            dashboardSessions: SQLiteDashboardSessionRepository(database: database)
        )
    }
}

extension LeadDatabase: StoreConnection {
    public var location: String { self.path }

    /// One server at a time holds the file (`DatabaseLock`).
    public var isShared: Bool { false }

    /// SQLite runs in the process: nothing to keep running.
    public func run() async throws {}
}
