#if canImport(Glibc)
import Glibc
#endif
import Foundation
import LeadEngine
import Logging
import LeadOutbound

/// A setting the server cannot start with.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
}

/// Everything an operator can set when starting the server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var databasePath: String
    public var logLevel: Logger.Level
    /// How often the server picks up keys created or revoked by other processes (the CLI).
    public var keyRefreshIntervalMilliseconds: Int
    /// Requests a minute per client address on the key-less endpoints.
    public var anonymousRateLimitPerMinute: Int
    /// Live (unexpired) pings one tenant may hold; past it a ping answers 503.
    public var maxLivePingsPerTenant: Int
    /// Answer pings on the event loops themselves (see `PingFastLane`); off, every request takes
    /// Hummingbird's routes. Kept switchable so the two lanes can be measured against each other.
    public var fastLane: Bool
    /// An inbound lead with the phone or email of one received this many days before is a `duplicate`.
    public var dedupWindowDays: Int
    /// Log a line per request at `info`; off, request lines are at `debug` (a write per request costs the hot path).
    public var accessLog: Bool
    /// Lifts the outbound target policy's address and port rules: for local development and tests only.
    public var allowPrivateTargets: Bool
    /// Address ranges (CIDR) tenants' URLs may reach although private, e.g. buyers' CRMs on the operator's network.
    public var allowedTargetCIDRs: [String]
    /// Ports allowed for tenants' URLs besides 80 and 443.
    public var allowedTargetPorts: [Int]
    /// Run sequences' steps as they fall due. Off only in tests that drive the scheduler step by step.
    public var runsOutreachScheduler = true
    /// Texts go through this Twilio-compatible account; without one, sms steps are skipped (`channel_not_configured`).
    public var sms: TwilioSMSSender.Account?
    /// Call tasks go to this dialer; without one, call steps are skipped (`channel_not_configured`).
    public var dialer: DialerCallSender.Endpoint?
    /// The server's address as the public reaches it (`https://leads.example.com`): the SMS provider
    /// signs its webhooks over the URL it posted to, which a proxy in front hides from the Host header.
    public var publicBaseURL: String?
    /// Seconds a connection may sit without a request (between requests, or before a whole head
    /// arrives: a slow sender of headers) before it is closed.
    public var idleTimeoutSeconds = 75
    /// Seconds from a request's head to the end of its body. The idle timeout starts again with
    /// every body part, so without this a body sent a byte at a time holds its connection at will.
    public var bodyTimeoutSeconds = 60
    /// Connections served at once; past it new ones wait in the kernel's queue. Below the open-file
    /// limit, so that the store and outbound calls always find descriptors.
    public var maxConnections = ServerConfiguration.defaultMaxConnections

    /// The node's name on the dashboard.
    public var resolvedNodeName: String {
        self.nodeName ?? "\(ProcessInfo.processInfo.hostName):\(self.port)"
    }

    /// Descriptors kept from connections for the store, its journal and outbound calls.
    public static let reservedDescriptors = 256

    /// The process's open-file limit less room for the store, the journal and outbound connections:
    /// the default cap, and the largest one allowed. Past it `accept` fails with EMFILE, which
    /// spun a core and starved `/healthz` (and once in a few runs crashed the process).
    public static var defaultMaxConnections: Int {
        guard let limit = Self.openFileLimit() else { return 1_000 }
        return max(16, min(limit - Self.reservedDescriptors, 100_000))
    }

    /// The soft open-file limit, or nil when it cannot be read.
    public static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft open-file limit to the hard one, as a server that holds a descriptor per
    /// connection should (Go's runtime does the same): a shell's default soft 1,024 is no cap to
    /// serve under. Returns the limit now in force.
    @discardableResult
    public static func raiseOpenFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, 1 << 20)
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Days an unsold ping is kept; sold ones stay with their sales.
    public var pingRetentionDays = PingRetention.defaultDays
    /// How long a post waits for its lead's first delivery attempt before answering `pending`.
    public var inlineDeliveryMilliseconds = Courier.defaultInlineAttemptMilliseconds
    /// The Bearer token `/metrics` takes from clients not on this machine; nil: local clients only.
    public var metricsToken: String?
    /// The mail relay email steps go through: `smtp://[user:pass@]host[:port]` (STARTTLS) or `smtps://…`.
    public var smtpURL: String?
    /// A PEM file of CA certificates trusted for the relay's TLS, besides the system's (a private CA).
    public var smtpCAFile: String?
    /// The resolver domain checks ask (`host:port`, an IP literal); nil asks the system's (/etc/resolv.conf).
    public var dnsServer: String?
    /// The include the operator's mail relay publishes, required in tenants' SPF records when set.
    public var spfInclude: String?
    /// How this node names itself on the dashboard's live figures, which are its own; nil: `host:port`
    /// of this machine.
    public var nodeName: String?
    /// How often verified domains are checked again.
    public var domainRecheckHours = 24
    /// The Public Suffix List (Debian `publicsuffix`) DMARC's organizational domain comes from; without
    /// the file, every suffix is one label.
    public var publicSuffixListPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "./ezleeds.sqlite", logLevel: Logger.Level = .info,
        keyRefreshIntervalMilliseconds: Int = 250, anonymousRateLimitPerMinute: Int = 100,
        maxLivePingsPerTenant: Int = PingBook.defaultMaxLivePingsPerTenant, fastLane: Bool = true,
        dedupWindowDays: Int = 30, accessLog: Bool = false, allowPrivateTargets: Bool = false, allowedTargetCIDRs: [String] = [],
        allowedTargetPorts: [Int] = [], sms: TwilioSMSSender.Account? = nil, dialer: DialerCallSender.Endpoint? = nil, publicBaseURL: String? = nil
    ) {
        self.sms = sms
        self.dialer = dialer
        self.publicBaseURL = publicBaseURL
        self.accessLog = accessLog
        self.allowPrivateTargets = allowPrivateTargets
        self.allowedTargetCIDRs = allowedTargetCIDRs
        self.allowedTargetPorts = allowedTargetPorts
        self.dedupWindowDays = dedupWindowDays
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.logLevel = logLevel
        self.keyRefreshIntervalMilliseconds = keyRefreshIntervalMilliseconds
        self.anonymousRateLimitPerMinute = anonymousRateLimitPerMinute
        self.maxLivePingsPerTenant = maxLivePingsPerTenant
        self.fastLane = fastLane
    }
}

extension ServerConfiguration {
    /// The outbound target policy these settings ask for; a bad range or port is a clear error.
    public func outboundTargetPolicy() throws -> OutboundTargetPolicy {
        let ranges = try self.allowedTargetCIDRs.map { text in
            guard let range = AddressRange(text) else {
                throw ConfigurationError(description: "allowed target range \(text) is not an address or CIDR range (10.20.0.0/16, fd00::/8)")
            }
            return range
        }
        if let port = self.allowedTargetPorts.first(where: { !(1...65535).contains($0) }) {
            throw ConfigurationError(description: "allowed target port \(port) is not from 1 to 65535")
        }
        return OutboundTargetPolicy(allowsPrivateTargets: self.allowPrivateTargets, allowedRanges: ranges, extraPorts: Set(self.allowedTargetPorts))
    }
}
