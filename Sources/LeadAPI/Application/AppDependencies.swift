import LeadEngine
import LeadOutbound
import Logging
import NIOCore
import NIOPosix
import Prometheus

/// The parts of one running engine: the store it was given, the in-memory key ring, rate limiter
/// and buyer index, and the use cases built on them.
public struct AppDependencies: Sendable {
    public let store: EngineStore
    /// Whether the store takes writes: readiness, and pings refused while it does not.
    public let storage: StorageHealth
    public let clock: any EngineClock
    public let keyRing: KeyRing
    public let keyRingRefresher: KeyRingRefresher
    /// What this node keeps in memory of the store, read again when another node changes it.
    public var mirror: StoreMirror {
        StoreMirror(buyers: self.buyers, campaigns: self.campaigns, keys: self.keyRingRefresher, settings: self.settings, ledger: self.ledger)
    }
    public let rateLimiter: RateLimiter
    public let tenants: TenantProvisioning
    public let buyers: BuyerRegistry
    public let campaigns: CampaignRegistry
    public let pingBook: PingBook
    public let pingJournal: PingJournal
    public let pings: PingRecords
    /// Prunes unsold pings past `--ping-retention-days` (a service in `buildApplication`).
    public let pingRetention: PingRetention
    public let settings: PingPostSettings
    public let auctioneer: Auctioneer
    public let salesDesk: SalesDesk
    /// Fills the tables from the sale log; every read waits on it for the sales acknowledged before it.
    public let saleLog: SaleMaterialiser
    public let courier: Courier
    public let consents: ConsentRegistry
    public let leads: LeadDesk
    public let ledger: Ledger
    /// The dashboard and the breakdowns by campaign and buyer.
    public let reports: SalesReports
    /// CSV exports of leads, transactions and pings, read in batches.
    public let exports: ReportExports
    /// Operators signed in to the dashboard, and what its pages show.
    public let dashboardSessions: DashboardSessions
    public let operatorPages: OperatorPages
    /// This node's last hour of pings, bids, sales and deliveries, for the dashboard's live figures.
    public let activity: MarketActivity
    public let idempotencyKeys: any IdempotencyRepository
    public let stateRules: StateRuleBook
    public let doNotCall: DoNotCallRegistry
    public let doNotCallStore: any DoNotCallStore
    public let outreach: OutreachCheck
    public let sequences: SequenceRegistry
    /// The tenants' outreach texts, which sequence steps name and render.
    public let templates: TemplateRegistry
    /// The tenants' sending domains: their DKIM keys, records and DNS verification.
    public let domains: DomainRegistry
    /// One-click unsubscribes from outreach email.
    public let emailUnsubscribe: EmailUnsubscribe
    /// Runs sequences' steps as they fall due (a service in `buildApplication`).
    public let outreachScheduler: OutreachScheduler
    /// STOP replies and revoked consents: the internal list, the certificates and the enrollments, together.
    public let consentWithdrawal: ConsentWithdrawal
    /// The outbound target policy with the resolver it checks addresses from; every URL a tenant
    /// gives is vetted by it when saved, and every connection to one is made through it.
    public let targets: TargetGate
    /// Keep-alive connections to buyers' bid endpoints; closed after the server drains.
    public let bidConnections: OutboundConnectionPool
    /// Keep-alive connections to webhooks (lead deliveries), apart from bids so that a slow
    /// webhook never trips a bid endpoint's breaker.
    public let deliveryConnections: OutboundConnectionPool
    /// Connections to the operator's SMS provider and dialer: trusted endpoints, so private addresses are allowed.
    public let outreachConnections: OutboundConnectionPool
    /// Connections of the public webhook tester, under the same target policy as deliveries but apart
    /// from them: anyone may aim it anywhere, and must not tie up or trip a buyer's delivery connections.
    public let webhookTestConnections: OutboundConnectionPool
    public let metrics: PrometheusCollectorRegistry
    let routeRecorders: RouteRecorders
    /// The server's event loops; ping book shard `i` runs on loop `i`, so code on a loop reaches its shard without a hop.
    public let eventLoops: [any EventLoop]

    /// What the store's writes say about it, logged as it changes; give it to the store when opening it.
    public static func storageHealth(_ configuration: ServerConfiguration, clock: any EngineClock = SystemClock()) -> StorageHealth {
        var logger = Logger(label: "ezleeds")
        logger.logLevel = configuration.logLevel
        return StorageHealth(clock: clock, report: { [logger] change in change.log(to: logger) })
    }

    /// Builds the engine on an open store (whose `run()` its opener runs around this and the
    /// server), then loads into memory what the hot paths read: keys, buyers, floors, live pings,
    /// campaign budgets and today's sales per buyer.
    /// `resolver` and `connector` are the outbound target policy's look-ups and dials, injected by tests.
    public static func open(
        _ configuration: ServerConfiguration, store: EngineStore, clock: any EngineClock = SystemClock(), resolver: any TargetResolver = SystemTargetResolver(),
        connector: any OutboundConnector = SocketConnector(), outreachSenders senders: [OutreachChannel: any OutreachSender]? = nil,
        txtResolver: (any TXTResolver)? = nil, dkimKeys: any DKIMKeySource = GeneratedDKIMKeys(), mailTransport: (any MailTransport)? = nil
    ) async throws -> AppDependencies {
        let targets = TargetGate(policy: try configuration.outboundTargetPolicy(), resolver: resolver)
        let domainResolver = try txtResolver ?? DomainLookups.resolver(configuration)
        var storageLogger = Logger(label: "ezleeds")
        storageLogger.logLevel = configuration.logLevel
        let storage = store.connection.health
        let domainRepository = store.domains
        let tenantRepository = store.tenants
        let buyerRepository = store.buyers
        let salesFigures = store.salesFigures
        let campaignRepository = store.campaigns
        let pingRepository = store.pings
        let keyRing = KeyRing()
        let buyerIndex = BuyerIndex()
        let eventLoops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let pingBook = PingBook(executors: eventLoops.map(\.executor), maxLivePingsPerTenant: configuration.maxLivePingsPerTenant)
        let metrics = PrometheusCollectorRegistry()
        let pingJournal = PingJournal()
        let floorPrices = FloorPrices()
        let dailySales = DailySales()
        let budgets = CampaignBudgets()
        let sharing = SharedSaleLimits()
        let funds = BuyerFunds()
        let bidConnections = OutboundConnectionPool(gate: targets, connector: connector)
        let deliveryConnections = OutboundConnectionPool(gate: targets, connector: connector)
        let webhookTestConnections = OutboundConnectionPool(gate: targets, connector: connector)
        let saleRepository = store.sales
        let signingKey = try await saleRepository.signingKey(orMake: { CertificateSigningKey.generate() })
        let saleLog = SaleMaterialiser(log: store.saleLog) { [storageLogger] refused in
            for sale in refused {
                storageLogger.error(
                    "a logged sale was refused by the tables and kept aside in sale_log_refused",
                    metadata: ["position": "\(sale.position)", "lead_id": "\(sale.leadID ?? "?")", "reason": "\(sale.reason)"]
                )
            }
        }
        // Sales a crash left in the log first: balances, caps and budgets load from the tables.
        let replayed = try await saleLog.catchUp()
        if replayed > 0 { storageLogger.info("sales filled in from the sale log", metadata: ["count": "\(replayed)"]) }
        let activity = MarketActivity(node: configuration.resolvedNodeName)
        let pings = PingRecords(book: pingBook, repository: pingRepository, journal: pingJournal, clock: clock, activity: activity)
        let auctioneer = Auctioneer(
            buyers: buyerIndex, book: pingBook, floors: floorPrices, journal: pingJournal, dailySales: dailySales, budgets: budgets, funds: funds,
            bidRequester: HTTPBidRequester(pool: bidConnections), clock: clock, activity: activity
        )
        let courier = Courier(
            repository: saleRepository, deliverer: HTTPLeadDeliverer(pool: deliveryConnections), buyers: buyerIndex, clock: clock,
            inlineAttemptMilliseconds: configuration.inlineDeliveryMilliseconds, activity: activity
        )
        let stateRules = StateRuleBook.shipped
        let doNotCallStore = store.doNotCall
        let doNotCall = DoNotCallRegistry(internalList: doNotCallStore, rules: stateRules)
        let salesDesk = SalesDesk(
            book: pingBook, pings: pings, repository: saleRepository, log: saleLog, courier: courier, buyers: buyerIndex, dailySales: dailySales,
            budgets: budgets, signingKey: signingKey, clock: clock, sharing: sharing, funds: funds, doNotCall: doNotCall, activity: activity
        )
        let consents = ConsentRegistry(repository: store.consents, signingKey: signingKey, clock: clock)
        let leadRepository = store.leads
        let sequenceRepository = store.sequences
        let outreach = OutreachCheck(rules: stateRules, consents: consents, doNotCall: doNotCall, clock: clock, recordedContacts: sequenceRepository)
        let templates = TemplateRegistry(repository: store.templates, sequences: sequenceRepository, clock: clock)
        let emailOptOuts = store.emailOptOuts
        let unsubscribeTokens = UnsubscribeTokens(secret: signingKey.rawPrivateKey)
        let outreachConnections = OutboundConnectionPool(
            gate: TargetGate(policy: OutboundTargetPolicy(allowsPrivateTargets: true), resolver: resolver), connector: connector
        )
        var configuredSenders: [OutreachChannel: any OutreachSender] = [:]
        if let account = configuration.sms { configuredSenders[.sms] = TwilioSMSSender(account: account, pool: outreachConnections) }
        if let dialer = configuration.dialer { configuredSenders[.call] = DialerCallSender(endpoint: dialer, pool: outreachConnections, clock: clock) }
        if let transport = try mailTransport ?? DomainLookups.mailRelay(configuration) {
            configuredSenders[.email] = EmailOutreach(
                domains: domainRepository, identities: tenantRepository, tokens: unsubscribeTokens, transport: transport,
                publicBaseURL: configuration.publicBaseURL ?? "http://\(configuration.host):\(configuration.port)", clock: clock
            )
        }
        let outreachSenders = configuredSenders.merging(senders ?? [:]) { $1 }
        let outreachScheduler = OutreachScheduler(
            repository: sequenceRepository, leads: leadRepository, preflight: StepPreflight(check: outreach, repository: sequenceRepository, emailOptOuts: emailOptOuts),
            templates: templates, senders: outreachSenders, clock: clock
        )
        let domains = DomainRegistry(
            repository: domainRepository,
            verifier: DomainVerifier(
                resolver: domainResolver, suffixes: DomainLookups.publicSuffixes(at: configuration.publicSuffixListPath),
                spfInclude: configuration.spfInclude
            ),
            spfInclude: configuration.spfInclude, keys: dkimKeys, clock: clock
        )
        let reports = SalesReports(figures: salesFigures, buyers: buyerRepository, campaigns: campaignRepository, clock: clock)
        let dependencies = AppDependencies(
            store: store,
            storage: storage,
            clock: clock,
            keyRing: keyRing,
            keyRingRefresher: KeyRingRefresher(repository: tenantRepository, keyRing: keyRing),
            rateLimiter: RateLimiter(clock: clock),
            tenants: TenantProvisioning(repository: tenantRepository, clock: clock),
            buyers: BuyerRegistry(repository: buyerRepository, index: buyerIndex, clock: clock, funds: funds, targets: targets),
            campaigns: CampaignRegistry(
                repository: campaignRepository, buyers: buyerRepository, budgets: budgets, clock: clock, targets: targets
            ),
            pingBook: pingBook,
            pingJournal: pingJournal,
            pings: pings,
            pingRetention: PingRetention(repository: pingRepository, days: configuration.pingRetentionDays, clock: clock),
            settings: PingPostSettings(floors: floorPrices, sharing: sharing, repository: pingRepository),
            auctioneer: auctioneer,
            salesDesk: salesDesk,
            saleLog: saleLog,
            courier: courier,
            consents: consents,
            leads: LeadDesk(
                repository: leadRepository, auctioneer: auctioneer, salesDesk: salesDesk, buyers: buyerIndex,
                funds: funds, doNotCall: doNotCall, signingKey: signingKey, clock: clock,
                dedupWindowMilliseconds: Int64(configuration.dedupWindowDays) * 86_400_000
            ),
            ledger: Ledger(repository: store.ledger, sales: salesFigures, funds: funds, clock: clock),
            reports: reports,
            exports: ReportExports(repository: store.exports),
            dashboardSessions: DashboardSessions(repository: store.dashboardSessions, keyRing: keyRing, clock: clock),
            operatorPages: OperatorPages(tenants: tenantRepository, reports: reports, buyers: buyerRepository, activity: activity, clock: clock),
            activity: activity,
            idempotencyKeys: store.idempotencyKeys,
            stateRules: stateRules,
            doNotCall: doNotCall,
            doNotCallStore: doNotCallStore,
            outreach: outreach,
            sequences: SequenceRegistry(
                repository: sequenceRepository, leads: leadRepository, templates: templates, scheduler: outreachScheduler,
                domains: domainRepository, clock: clock
            ),
            templates: templates,
            domains: domains,
            emailUnsubscribe: EmailUnsubscribe(store: emailOptOuts, tokens: unsubscribeTokens, clock: clock),
            outreachScheduler: outreachScheduler,
            consentWithdrawal: ConsentWithdrawal(
                store: store.consentWithdrawals, consents: consents, leads: leadRepository, clock: clock
            ),
            targets: targets,
            bidConnections: bidConnections,
            deliveryConnections: deliveryConnections,
            outreachConnections: outreachConnections,
            webhookTestConnections: webhookTestConnections,
            metrics: metrics,
            routeRecorders: RouteRecorders(factory: PrometheusMetricsFactory(registry: metrics)),
            eventLoops: eventLoops
        )
        do {
            try await dependencies.keyRingRefresher.refresh()
            try await dependencies.buyers.loadIndex()
            try await dependencies.settings.loadAll()
            try await dependencies.pings.reloadLivePings()
            try await dependencies.campaigns.loadBudgets()
            try await dependencies.ledger.loadFunds()
            try await dependencies.doNotCall.refresh(from: doNotCallStore)
            let now = clock.nowMilliseconds()
            try await dailySales.restore(buyers: buyerIndex.all, from: saleRepository, nowMilliseconds: now)
        } catch {
            await dependencies.shutdown()
            throw error
        }
        return dependencies
    }

    /// Releases what the services would release on graceful shutdown, for runs without them
    /// (router tests, commands that fail before serving). Safe to call after the services ran.
    public func shutdown() async {
        _ = try? await self.saleLog.catchUp()
        _ = try? await self.pings.flushJournal()
        await self.bidConnections.shutdown()
        await self.deliveryConnections.shutdown()
        await self.outreachConnections.shutdown()
        await self.webhookTestConnections.shutdown()
    }
}
