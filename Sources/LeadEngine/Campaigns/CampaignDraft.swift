import Foundation

/// A campaign as a create request describes it, before validation.
public struct CampaignDraft: Sendable {
    public var name: String?
    public var campaignType: String?
    public var states: [String]?
    public var budgetCents: Int64?
    public var maxLeadsPerDay: Int?
    public var deliveryWebhook: String?
    public var buyerID: String?
    public var requireDNCClear: Bool?
    public var status: String?

    public init(
        name: String? = nil, campaignType: String? = nil, states: [String]? = nil, budgetCents: Int64? = nil,
        maxLeadsPerDay: Int? = nil, deliveryWebhook: String? = nil, buyerID: String? = nil, requireDNCClear: Bool? = nil,
        status: String? = nil
    ) {
        self.requireDNCClear = requireDNCClear
        self.name = name
        self.campaignType = campaignType
        self.states = states
        self.budgetCents = budgetCents
        self.maxLeadsPerDay = maxLeadsPerDay
        self.deliveryWebhook = deliveryWebhook
        self.buyerID = buyerID
        self.status = status
    }
}

/// A partial update of a campaign: pause or resume, budget, volume, targeting, delivery.
public struct CampaignChanges: Sendable {
    public var name: FieldUpdate<String> = .unchanged
    public var campaignType: FieldUpdate<String> = .unchanged
    public var states: FieldUpdate<[String]> = .unchanged
    public var budgetCents: FieldUpdate<Int64> = .unchanged
    public var maxLeadsPerDay: FieldUpdate<Int?> = .unchanged
    public var deliveryWebhook: FieldUpdate<String?> = .unchanged
    public var buyerID: FieldUpdate<String?> = .unchanged
    public var requireDNCClear: FieldUpdate<Bool> = .unchanged
    public var status: FieldUpdate<String> = .unchanged

    public init() {}
}

enum CampaignRules {
    static func make(from draft: CampaignDraft, id: String, tenantID: String, now: Date) throws(ValidationError) -> Campaign {
        var errors = FieldErrors()
        if draft.name == nil { errors.add("name", "is required") }
        if draft.campaignType == nil { errors.add("campaign_type", "is required") }
        if draft.states == nil { errors.add("states", "is required") }
        if draft.budgetCents == nil { errors.add("budget_cents", "is required") }
        var campaign = Campaign(
            id: id, tenantID: tenantID, name: "", campaignType: .legalPI, states: [], budgetCents: 0, createdAt: now, updatedAt: now
        )
        var changes = CampaignChanges()
        if let name = draft.name { changes.name = .set(name) }
        if let type = draft.campaignType { changes.campaignType = .set(type) }
        if let states = draft.states { changes.states = .set(states) }
        if let budget = draft.budgetCents { changes.budgetCents = .set(budget) }
        changes.maxLeadsPerDay = .set(draft.maxLeadsPerDay)
        changes.deliveryWebhook = .set(draft.deliveryWebhook)
        changes.buyerID = .set(draft.buyerID)
        if let require = draft.requireDNCClear { changes.requireDNCClear = .set(require) }
        if let status = draft.status { changes.status = .set(status) }
        do {
            try Self.apply(changes, to: &campaign)
        } catch {
            errors.merge(error.fields)
        }
        try errors.throwIfAny()
        return campaign
    }

    static func apply(_ changes: CampaignChanges, to campaign: inout Campaign) throws(ValidationError) {
        var errors = FieldErrors()
        if let name = changes.name.newValue {
            FieldRules.name(name, field: "name", into: &errors)
            campaign.name = name.trimmingWhitespace()
        }
        if let raw = changes.campaignType.newValue,
            let type = FieldRules.campaignType(raw, field: "campaign_type", into: &errors)
        {
            campaign.campaignType = type
        }
        if let states = changes.states.newValue {
            campaign.states = FieldRules.states(states, field: "states", into: &errors)
        }
        if let budget = changes.budgetCents.newValue {
            FieldRules.cents(budget, field: "budget_cents", into: &errors)
            campaign.budgetCents = budget
        }
        if case .set(let limit) = changes.maxLeadsPerDay {
            if let limit, limit < 0 { errors.add("max_leads_per_day", "must be a non-negative integer, or null for no limit") }
            campaign.maxLeadsPerDay = limit
        }
        if case .set(let url) = changes.deliveryWebhook {
            if let url { FieldRules.webURL(url, field: "delivery_webhook", into: &errors) }
            campaign.deliveryWebhook = url
        }
        if case .set(let buyerID) = changes.buyerID {
            campaign.buyerID = buyerID
        }
        if let require = changes.requireDNCClear.newValue { campaign.requireDNCClear = require }
        if let raw = changes.status.newValue {
            if let status = CampaignStatus(rawValue: raw) {
                campaign.status = status
            } else {
                errors.add("status", "must be one of \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        try errors.throwIfAny()
    }
}
