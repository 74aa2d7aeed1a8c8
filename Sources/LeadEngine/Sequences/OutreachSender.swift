/// One touch the scheduler hands to a channel: a text, an email or a call task, already rendered.
public struct OutreachMessage: Sendable, Equatable {
    public var enrollmentID: String
    public var sequenceID: String
    /// The step's position in its sequence, from 1.
    public var step: Int
    public var leadID: String
    public var tenantID: String
    public var channel: OutreachChannel
    /// E.164 phone for sms and call, the address for email.
    public var to: String
    public var subject: String?
    /// The rendered text; for a call, the agent's script (empty when the step has none).
    public var body: String
    public var firstName: String
    public var lastName: String
    public var state: String
    /// The sequence's `from_email`, for email steps.
    public var fromEmail: String?

    public init(
        enrollmentID: String, sequenceID: String, step: Int, leadID: String, tenantID: String, channel: OutreachChannel, to: String,
        subject: String? = nil, body: String, firstName: String, lastName: String, state: String, fromEmail: String? = nil
    ) {
        self.fromEmail = fromEmail
        self.enrollmentID = enrollmentID
        self.sequenceID = sequenceID
        self.step = step
        self.leadID = leadID
        self.tenantID = tenantID
        self.channel = channel
        self.to = to
        self.subject = subject
        self.body = body
        self.firstName = firstName
        self.lastName = lastName
        self.state = state
    }
}

/// What a channel knows after trying a touch. At most once beats retry: only a touch that
/// provably never reached the provider may be tried again.
public enum SendOutcome: Sendable, Equatable {
    /// Accepted by the provider (a 2xx); its id for the message when it gave one.
    case sent(providerID: String?)
    /// Never reached the provider (connect refused, DNS, TLS handshake) or refused as too many (429): safe to retry.
    case notReached(reason: String)
    /// May have reached it (a timeout after the request was written, a reset mid-answer, a 5xx): never retried.
    case unknown(reason: String)
    /// Refused for good (another 4xx): the step failed.
    case rejected(reason: String)
    /// Not sent, and not to be: the channel found nothing to send it with (`no_verified_domain`,
    /// `postal_address_missing`); the sequence goes on.
    case skipped(reason: String)
}

/// Sends one channel's touches: texts through an SMS provider, call tasks to a dialer, mail over SMTP.
public protocol OutreachSender: Sendable {
    func send(_ message: OutreachMessage) async -> SendOutcome
}
