/// What the pre-flight says of a step at an instant.
public enum StepDecision: Sendable, Equatable {
    case run
    /// Not now: the calling window is closed or the state's cap is reached; due again at `until`.
    case wait(untilMilliseconds: Int64, reason: String)
    /// Never, for a reason time does not cure: the enrollment ends.
    case end(EnrollmentEndReason, detail: String)
    /// Not this step (`no_phone`, `no_email`, `channel_not_configured`); the sequence goes on.
    case skip(reason: String)
}

/// The lead facts a step's pre-flight reads.
public struct StepContact: Sendable, Equatable {
    public var phone: String
    public var email: String
    public var state: String
    public var campaignType: CampaignType?
    /// The consent certificate that evidences the lead's consent, when there is one.
    public var certificateID: String?

    public init(phone: String, email: String, state: String, campaignType: CampaignType?, certificateID: String?) {
        self.phone = phone
        self.email = email
        self.state = state
        self.campaignType = campaignType
        self.certificateID = certificateID
    }
}

/// Decides, at the instant a step would run, whether it may: the engine's outreach pre-flight
/// (`OutreachCheck`, the logic behind `POST /compliance/check-outreach`) for texts and calls, with
/// the calls really recorded counted against the state's cap; and, where it is only a matter of
/// time, the exact instant it will be allowed.
public struct StepPreflight: Sendable {
    let check: OutreachCheck
    let repository: any SequenceRepository
    let emailOptOuts: any EmailOptOutStore

    public init(check: OutreachCheck, repository: any SequenceRepository, emailOptOuts: any EmailOptOutStore) {
        self.check = check
        self.repository = repository
        self.emailOptOuts = emailOptOuts
    }

    public func decide(
        channel: OutreachChannel, contact: StepContact, tenantID: String, channelConfigured: Bool, atMilliseconds at: Int64
    ) async throws -> StepDecision {
        switch channel {
        case .email:
            guard !contact.email.isEmpty else { return .skip(reason: "no_email") }
            // Email is opt-out mail (CAN-SPAM): no calling window or telephone do-not-call list; the
            // tenant's email opt-outs and a revoked consent stop it.
            if try await self.emailOptOuts.isOptedOut(email: contact.email.lowercased(), tenantID: tenantID) { return .skip(reason: "email_opted_out") }
            if let certificateID = contact.certificateID, try await !self.check.consents.verify(id: certificateID, tenantID: tenantID).valid {
                return .end(.consentRevoked, detail: "consent certificate \(certificateID) is revoked or does not verify")
            }
            return channelConfigured ? .run : .skip(reason: "channel_not_configured")
        case .sms, .call:
            guard !contact.phone.isEmpty else { return .skip(reason: "no_phone") }
            guard let rule = self.check.rules.rule(for: contact.state) else {
                return .end(.unknownState, detail: "no calling rules are known for state \(contact.state)")
            }
            let contacts =
                rule.maxCallsPer24Hours == nil
                ? [] : try await self.repository.contactTimes(phone: contact.phone, tenantID: tenantID, sinceMilliseconds: at - DailyContactCap.windowMilliseconds)
            let request = OutreachRequest(
                phone: contact.phone, state: contact.state, channel: channel, campaignType: contact.campaignType, certificateID: contact.certificateID,
                callsLast24Hours: DailyContactCap.count(contacts, atMilliseconds: at), atMilliseconds: at
            )
            let verdict = try await self.check.check(request, tenantID: tenantID)
            let detail = verdict.reasons.joined(separator: "; ")
            if verdict.doNotCall.internalList { return .end(.internalDoNotCall, detail: detail) }
            if verdict.doNotCallClear == .fail { return .end(.doNotCall, detail: detail) }
            if verdict.consentValid == .fail { return .end(contact.certificateID == nil ? .noConsent : .consentRevoked, detail: detail) }
            guard channelConfigured else { return .skip(reason: "channel_not_configured") }
            guard verdict.timeWindow == .fail || verdict.stateRules == .fail else { return .run }
            let capped = rule.maxCallsPer24Hours.map { DailyContactCap.nextAllowed(contacts, limit: $0, fromMilliseconds: at) } ?? at
            let zones = CallingWindow.timeZones(phone: contact.phone, state: rule)
            guard let opens = CallingWindow.nextOpening(rule: rule, federalFloor: self.check.rules.federalFloor, timeZones: zones, fromMilliseconds: capped)
            else { return .end(.noCallingWindow, detail: "the calling window does not open in the coming weeks: \(detail)") }
            return .wait(untilMilliseconds: opens, reason: detail)
        }
    }

    /// When a step planned for `atMilliseconds` can first run as far as the calling window goes:
    /// what `next_step_at` promises (caps and lists are judged when it runs).
    public func plannedTime(channel: OutreachChannel, contact: StepContact, atMilliseconds at: Int64) -> Int64 {
        guard channel != .email, !contact.phone.isEmpty, let rule = self.check.rules.rule(for: contact.state) else { return at }
        let zones = CallingWindow.timeZones(phone: contact.phone, state: rule)
        return CallingWindow.nextOpening(rule: rule, federalFloor: self.check.rules.federalFloor, timeZones: zones, fromMilliseconds: at) ?? at
    }
}
