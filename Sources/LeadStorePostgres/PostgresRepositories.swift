import LeadEngine

extension PostgresStore {
    /// Every repository of the engine on this store: what several nodes share.
    public var repositories: EngineStore {
        EngineStore(
            connection: self,
            tenants: PostgresTenantRepository(store: self),
            buyers: PostgresBuyerRepository(store: self),
            campaigns: PostgresCampaignRepository(store: self),
            pings: PostgresPingRepository(store: self),
            sales: PostgresSaleRepository(store: self),
            saleLog: PostgresSaleLog(store: self),
            leads: PostgresLeadRepository(store: self),
            ledger: PostgresLedgerRepository(store: self),
            salesFigures: PostgresSalesFiguresRepository(store: self),
            exports: PostgresExportRepository(store: self),
            idempotencyKeys: PostgresIdempotencyRepository(store: self),
            consents: PostgresConsentRepository(store: self),
            doNotCall: PostgresDoNotCallStore(store: self),
            consentWithdrawals: PostgresConsentWithdrawalStore(store: self),
            emailOptOuts: PostgresEmailOptOutStore(store: self),
            sequences: PostgresSequenceRepository(store: self),
            templates: PostgresTemplateRepository(store: self),
            domains: PostgresSendingDomainRepository(store: self),
            dashboardSessions: PostgresDashboardSessionRepository(store: self)
        )
    }
}
