import Foundation

/// A buyer as a create request describes it, before validation. Nil means the field was absent.
public struct BuyerDraft: Sendable {
    public var name: String?
    public var campaignTypes: [String]?
    public var states: [String]?
    public var maxPriceCents: Int64?
    public var webhookURL: String?
    public var webhookSecret: String?
    public var bidURL: String?
    public var bidTimeoutMilliseconds: Int?
    public var exclusivity: String?
    public var zipCodes: [String]?
    public var dailyCap: Int?
    public var timeZone: String?
    public var billingMode: String?
    public var creditLimitCents: Int64?
    public var returnWindowHours: Int?
    public var maxReturnPercent: Int?
    public var requireDNCClear: Bool?
    public var status: String?

    public init(
        name: String? = nil, campaignTypes: [String]? = nil, states: [String]? = nil, maxPriceCents: Int64? = nil,
        webhookURL: String? = nil, webhookSecret: String? = nil, bidURL: String? = nil, bidTimeoutMilliseconds: Int? = nil,
        exclusivity: String? = nil, zipCodes: [String]? = nil, dailyCap: Int? = nil, timeZone: String? = nil, billingMode: String? = nil,
        creditLimitCents: Int64? = nil, returnWindowHours: Int? = nil, maxReturnPercent: Int? = nil, requireDNCClear: Bool? = nil,
        status: String? = nil
    ) {
        self.requireDNCClear = requireDNCClear
        self.billingMode = billingMode
        self.creditLimitCents = creditLimitCents
        self.returnWindowHours = returnWindowHours
        self.maxReturnPercent = maxReturnPercent
        self.name = name
        self.campaignTypes = campaignTypes
        self.states = states
        self.maxPriceCents = maxPriceCents
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.bidURL = bidURL
        self.bidTimeoutMilliseconds = bidTimeoutMilliseconds
        self.exclusivity = exclusivity
        self.zipCodes = zipCodes
        self.dailyCap = dailyCap
        self.timeZone = timeZone
        self.status = status
    }
}

/// A partial update of a buyer. Nullable fields take `.set(nil)` to clear them.
public struct BuyerChanges: Sendable {
    public var name: FieldUpdate<String> = .unchanged
    public var campaignTypes: FieldUpdate<[String]> = .unchanged
    public var states: FieldUpdate<[String]> = .unchanged
    public var maxPriceCents: FieldUpdate<Int64> = .unchanged
    public var webhookURL: FieldUpdate<String?> = .unchanged
    public var webhookSecret: FieldUpdate<String?> = .unchanged
    public var bidURL: FieldUpdate<String?> = .unchanged
    public var bidTimeoutMilliseconds: FieldUpdate<Int> = .unchanged
    public var exclusivity: FieldUpdate<String> = .unchanged
    public var zipCodes: FieldUpdate<[String]?> = .unchanged
    public var dailyCap: FieldUpdate<Int?> = .unchanged
    public var timeZone: FieldUpdate<String> = .unchanged
    public var billingMode: FieldUpdate<String> = .unchanged
    public var creditLimitCents: FieldUpdate<Int64?> = .unchanged
    public var returnWindowHours: FieldUpdate<Int> = .unchanged
    public var maxReturnPercent: FieldUpdate<Int?> = .unchanged
    public var requireDNCClear: FieldUpdate<Bool> = .unchanged
    public var status: FieldUpdate<String> = .unchanged

    public init() {}
}

/// The rules a buyer's fields obey, for creates and updates alike.
enum BuyerRules {
    static let maxSecretLength = 512
    static let maxZipCodes = 50_000

    static func make(
        from draft: BuyerDraft, id: String, tenantID: String, now: Date
    ) throws(ValidationError) -> Buyer {
        var errors = FieldErrors()
        if draft.name == nil { errors.add("name", "is required") }
        if draft.campaignTypes == nil { errors.add("campaign_types", "is required") }
        if draft.states == nil { errors.add("states", "is required") }
        if draft.maxPriceCents == nil { errors.add("max_price_cents", "is required") }
        var buyer = Buyer(
            id: id, tenantID: tenantID, name: "", campaignTypes: [], states: [], maxPriceCents: 0, createdAt: now, updatedAt: now
        )
        var changes = BuyerChanges()
        if let name = draft.name { changes.name = .set(name) }
        if let types = draft.campaignTypes { changes.campaignTypes = .set(types) }
        if let states = draft.states { changes.states = .set(states) }
        if let price = draft.maxPriceCents { changes.maxPriceCents = .set(price) }
        changes.webhookURL = .set(draft.webhookURL)
        changes.webhookSecret = .set(draft.webhookSecret)
        changes.bidURL = .set(draft.bidURL)
        if let timeout = draft.bidTimeoutMilliseconds { changes.bidTimeoutMilliseconds = .set(timeout) }
        if let exclusivity = draft.exclusivity { changes.exclusivity = .set(exclusivity) }
        changes.zipCodes = .set(draft.zipCodes)
        changes.dailyCap = .set(draft.dailyCap)
        if let zone = draft.timeZone { changes.timeZone = .set(zone) }
        if let mode = draft.billingMode { changes.billingMode = .set(mode) }
        changes.creditLimitCents = .set(draft.creditLimitCents)
        if let hours = draft.returnWindowHours { changes.returnWindowHours = .set(hours) }
        changes.maxReturnPercent = .set(draft.maxReturnPercent)
        if let require = draft.requireDNCClear { changes.requireDNCClear = .set(require) }
        if let status = draft.status { changes.status = .set(status) }
        do {
            try Self.apply(changes, to: &buyer)
        } catch {
            errors.merge(error.fields)
        }
        try errors.throwIfAny()
        return buyer
    }

    /// Applies every set field, checking each; all bad fields are reported together.
    static func apply(_ changes: BuyerChanges, to buyer: inout Buyer) throws(ValidationError) {
        var errors = FieldErrors()
        if let name = changes.name.newValue {
            FieldRules.name(name, field: "name", into: &errors)
            buyer.name = name.trimmingWhitespace()
        }
        if let types = changes.campaignTypes.newValue {
            buyer.campaignTypes = FieldRules.campaignTypes(types, field: "campaign_types", into: &errors)
        }
        if let states = changes.states.newValue {
            buyer.states = FieldRules.states(states, field: "states", into: &errors)
        }
        if let price = changes.maxPriceCents.newValue {
            FieldRules.cents(price, field: "max_price_cents", into: &errors)
            buyer.maxPriceCents = price
        }
        if case .set(let url) = changes.webhookURL {
            if let url { FieldRules.webURL(url, field: "webhook_url", into: &errors) }
            buyer.webhookURL = url
        }
        if case .set(let secret) = changes.webhookSecret {
            if let secret, secret.isEmpty || secret.utf8.count > Self.maxSecretLength {
                errors.add("webhook_secret", "must be 1 to \(Self.maxSecretLength) bytes")
            }
            buyer.webhookSecret = secret
        }
        if case .set(let url) = changes.bidURL {
            if let url { FieldRules.webURL(url, field: "bid_url", into: &errors) }
            buyer.bidURL = url
        }
        if let timeout = changes.bidTimeoutMilliseconds.newValue {
            if timeout < 1 || timeout > Buyer.maxBidTimeoutMilliseconds {
                errors.add("bid_timeout_ms", "must be between 1 and \(Buyer.maxBidTimeoutMilliseconds)")
            }
            buyer.bidTimeoutMilliseconds = timeout
        }
        if let raw = changes.exclusivity.newValue {
            if let exclusivity = Exclusivity(rawValue: raw) {
                buyer.exclusivity = exclusivity
            } else {
                errors.add("exclusivity", "must be shared or exclusive")
            }
        }
        if case .set(let zips) = changes.zipCodes {
            if let zips {
                if zips.isEmpty { errors.add("zip_codes", "must list at least one ZIP code, or be null for all") }
                if zips.count > Self.maxZipCodes { errors.add("zip_codes", "must list at most \(Self.maxZipCodes) ZIP codes") }
                let invalid = zips.filter { !FieldRules.isZipCode($0) }
                if !invalid.isEmpty { errors.add("zip_codes", "must be 5-digit ZIP codes; not \(invalid.prefix(5).joined(separator: ", "))") }
                buyer.zipCodes = Array(Set(zips)).sorted()
            } else {
                buyer.zipCodes = nil
            }
        }
        if case .set(let cap) = changes.dailyCap {
            if let cap, cap < 0 { errors.add("daily_cap", "must be a non-negative integer, or null for no cap") }
            buyer.dailyCap = cap
        }
        if let zone = changes.timeZone.newValue {
            if !LocalDay.isKnownTimeZone(zone) { errors.add("time_zone", "must be an IANA time zone such as America/New_York, or UTC") }
            buyer.timeZone = zone
        }
        if let raw = changes.billingMode.newValue {
            if let mode = BillingMode(rawValue: raw) {
                buyer.billing.mode = mode
            } else {
                errors.add("billing_mode", "must be prepaid or invoiced")
            }
        }
        if case .set(let limit) = changes.creditLimitCents {
            if let limit { FieldRules.cents(limit, field: "credit_limit_cents", into: &errors) }
            buyer.billing.creditLimitCents = limit
        }
        if let hours = changes.returnWindowHours.newValue {
            if hours < 0 || hours > BillingTerms.maxReturnWindowHours {
                errors.add("return_window_hours", "must be between 0 and \(BillingTerms.maxReturnWindowHours)")
            }
            buyer.billing.returnWindowHours = hours
        }
        if case .set(let percent) = changes.maxReturnPercent {
            if let percent, !(0...100).contains(percent) { errors.add("max_return_percent", "must be between 0 and 100, or null for no cap") }
            buyer.billing.maxReturnPercent = percent
        }
        if let require = changes.requireDNCClear.newValue { buyer.requireDNCClear = require }
        if let raw = changes.status.newValue {
            if let status = BuyerStatus(rawValue: raw) {
                buyer.status = status
            } else {
                errors.add("status", "must be active or paused")
            }
        }
        try errors.throwIfAny()
    }
}
