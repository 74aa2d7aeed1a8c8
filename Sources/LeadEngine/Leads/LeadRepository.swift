import Foundation

/// Filters of a lead listing; all optional, combined with AND.
public struct LeadFilter: Sendable, Equatable {
    public var status: LeadStatus?
    public var campaignType: CampaignType?
    public var state: String?
    public var buyerID: String?
    public var source: String?
    public var createdAfter: Date?
    public var createdBefore: Date?

    public init(
        status: LeadStatus? = nil, campaignType: CampaignType? = nil, state: String? = nil, buyerID: String? = nil, source: String? = nil,
        createdAfter: Date? = nil, createdBefore: Date? = nil
    ) {
        self.status = status
        self.campaignType = campaignType
        self.state = state
        self.buyerID = buyerID
        self.source = source
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
    }
}

/// What an inbound lead stores in one transaction: the lead, its certificate and its events.
public struct LeadIntake: Sendable {
    public var lead: Lead
    public var certificate: ConsentCertificate?
    public var events: [LeadEvent]

    public init(lead: Lead, certificate: ConsentCertificate?, events: [LeadEvent]) {
        self.lead = lead
        self.certificate = certificate
        self.events = events
    }
}

/// A lead with everything the detail view shows.
public struct LeadDetails: Sendable {
    public var lead: Lead
    public var events: [LeadEvent]
    public var consentRecords: [ConsentCertificate]
    public var deliveries: [DeliveryRecord]

    public init(lead: Lead, events: [LeadEvent], consentRecords: [ConsentCertificate], deliveries: [DeliveryRecord]) {
        self.lead = lead
        self.events = events
        self.consentRecords = consentRecords
        self.deliveries = deliveries
    }
}

/// A delivery of a lead to its buyer, with every attempt made.
public struct DeliveryRecord: Sendable {
    public var delivery: Delivery
    public var attempts: [DeliveryAttempt]

    public init(delivery: Delivery, attempts: [DeliveryAttempt]) {
        self.delivery = delivery
        self.attempts = attempts
    }
}

/// What the store knows when a buyer returns a lead, read in the transaction that records it.
public struct ReturnContext: Sendable {
    public var lead: Lead
    public var buyerTerms: BillingTerms
    /// The buyer's purchases and returns in the calendar month (UTC) of `nowMilliseconds`, before this one.
    public var purchasesThisMonth: Int
    public var returnsThisMonth: Int
    /// The lead's charge in the ledger; nil when it was never charged (sold at no price).
    public var charge: LedgerEntry?

    public init(lead: Lead, buyerTerms: BillingTerms, purchasesThisMonth: Int, returnsThisMonth: Int, charge: LedgerEntry?) {
        self.charge = charge
        self.lead = lead
        self.buyerTerms = buyerTerms
        self.purchasesThisMonth = purchasesThisMonth
        self.returnsThisMonth = returnsThisMonth
    }
}

/// A return as decided: the lead's new state, the refund that credits the buyer (nil for a lead
/// sold at no price), the events, and whether the phone joins the internal do-not-call list.
public struct ReturnPlan: Sendable {
    public var lead: Lead
    public var refund: LedgerEntry?
    public var events: [LeadEvent]
    public var addToInternalDoNotCall: Bool

    public init(lead: Lead, refund: LedgerEntry?, events: [LeadEvent], addToInternalDoNotCall: Bool) {
        self.lead = lead
        self.refund = refund
        self.events = events
        self.addToInternalDoNotCall = addToInternalDoNotCall
    }
}

/// Storage of leads and their audit trail. Every call is scoped to a tenant.
public protocol LeadRepository: Sendable {
    /// Stores an inbound lead, deduplicated atomically: in one write transaction it finds the
    /// oldest live lead (not rejected, not a duplicate) of the tenant with the same phone or email
    /// created at or after `since`, and stores what `decide` makes of that (nil: no original).
    func intake(
        tenantID: String, phone: String, email: String, since: Int64, _ decide: @Sendable (_ originalID: String?) -> LeadIntake
    ) async throws -> LeadIntake
    /// Counts the source's leads created at or after `since`, for scoring.
    func sourceHistory(tenantID: String, source: String, since: Int64) async throws -> SourceHistory
    func appendEvents(_ events: [LeadEvent], leadID: String) async throws
    func lead(id: String, tenantID: String) async throws -> Lead?
    func details(id: String, tenantID: String) async throws -> LeadDetails?
    func leads(tenantID: String, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead>
    /// Reads, changes and writes the lead in one transaction, with the events `change` returns;
    /// nil when the tenant has no such lead. Whatever `change` throws aborts the transaction. A
    /// change that returns no events changed nothing worth recording: nothing is written, and
    /// the lead is returned as `change` left it (repeating an accept answers the same again).
    func update(id: String, tenantID: String, _ change: @Sendable (inout Lead) throws -> [LeadEvent]) async throws -> Lead?
    /// Records a buyer's return as `decide` plans it from what the store holds, in one transaction
    /// with the refund, the buyer's new balance and the sale's status.
    func recordReturn(id: String, tenantID: String, nowMilliseconds: Int64, _ decide: @Sendable (ReturnContext) throws -> ReturnPlan) async throws -> ReturnPlan?
}
