import Foundation

/// Where a lead's enrollment in a sequence is.
public enum EnrollmentStatus: String, Sendable, CaseIterable {
    /// Steps remain; `nextStepAt` says when the next one is due.
    case active
    /// Every step ran or was skipped.
    case completed
    /// Stopped early: the lead may not be contacted (do-not-call, consent, an opt-out).
    case ended
    /// Taken out by the tenant.
    case removed
}

/// Why an enrollment ended early; each is a reason time does not cure.
public enum EnrollmentEndReason: String, Sendable, CaseIterable {
    case internalDoNotCall = "internal_dnc"
    case doNotCall = "dnc"
    case noConsent = "no_consent"
    case consentRevoked = "consent_revoked"
    case optedOut = "opted_out"
    /// The lead's state has no rules here, so no touch can be judged.
    case unknownState = "unknown_state"
    /// No calling window opens for the number in the coming weeks (no time zone is known for it).
    case noCallingWindow = "no_calling_window"
}

/// A lead enrolled in a sequence.
public struct Enrollment: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var sequenceID: String
    public var leadID: String
    public var status: EnrollmentStatus
    /// The index of the next step to run (from 0); equals the step count once done.
    public var nextStep: Int
    /// When the next step is due, windows considered; nil once the enrollment is over, or while a step is being sent.
    public var nextStepAtMilliseconds: Int64?
    public var enrolledAtMilliseconds: Int64
    /// When the last step ran (or was skipped): the next step's delay counts from it.
    public var lastStepAtMilliseconds: Int64?
    /// Tries of the next step that never reached the provider.
    public var retries: Int
    public var endReason: String?
    public var endedAtMilliseconds: Int64?

    public init(
        id: String, tenantID: String, sequenceID: String, leadID: String, status: EnrollmentStatus, nextStep: Int, nextStepAtMilliseconds: Int64?,
        enrolledAtMilliseconds: Int64, lastStepAtMilliseconds: Int64? = nil, retries: Int = 0, endReason: String? = nil,
        endedAtMilliseconds: Int64? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.sequenceID = sequenceID
        self.leadID = leadID
        self.status = status
        self.nextStep = nextStep
        self.nextStepAtMilliseconds = nextStepAtMilliseconds
        self.enrolledAtMilliseconds = enrolledAtMilliseconds
        self.lastStepAtMilliseconds = lastStepAtMilliseconds
        self.retries = retries
        self.endReason = endReason
        self.endedAtMilliseconds = endedAtMilliseconds
    }
}
