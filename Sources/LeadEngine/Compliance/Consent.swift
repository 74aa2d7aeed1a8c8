import Foundation

/// The kinds of consent a lead can give. TCPA calls and texts to a mobile with an autodialer or
/// prerecorded voice need prior express written consent (`tcpa_express_written`).
public enum ConsentType: String, CaseIterable, Sendable {
    case tcpaExpressWritten = "tcpa_express_written"
    case tcpaExpress = "tcpa_express"
    case doubleOptIn = "double_opt_in"
    case verbalRecorded = "verbal_recorded"
}

/// A consent as captured: what the person agreed to, where and how.
public struct Consent: Sendable, Equatable {
    public var consentType: ConsentType
    public var consentText: String
    public var ipAddress: String
    public var pageURL: String?
    public var userAgent: String?
    /// Where it was given: `web`, `sms`, `phone`, …
    public var channel: String
    /// How: `web_form`, `checkbox`, `keypad`, …
    public var mechanism: String

    public init(
        consentType: ConsentType, consentText: String, ipAddress: String, pageURL: String? = nil, userAgent: String? = nil,
        channel: String = "web", mechanism: String = "web_form"
    ) {
        self.consentType = consentType
        self.consentText = consentText
        self.ipAddress = ipAddress
        self.pageURL = pageURL
        self.userAgent = userAgent
        self.channel = channel
        self.mechanism = mechanism
    }

    /// Checks a consent as posted; every bad field is named under `prefix`.
    public static func validated(
        consentType: String?, consentText: String?, ipAddress: String?, pageURL: String?, userAgent: String?, channel: String?,
        mechanism: String?, prefix: String = "consent."
    ) throws(ValidationError) -> Consent {
        var errors = FieldErrors()
        var type: ConsentType?
        if let consentType {
            type = ConsentType(rawValue: consentType)
            if type == nil { errors.add(prefix + "consent_type", "must be one of \(ConsentType.allCases.map(\.rawValue).joined(separator: ", "))") }
        } else {
            errors.add(prefix + "consent_type", "is required")
        }
        if let consentText {
            if consentText.trimmingWhitespace().isEmpty || consentText.utf8.count > 10_000 { errors.add(prefix + "consent_text", "must be 1 to 10,000 bytes") }
        } else {
            errors.add(prefix + "consent_text", "is required")
        }
        if let ipAddress {
            if !IPAddress.isValid(ipAddress) { errors.add(prefix + "ip_address", "must be an IPv4 or IPv6 address") }
        } else {
            errors.add(prefix + "ip_address", "is required")
        }
        if let pageURL { FieldRules.webURL(pageURL, field: prefix + "page_url", into: &errors) }
        if let userAgent, userAgent.utf8.count > 1000 { errors.add(prefix + "user_agent", "must be at most 1,000 bytes") }
        for (field, value) in [("channel", channel), ("mechanism", mechanism)] {
            if let value, value.isEmpty || value.utf8.count > 50 { errors.add(prefix + field, "must be 1 to 50 bytes") }
        }
        try errors.throwIfAny()
        return Consent(
            consentType: type ?? .tcpaExpressWritten, consentText: consentText ?? "", ipAddress: ipAddress ?? "", pageURL: pageURL,
            userAgent: userAgent, channel: channel ?? "web", mechanism: mechanism ?? "web_form"
        )
    }
}
