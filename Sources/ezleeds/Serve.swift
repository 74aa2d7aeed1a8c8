import ArgumentParser
import Foundation
import Hummingbird
import LeadAPI
import LeadEngine
import LeadOutbound
import LeadStore
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server.",
        discussion: """
            Every option is also an environment variable, named after it (shown with each option); \
            a flag on the command line wins over the variable. Boolean variables take 1, true, yes or 0, false, no.
            """
    )

    @Option(help: ServeSettings.help("host", "Address to listen on.")) var host: String = "127.0.0.1"
    @Option(help: ServeSettings.help("port", "Port to listen on (0 picks a free one).")) var port: Int = 8080
    @Option(name: .customLong("db"), help: ServeSettings.help("db", "Path of the SQLite database file; created on the first start."))
    var databasePath: String = "./ezleeds.sqlite"
    @Option(
        name: .customLong("store"),
        help: ServeSettings.help(
            "store", "A PostgreSQL store several nodes share instead of --db: postgres://user:password@host:port/database[?pool=N&connect_timeout=S]",
            valueName: "url"
        )
    )
    var storeURL: String?
    @Option(help: ServeSettings.help("log-level", "Lowest level logged, to stderr.")) var logLevel: LogLevelArgument = .info
    @Flag(inversion: .prefixedNo, help: ServeSettings.help("access-log", "Log a line per request at info (otherwise at debug)."))
    var accessLog = false
    @Flag(
        inversion: .prefixedNo,
        help: ServeSettings.help(
            "fast-lane", "Answer pings on the event loops (the fast lane); --no-fast-lane sends them through the router, to compare."
        )
    )
    var fastLane = true
    @Option(
        help: ServeSettings.help(
            "max-live-pings-per-tenant", "Live (unexpired) pings one tenant may hold; past it a ping answers 503. About 750 bytes each."
        )
    )
    var maxLivePingsPerTenant = PingBook.defaultMaxLivePingsPerTenant
    @Option(help: ServeSettings.help("dedup-window-days", "Days during which an inbound lead with the phone or email of an earlier one is a duplicate."))
    var dedupWindowDays = 30
    @Flag(
        inversion: .prefixedNo,
        help: ServeSettings.help(
            "allow-private-targets", "Let tenants' URLs reach private and loopback addresses on any port: development and tests only."
        )
    )
    var allowPrivateTargets = false
    @Option(
        name: .customLong("allow-target-cidr"),
        help: ServeSettings.help(
            "allow-target-cidr", "An address range (CIDR) tenants' URLs may reach although private; repeatable.", valueName: "cidr"
        )
    )
    var allowedTargetCIDRs: [String] = []
    @Option(
        name: .customLong("allow-target-ports"),
        help: ServeSettings.help(
            "allow-target-ports", "Ports tenants' URLs may use besides 80 and 443: comma-separated, repeatable.", valueName: "ports"
        ),
        transform: TargetPorts.parse
    )
    var allowedTargetPorts: [[Int]] = []
    @Option(name: .customLong("sms-api-url"), help: ServeSettings.help("sms-api-url", "A Twilio-compatible REST API's base URL (default \(TwilioSMSSender.defaultAPIURL)).", valueName: "url"))
    var smsAPIURL: String?
    @Option(name: .customLong("sms-account-sid"), help: ServeSettings.help("sms-account-sid", "The SMS account's SID; with the token and the sender, texts are sent.", valueName: "sid"))
    var smsAccountSID: String?
    @Option(name: .customLong("sms-auth-token"), help: ServeSettings.help("sms-auth-token", "The SMS account's auth token (prefer the variable: flags show in ps).", valueName: "token"))
    var smsAuthToken: String?
    @Option(name: .customLong("sms-from"), help: ServeSettings.help("sms-from", "The number (E.164) or sender id texts come from.", valueName: "from"))
    var smsFrom: String?
    @Option(name: .customLong("dialer-url"), help: ServeSettings.help("dialer-url", "Where call steps are posted as signed call.requested tasks.", valueName: "url"))
    var dialerURL: String?
    @Option(name: .customLong("dialer-secret"), help: ServeSettings.help("dialer-secret", "The secret call tasks are signed with (prefer the variable).", valueName: "secret"))
    var dialerSecret: String?
    @Option(name: .customLong("public-base-url"), help: ServeSettings.help("public-base-url", "The server's public address (https://leads.example.com): inbound SMS signatures are checked over it.", valueName: "url"))
    var publicBaseURL: String?
    @Option(name: .customLong("node-name"), help: ServeSettings.help("node-name", "This node's name on the dashboard's live figures, which each node counts for itself (default host:port).", valueName: "name"))
    var nodeName: String?
    @Option(name: .customLong("idle-timeout"), help: ServeSettings.help("idle-timeout", "Seconds a connection may stay without a whole request before it is closed (1 to 3600)."))
    var idleTimeoutSeconds = 75
    @Option(name: .customLong("body-timeout"), help: ServeSettings.help("body-timeout", "Seconds a request may take from its head to the end of its body before the connection is closed (1 to 3600)."))
    var bodyTimeoutSeconds = 60
    @Option(name: .customLong("max-connections"), help: ServeSettings.help("max-connections", "Connections served at once; default the open-file limit less 256."))
    var maxConnections: Int?
    @Option(name: .customLong("ping-retention-days"), help: ServeSettings.help("ping-retention-days", "Days an unsold ping is kept (1 to 3650); sold pings stay with their sales."))
    var pingRetentionDays = PingRetention.defaultDays
    @Option(name: .customLong("inline-delivery-ms"), help: ServeSettings.help("inline-delivery-ms", "How long a post waits for the first delivery of its lead before answering pending (10 to 5000 ms)."))
    var inlineDeliveryMilliseconds = Courier.defaultInlineAttemptMilliseconds
    @Option(name: .customLong("metrics-token"), help: ServeSettings.help("metrics-token", "A token /metrics takes as Authorization: Bearer from clients not on this machine (prefer the variable).", valueName: "token"))
    var metricsToken: String?
    @Option(name: .customLong("smtp-url"), help: ServeSettings.help("smtp-url", "The mail relay for email steps: smtp://[user:pass@]host[:port] (STARTTLS) or smtps://… (prefer the variable).", valueName: "url"))
    var smtpURL: String?
    @Option(name: .customLong("smtp-ca-file"), help: ServeSettings.help("smtp-ca-file", "A PEM file of CA certificates to trust for the relay's TLS (a private CA).", valueName: "path"))
    var smtpCAFile: String?
    @Option(name: .customLong("dns-server"), help: ServeSettings.help("dns-server", "The resolver domain checks ask, an IP with an optional port (127.0.0.1:53); default the system's.", valueName: "address"))
    var dnsServer: String?
    @Option(name: .customLong("spf-include"), help: ServeSettings.help("spf-include", "The include your mail relay publishes (_spf.relay.example), required in tenants' SPF records.", valueName: "domain"))
    var spfInclude: String?
    @Option(name: .customLong("domain-recheck-hours"), help: ServeSettings.help("domain-recheck-hours", "Hours between checks of verified sending domains (1 to 720)."))
    var domainRecheckHours = 24
    @Option(name: .customLong("public-suffix-list"), help: ServeSettings.help("public-suffix-list", "The Public Suffix List file DMARC's organizational domain comes from (Debian publicsuffix).", valueName: "path"))
    var publicSuffixList = "/usr/share/publicsuffix/public_suffix_list.dat"

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ArgumentParser.ValidationError("--port must be 0 to 65535") }
        guard (0...3650).contains(self.dedupWindowDays) else { throw ArgumentParser.ValidationError("--dedup-window-days must be 0 to 3650") }
        guard self.maxLivePingsPerTenant >= 1 else { throw ArgumentParser.ValidationError("--max-live-pings-per-tenant must be at least 1") }
        if let bad = self.allowedTargetCIDRs.first(where: { AddressRange($0) == nil }) {
            throw ArgumentParser.ValidationError("--allow-target-cidr \(bad) is not an address or CIDR range such as 10.20.0.0/16 or fd00::/8")
        }
        // Whether the SMS and dialer settings come whole is checked in `run`: each variable is
        // parsed on its own first (`ServeSettings.arguments`), so here one may lack its partners.
        for (flag, url) in [("sms-api-url", self.smsAPIURL), ("dialer-url", self.dialerURL), ("public-base-url", self.publicBaseURL)] {
            guard let url else { continue }
            if case .failure(let refusal) = OutboundURL.parse(url) { throw ArgumentParser.ValidationError("--\(flag) \(url) is not an http or https URL: \(refusal.detail)") }
        }
        if let url = self.smtpURL, case .failure(let error) = SMTPRelay.parse(url) { throw ArgumentParser.ValidationError("--smtp-url: \(error)") }
        guard (1...3600).contains(self.idleTimeoutSeconds) else { throw ArgumentParser.ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        guard (1...3600).contains(self.bodyTimeoutSeconds) else { throw ArgumentParser.ValidationError("--body-timeout must be 1 to 3600 seconds") }
        if let cap = self.maxConnections, cap < 1 { throw ArgumentParser.ValidationError("--max-connections must be at least 1") }
        guard (1...3650).contains(self.pingRetentionDays) else { throw ArgumentParser.ValidationError("--ping-retention-days must be 1 to 3650") }
        guard (10...5000).contains(self.inlineDeliveryMilliseconds) else { throw ArgumentParser.ValidationError("--inline-delivery-ms must be 10 to 5000") }
        guard (1...720).contains(self.domainRecheckHours) else { throw ArgumentParser.ValidationError("--domain-recheck-hours must be 1 to 720") }
        if let server = self.dnsServer, SystemDNSServers.parse(server: server) == nil {
            throw ArgumentParser.ValidationError("--dns-server \(server) is not an IP address with an optional port, such as 127.0.0.1:53")
        }
        if let include = self.spfInclude, (try? DomainName.parse(include)) == nil {
            throw ArgumentParser.ValidationError("--spf-include \(include) is not a domain name")
        }
    }

    /// The SMS account, when the settings give one: all of SID, token and sender, or none.
    var smsAccount: TwilioSMSSender.Account? {
        get throws {
            let parts = [self.smsAccountSID, self.smsAuthToken, self.smsFrom]
            if parts.allSatisfy({ $0 == nil }) {
                if self.smsAPIURL != nil { throw ArgumentParser.ValidationError("--sms-api-url needs --sms-account-sid, --sms-auth-token and --sms-from") }
                return nil
            }
            guard let sid = self.smsAccountSID, let token = self.smsAuthToken, let from = self.smsFrom else {
                let missing = zip(["--sms-account-sid", "--sms-auth-token", "--sms-from"], parts).filter { $0.1 == nil }.map(\.0)
                throw ArgumentParser.ValidationError("texts need all three of --sms-account-sid, --sms-auth-token and --sms-from; missing \(missing.joined(separator: ", "))")
            }
            return TwilioSMSSender.Account(apiURL: self.smsAPIURL ?? TwilioSMSSender.defaultAPIURL, accountSID: sid, authToken: token, from: from)
        }
    }

    /// The dialer, when the settings give one: its URL and secret together.
    var dialer: DialerCallSender.Endpoint? {
        get throws {
            switch (self.dialerURL, self.dialerSecret) {
            case (nil, nil): return nil
            case (let url?, let secret?): return DialerCallSender.Endpoint(url: url, secret: secret)
            default: throw ArgumentParser.ValidationError("call tasks need both --dialer-url and --dialer-secret")
            }
        }
    }

    func run() async throws {
        let level = self.logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "ezleeds")
        logger.logLevel = level
        var configuration = ServerConfiguration(
            host: self.host, port: self.port, databasePath: self.databasePath, logLevel: level,
            maxLivePingsPerTenant: self.maxLivePingsPerTenant, fastLane: self.fastLane, dedupWindowDays: self.dedupWindowDays,
            accessLog: self.accessLog, allowPrivateTargets: self.allowPrivateTargets, allowedTargetCIDRs: self.allowedTargetCIDRs,
            allowedTargetPorts: self.allowedTargetPorts.flatMap { $0 }, sms: try self.smsAccount, dialer: try self.dialer,
            publicBaseURL: self.publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        )
        configuration.idleTimeoutSeconds = self.idleTimeoutSeconds
        configuration.nodeName = self.nodeName
        configuration.bodyTimeoutSeconds = self.bodyTimeoutSeconds
        ServerConfiguration.raiseOpenFileLimit()
        configuration.maxConnections = ServerConfiguration.defaultMaxConnections
        if let cap = self.maxConnections {
            guard cap <= configuration.maxConnections else {
                throw ArgumentParser.ValidationError(
                    "--max-connections \(cap) is more than the open-file limit (\(ServerConfiguration.openFileLimit() ?? 0)) less "
                        + "\(ServerConfiguration.reservedDescriptors) kept for the store and outbound calls allows "
                        + "(\(configuration.maxConnections)); raise the limit (ulimit -n) or lower the cap"
                )
            }
            configuration.maxConnections = cap
        }
        configuration.pingRetentionDays = self.pingRetentionDays
        configuration.inlineDeliveryMilliseconds = self.inlineDeliveryMilliseconds
        configuration.metricsToken = self.metricsToken
        configuration.smtpURL = self.smtpURL
        configuration.smtpCAFile = self.smtpCAFile
        configuration.dnsServer = self.dnsServer
        configuration.spfInclude = self.spfInclude.map { $0.lowercased() }
        configuration.domainRecheckHours = self.domainRecheckHours
        configuration.publicSuffixListPath = self.publicSuffixList
        let location = StoreLocation(databasePath: self.databasePath, storeURL: self.storeURL)
        guard case .sqlite(let path) = location else {
            // Several nodes share the database: no file lock, and the schema migrates under an advisory lock.
            let store = try await CommandOutput.reportingErrors {
                try await location.open(createIfMissing: true, health: AppDependencies.storageHealth(configuration))
            }
            logger.info("store", metadata: ["postgresql": "\(store.connection.location)"])
            return try await self.serve(configuration, on: store, logger: logger)
        }
        // Before the store opens: a second server must not touch the files of the first.
        let lock = try await CommandOutput.reportingErrors { try DatabaseLock(databasePath: path) }
        let isNew = !LeadDatabase.exists(at: path)
        let store = try await location.open(createIfMissing: true, health: AppDependencies.storageHealth(configuration))
        if isNew { CommandOutput.emit("Created a new database at \(LeadDatabase.absolutePath(path))") }
        try await self.serve(configuration, on: store, logger: logger)
        // Held until the store has closed.
        withExtendedLifetime(lock) {}
    }

    /// Builds the engine on `store` and serves until the server stops, with the store's own
    /// `run()` (PostgreSQL's pool) beside it from before the engine loads until after it closed.
    private func serve(_ configuration: ServerConfiguration, on store: EngineStore, logger: Logger) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.connection.run() }
            defer { group.cancelAll() }
            let dependencies = try await AppDependencies.open(configuration, store: store)
            if let relaxed = self.relaxedTargetPolicy { logger.warning("outbound target policy relaxed: \(relaxed)") }
            logger.info(
                "outreach channels",
                metadata: [
                    "sms": "\(configuration.sms.map { "\($0.apiURL) as \($0.from)" } ?? "not configured: sms steps are skipped")",
                    "call": "\(configuration.dialer.map(\.url) ?? "not configured: call steps are skipped")",
                    "email": "\(configuration.smtpURL.flatMap { try? SMTPRelay.parse($0).get().description } ?? "not configured: email steps are skipped")",
                ]
            )
            if configuration.smtpURL != nil, configuration.publicBaseURL?.hasPrefix("https://") != true {
                logger.warning(
                    "one-click unsubscribe (RFC 8058) needs an https link: set EZLEEDS_PUBLIC_BASE_URL to the server's public https address",
                    metadata: ["links_now": "\(configuration.publicBaseURL ?? "http://\(configuration.host):\(configuration.port)")/api/v1/unsubscribe/…"]
                )
            }
            if let provisioned = try await dependencies.tenants.provisionDefaultTenantIfEmpty() {
                try await dependencies.keyRingRefresher.refresh()
                CommandOutput.emit(
                    """
                    Created tenant "\(provisioned.tenant.name)" (\(provisioned.tenant.id)). Its keys are shown only now; keep them:
                      X-API-Key (standard):              \(provisioned.apiKey)
                      X-API-Key (admin):                 \(provisioned.adminKey)
                      X-Compliance-API-Key (compliance): \(provisioned.complianceKey)
                    \(try CommandOutput.json(TenantCreated(provisioned)))
                    """
                )
            }
            let app = buildApplication(configuration, dependencies: dependencies)
            try await app.runService()
        }
    }

    /// How the outbound target policy is loosened, if it is; said once at start so nobody runs it so by accident.
    private var relaxedTargetPolicy: String? {
        var parts: [String] = []
        if self.allowPrivateTargets { parts.append("private and loopback addresses on any port are allowed (--allow-private-targets)") }
        if !self.allowedTargetCIDRs.isEmpty {
            parts.append("these ranges are allowed although private: \(self.allowedTargetCIDRs.joined(separator: ", ")) (--allow-target-cidr)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
