import Foundation

/// How a lead is to be contacted.
public enum OutreachChannel: String, CaseIterable, Sendable {
    case call
    case sms
    case email

    /// Calls and texts are telephone solicitations with calling hours; email has none.
    var hasCallingWindow: Bool { self != .email }
}

/// A pre-flight question: may this number be contacted this way, now (or at `atMilliseconds`)?
public struct OutreachRequest: Sendable {
    public var phone: String
    public var state: String
    public var channel: OutreachChannel
    public var campaignType: CampaignType?
    public var hasConsent: Bool?
    public var certificateID: String?
    /// Calls already made to the number in the last 24 hours, for states that cap them.
    public var callsLast24Hours: Int?
    public var atMilliseconds: Int64?

    public init(
        phone: String, state: String, channel: OutreachChannel, campaignType: CampaignType? = nil, hasConsent: Bool? = nil, certificateID: String? = nil,
        callsLast24Hours: Int? = nil, atMilliseconds: Int64? = nil
    ) {
        self.phone = phone
        self.state = state
        self.channel = channel
        self.campaignType = campaignType
        self.hasConsent = hasConsent
        self.certificateID = certificateID
        self.callsLast24Hours = callsLast24Hours
        self.atMilliseconds = atMilliseconds
    }
}

/// One check's result, as the API names them.
public enum CheckResult: String, Sendable {
    case pass
    case fail
    case warn
}

/// Which do-not-call lists hold a number, and which lists could be consulted at all.
public struct DoNotCallMatch: Sendable, Equatable {
    public var federal: Bool
    public var state: Bool
    public var internalList: Bool
    /// Lists with nothing imported yet: a miss there proves nothing.
    public var listsNotLoaded: [String]

    public init(federal: Bool, state: Bool, internalList: Bool, listsNotLoaded: [String] = []) {
        self.federal = federal
        self.state = state
        self.internalList = internalList
        self.listsNotLoaded = listsNotLoaded
    }

    public var listed: Bool { self.federal || self.state || self.internalList }

    /// The lists that hold the number, named as the API names them.
    public var listsHolding: [String] {
        [("federal_dnc", self.federal), ("state_dnc", self.state), ("internal_dnc", self.internalList)].filter(\.1).map(\.0)
    }
}

/// Looks numbers up on the federal, state and tenant's internal do-not-call lists.
public protocol DoNotCallLookup: Sendable {
    func match(phone: String, state: String, tenantID: String) async throws -> DoNotCallMatch
}

/// The answer to a pre-flight check: each check's result, whether outreach is allowed (no check
/// failed), warnings, and the local times that decided the window.
public struct OutreachVerdict: Sendable {
    public var stateRules: CheckResult
    public var timeWindow: CheckResult
    public var consentValid: CheckResult
    public var doNotCallClear: CheckResult
    public var warnings: [String]
    public var reasons: [String]
    public var window: CallingWindow.Verdict?
    public var doNotCall: DoNotCallMatch
    public var atMilliseconds: Int64

    public var allowed: Bool { ![self.stateRules, self.timeWindow, self.consentValid, self.doNotCallClear].contains(.fail) }
}

/// The texts and calls the engine itself recorded to a number.
public protocol RecordedContacts: Sendable {
    /// When texts and calls to `phone` from the tenant reached (or may have reached) a provider, since `sinceMilliseconds`.
    func contactTimes(phone: String, tenantID: String, sinceMilliseconds: Int64) async throws -> [Int64]
}

/// Outreach pre-flight: state rules, the calling window in the called party's local time,
/// consent, and the do-not-call lists.
public struct OutreachCheck: Sendable {
    let rules: StateRuleBook
    let consents: ConsentRegistry
    let doNotCall: any DoNotCallLookup
    let clock: any EngineClock
    /// Counts a state's cap from the touches recorded here when the caller does not say.
    let recordedContacts: (any RecordedContacts)?

    public init(
        rules: StateRuleBook, consents: ConsentRegistry, doNotCall: any DoNotCallLookup, clock: any EngineClock,
        recordedContacts: (any RecordedContacts)? = nil
    ) {
        self.rules = rules
        self.consents = consents
        self.doNotCall = doNotCall
        self.clock = clock
        self.recordedContacts = recordedContacts
    }

    public func check(_ request: OutreachRequest, tenantID: String) async throws -> OutreachVerdict {
        let at = request.atMilliseconds ?? self.clock.nowMilliseconds()
        guard let rule = self.rules.rule(for: request.state) else { throw ValidationError(field: "state", message: "must be one of the 50 states or DC") }
        var warnings: [String] = []
        var reasons: [String] = []

        var stateRules = CheckResult.pass
        if request.channel.hasCallingWindow {
            if let limit = rule.maxCallsPer24Hours {
                var calls = request.callsLast24Hours
                if calls == nil, let recorded = self.recordedContacts {
                    // Touches sent by the sequences: a count that is known, not asserted.
                    let times = try await recorded.contactTimes(phone: request.phone, tenantID: tenantID, sinceMilliseconds: at - DailyContactCap.windowMilliseconds)
                    let count = DailyContactCap.count(times, atMilliseconds: at)
                    if count > 0 { calls = count }
                }
                if let calls {
                    if calls >= limit {
                        stateRules = .fail
                        reasons.append("\(rule.name) allows at most \(limit) calls or texts per 24 hours; \(calls) were made")
                    }
                } else {
                    stateRules = .warn
                    warnings.append("\(rule.name) allows at most \(limit) calls or texts per 24 hours; send calls_last_24h to check it")
                }
            }
            if rule.telemarketerRegistrationRequired == true {
                warnings.append("\(rule.name) requires telemarketers to register before calling into the state")
            }
            if rule.miniTCPA == .core {
                warnings.append("\(rule.name) has a mini-TCPA: automated calls and texts need prior express written consent")
            }
            if request.channel == .call, rule.allPartyRecordingConsent == true {
                warnings.append("\(rule.name) requires every party's consent to record a call")
            }
        }

        var timeWindow = CheckResult.pass
        var window: CallingWindow.Verdict?
        if request.channel.hasCallingWindow {
            let zones = CallingWindow.timeZones(phone: request.phone, state: rule)
            let verdict = CallingWindow.evaluate(rule: rule, federalFloor: self.rules.federalFloor, timeZones: zones, atMilliseconds: at)
            window = verdict
            warnings += verdict.warnings
            if !verdict.open {
                timeWindow = .fail
                reasons += verdict.zones.compactMap(\.reason)
                if verdict.zones.isEmpty { reasons.append("no time zone is known for the number") }
            }
        }

        var consentValid = CheckResult.fail
        // A verified, unrevoked written consent exempts the number from the federal and state
        // lists (47 CFR 64.1200(c)(2)(ii)); never from the tenant's own list.
        var writtenConsent: String?
        if let certificateID = request.certificateID {
            let verified = try await self.consents.verify(id: certificateID, tenantID: tenantID)
            if verified.valid {
                consentValid = .pass
                if verified.certificate?.consent.consentType == .tcpaExpressWritten { writtenConsent = certificateID }
            } else {
                reasons.append(verified.certificate == nil ? "no consent certificate \(certificateID) in this account" : "consent certificate \(certificateID) is revoked or does not verify")
            }
        } else if request.hasConsent == true {
            consentValid = .pass
            if request.channel != .email { warnings.append("consent is asserted, not evidenced: send certificate_id to verify it") }
        } else {
            reasons.append(request.hasConsent == false ? "the lead has not consented" : "no consent: send has_consent or certificate_id")
        }

        let match = try await self.doNotCall.match(phone: request.phone, state: rule.code, tenantID: tenantID)
        var doNotCallClear = CheckResult.pass
        if request.channel == .email {
            // Telephone do-not-call lists govern calls and texts; email answers to CAN-SPAM's opt-outs.
            if match.listed { warnings.append("the number is on a do-not-call list, which does not apply to email; email opt-outs do") }
        } else if match.listed, !match.internalList, let certificateID = writtenConsent {
            let lists = [(match.federal, "federal"), (match.state, "\(rule.code) state")].filter(\.0).map(\.1)
            warnings.append(
                "the number is on the \(lists.joined(separator: ", ")) do-not-call list; consent certificate \(certificateID) "
                    + "(tcpa_express_written) exempts it"
            )
        } else if match.listed {
            doNotCallClear = .fail
            let lists = [(match.federal, "federal"), (match.state, "\(rule.code) state"), (match.internalList, "internal")].filter(\.0).map(\.1)
            reasons.append("the number is on the \(lists.joined(separator: ", ")) do-not-call list")
        } else if !match.listsNotLoaded.isEmpty {
            doNotCallClear = .warn
            warnings.append("not imported, so not checked: the \(match.listsNotLoaded.joined(separator: ", ")) do-not-call list")
        }
        return OutreachVerdict(
            stateRules: stateRules, timeWindow: timeWindow, consentValid: consentValid, doNotCallClear: doNotCallClear, warnings: warnings,
            reasons: reasons, window: window, doNotCall: match, atMilliseconds: at
        )
    }
}
