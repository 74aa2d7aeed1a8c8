/// What became of one step of one enrollment.
public enum AttemptOutcome: String, Sendable, CaseIterable {
    /// Recorded before the channel is called; a claim found at start was cut off mid-send and becomes `unknown`.
    case claimed
    case sent
    /// Not sent, for a reason the lead or the setup gives (`no_phone`, `channel_not_configured`); the sequence goes on.
    case skipped
    /// Refused by the provider, or never reached it after every retry; the sequence goes on.
    case failed
    /// This try never reached the provider (refused, DNS, TLS, 429): tried again at `deferredUntil`.
    case notReached = "not_reached"
    /// May or may not have reached the lead; never retried.
    case unknown
    /// Not allowed now (a closed calling window, a state's cap): moved to `deferredUntil`.
    case deferred
    /// Not allowed at all: the enrollment ended.
    case blocked
}

/// One outreach attempt, as the lead's history shows it.
public struct OutreachAttempt: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var enrollmentID: String
    public var sequenceID: String
    public var leadID: String
    /// The step's position, from 1.
    public var step: Int
    public var channel: OutreachChannel
    public var outcome: AttemptOutcome
    public var reason: String?
    public var providerID: String?
    /// The number or address the touch went to.
    public var recipient: String?
    public var attemptedAtMilliseconds: Int64
    public var deferredUntilMilliseconds: Int64?

    public init(
        id: String, tenantID: String, enrollmentID: String, sequenceID: String, leadID: String, step: Int, channel: OutreachChannel,
        outcome: AttemptOutcome, reason: String? = nil, providerID: String? = nil, recipient: String? = nil, attemptedAtMilliseconds: Int64,
        deferredUntilMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.enrollmentID = enrollmentID
        self.sequenceID = sequenceID
        self.leadID = leadID
        self.step = step
        self.channel = channel
        self.outcome = outcome
        self.reason = reason
        self.providerID = providerID
        self.recipient = recipient
        self.attemptedAtMilliseconds = attemptedAtMilliseconds
        self.deferredUntilMilliseconds = deferredUntilMilliseconds
    }

    /// Counts against a state's cap on calls and texts: a touch that went out, or may have.
    public var reachedProvider: Bool {
        (self.channel == .sms || self.channel == .call) && [.sent, .unknown, .claimed].contains(self.outcome)
    }
}
