import Hummingbird
import LeadEngine
import LeadOutbound
import Logging
import NIOPosix

/// The composition root: the server as `ezleeds serve` runs it and as the tests drive it.
public func buildApplication(
    _ configuration: ServerConfiguration, dependencies: AppDependencies
) -> some ApplicationProtocol {
    var logger = Logger(label: "ezleeds")
    logger.logLevel = configuration.logLevel
    let serverName = "ezleeds"
    let lane = configuration.fastLane
        ? PingFastLane(
            dependencies: dependencies, logger: logger, serverName: serverName, accessLog: configuration.accessLog,
            failurePolicy: RateLimitPolicy(limitPerMinute: configuration.anonymousRateLimitPerMinute)
        ) : nil
    var app = Application(
        router: buildRouter(configuration, dependencies: dependencies),
        // Per connection, after HTTP decoding: the idle and body timeouts, then the fast lane.
        // Hummingbird's own idle timeout stays off: its handler comes after the fast lane, so it
        // would take a connection carrying only pings for an idle one.
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    ConnectionTimeoutHandler(
                        idle: .seconds(Int64(configuration.idleTimeoutSeconds)), body: .seconds(Int64(configuration.bodyTimeoutSeconds))
                    )
                ] + (lane.map { [PingFastLaneHandler(lane: $0)] } ?? []),
                idleTimeout: nil
            )
        ),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: serverName,
            availableConnectionsDelegate: ConnectionCap(maximum: configuration.maxConnections, logger: logger)
        ),
        eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton),
        logger: logger
    )
    // Shut down in reverse: the server drains, the refresher and sweeper stop, the sale log is
    // folded in, the journal makes its last flush, the outbound connections close, then the store.
    app.addServices(
        StoreShutdownService(store: dependencies.store.connection, logger: logger),
        OutboundShutdownService(
            pools: [dependencies.bidConnections, dependencies.deliveryConnections, dependencies.outreachConnections, dependencies.webhookTestConnections]
        ),
        PingJournalService(pings: dependencies.pings, logger: logger),
        SaleMaterialiserService(materialiser: dependencies.saleLog, logger: logger),
        StorageProbeService(store: dependencies.store.connection),
        StoreChangeService(connection: dependencies.store.connection, mirror: dependencies.mirror, logger: logger),
        DeliveryService(courier: dependencies.courier, logger: logger),
        PingExpiryService(book: dependencies.pingBook, clock: dependencies.clock),
        HourlyChore(done: "invoices created", failed: "closing months into invoices failed", logger: logger) {
            // A month closes with every sale acknowledged in it, logged ones included.
            try await dependencies.saleLog.awaitAcknowledged()
            return try await dependencies.ledger.closeMonths()
        },
        DoNotCallRefreshService(registry: dependencies.doNotCall, store: dependencies.doNotCallStore, logger: logger),
        IdempotencyPruneService(repository: dependencies.idempotencyKeys, clock: dependencies.clock, logger: logger),
        HourlyChore(done: "unsold pings pruned", failed: "pruning pings failed", failureLevel: .warning, logger: logger) {
            try await dependencies.pingRetention.prune()
        },
        DomainRecheckService(registry: dependencies.domains, interval: .seconds(configuration.domainRecheckHours * 3600), logger: logger),
        KeyRingRefreshService(
            refresher: dependencies.keyRingRefresher, intervalMilliseconds: configuration.keyRefreshIntervalMilliseconds, logger: logger
        )
    )
    if configuration.runsOutreachScheduler {
        app.addServices(OutreachSchedulerService(
                scheduler: dependencies.outreachScheduler, clock: dependencies.clock, sharedStore: dependencies.store.connection.isShared, logger: logger
            ))
    }
    return app
}

func buildRouter(_ configuration: ServerConfiguration, dependencies: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: AccessLogMiddleware(level: configuration.accessLog ? .info : .debug))
    router.add(middleware: RouteMetricsMiddleware(recorders: dependencies.routeRecorders))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: DeclaredBodyMiddleware())
    router.add(middleware: SaleVisibilityMiddleware(saleLog: dependencies.saleLog))

    let addressLimit = ClientAddressRateLimitMiddleware(
        policy: RateLimitPolicy(limitPerMinute: configuration.anonymousRateLimitPerMinute), rateLimiter: dependencies.rateLimiter
    )
    SystemRoutes(
        metrics: dependencies.metrics, metricsAccess: MetricsAccess(token: configuration.metricsToken), storage: dependencies.storage,
        saleLog: dependencies.saleLog,
        addressLimit: addressLimit
    )
        .addRoutes(to: router)

    let api = router.group("api/v1")
    // Failed authentications get the key-less endpoints' per-address allowance, in a bucket of their own.
    let failurePolicy = RateLimitPolicy(limitPerMinute: configuration.anonymousRateLimitPerMinute)
    let standardKey = KeyAuthMiddleware(
        header: .apiKey, roles: [.standard, .admin], keyRing: dependencies.keyRing, rateLimiter: dependencies.rateLimiter, failurePolicy: failurePolicy
    )
    BuyerRoutes(registry: dependencies.buyers).addRoutes(to: api.group("buyers").add(middleware: standardKey))
    CampaignRoutes(registry: dependencies.campaigns).addRoutes(to: api.group("campaigns").add(middleware: standardKey))
    PingPostSettingsRoutes(settings: dependencies.settings).addRoutes(to: api.group("pingpost").add(middleware: standardKey))
    let idempotency = IdempotencyGate(repository: dependencies.idempotencyKeys, clock: dependencies.clock)
    LeadRoutes(desk: dependencies.leads, sequences: dependencies.sequences, idempotency: idempotency)
        .addRoutes(to: api.group("leads").add(middleware: standardKey))
    SequenceRoutes(registry: dependencies.sequences, idempotency: idempotency).addRoutes(to: api.group("sequences").add(middleware: standardKey))
    TemplateRoutes(registry: dependencies.templates, idempotency: idempotency).addRoutes(to: api.group("templates").add(middleware: standardKey))
    DomainRoutes(registry: dependencies.domains, idempotency: idempotency).addRoutes(to: api.group("domains").add(middleware: standardKey))
    BillingRoutes(ledger: dependencies.ledger, idempotency: idempotency).addRoutes(to: api.group("billing").add(middleware: standardKey))
    ReportRoutes(reports: dependencies.reports, exports: dependencies.exports).addRoutes(to: api.group("reports").add(middleware: standardKey))

    let complianceKey = KeyAuthMiddleware(
        header: .complianceKey, roles: [.compliance], keyRing: dependencies.keyRing, rateLimiter: dependencies.rateLimiter,
        failurePolicy: failurePolicy
    )
    PingPostRoutes(auctioneer: dependencies.auctioneer, pings: dependencies.pings, salesDesk: dependencies.salesDesk, storage: dependencies.storage)
        .addRoutes(to: api.group("pingpost").add(middleware: complianceKey))
    let consentRoutes = ConsentRoutes(registry: dependencies.consents, withdrawal: dependencies.consentWithdrawal)
    consentRoutes.addRoutes(to: api.group("compliance").add(middleware: complianceKey))
    ComplianceRoutes(
        rules: dependencies.stateRules, outreach: dependencies.outreach, doNotCall: dependencies.doNotCall,
        doNotCallStore: dependencies.doNotCallStore, clock: dependencies.clock
    )
        .addRoutes(to: api.group("compliance").add(middleware: complianceKey))
    consentRoutes.addPublicRoutes(to: api.group("compliance").add(middleware: addressLimit))
    SMSInboundRoutes(withdrawal: dependencies.consentWithdrawal, authToken: configuration.sms?.authToken, publicBaseURL: configuration.publicBaseURL)
        .addRoutes(to: api.group("sms").add(middleware: addressLimit))
    UnsubscribeRoutes(unsubscribe: dependencies.emailUnsubscribe).addRoutes(to: api.group("unsubscribe").add(middleware: addressLimit))
    WebhookTestRoutes(sender: WebhookTestSender(pool: dependencies.webhookTestConnections), rateLimiter: dependencies.rateLimiter, clock: dependencies.clock)
        .addRoutes(to: api.group("webhook-test").add(middleware: addressLimit))

    DashboardRoutes(
        sessions: dependencies.dashboardSessions, pages: dependencies.operatorPages, clock: dependencies.clock,
        publicBaseURL: configuration.publicBaseURL, leads: dependencies.leads, consents: dependencies.consents, sequences: dependencies.sequences,
        domains: dependencies.domains
    )
    .addRoutes(to: router.group("dashboard"), signInLimit: addressLimit)
    return router
}
