import Foundation

/// Every row one sale writes, decided here so that every store writes the same: the lead's
/// status, its audit events, the sale row, the charge and the delivery. A store executes it in
/// one transaction, or nothing.
public struct SaleWrites: Sendable {
    /// An inbound lead stored at intake sells only while it is still in `from`; otherwise the
    /// store refuses with `StoreRefusal.leadMovedOn` and writes nothing.
    public struct LeadSold: Sendable, Equatable {
        public var leadID: String
        public var tenantID: String
        public var from: LeadStatus
        public var to: LeadStatus
        public var pingID: String
        public var buyerID: String?
        public var priceCents: Int64
        public var soldAtMilliseconds: Int64
        public var deliveredAtMilliseconds: Int64?
    }

    /// The row buyer metrics count, whose status follows the lead's acceptance or return.
    public struct Sale: Sendable, Equatable {
        public var id: String
        public var tenantID: String
        public var buyerID: String?
        public var campaignID: String?
        public var leadID: String
        public var priceCents: Int64
        public var status: LeadStatus
        public var responseMilliseconds: Int
        public var soldAtMilliseconds: Int64
        public var pingID: String
    }

    /// Stored first: the journal may not have written the ping yet, and the sale names it.
    public var ping: Ping
    /// A lead sold by a post, inserted whole; nil for an inbound lead (`leadSold`).
    public var newLead: Lead?
    public var leadSold: LeadSold?
    public var certificate: ConsentCertificate?
    public var sale: Sale
    /// Nil for a free lead: a charge of nothing is not an entry.
    public var charge: LedgerEntry?
    /// The lead's audit trail, in order.
    public var events: [LeadEvent]
    public var delivery: Delivery

    public init(_ record: SaleRecord) {
        let lead = record.lead
        let now = (lead.soldAt ?? lead.createdAt).epochMilliseconds
        // No webhook: the buyer reads its leads from the API, so the lead counts as delivered now
        // and its return window runs from the sale.
        let deliveredNow = record.delivery.status == .notConfigured
        let status: LeadStatus = deliveredNow ? .delivered : .sold
        var events: [LeadEvent] = []
        if record.leadIsNew {
            var inserted = lead
            if deliveredNow {
                inserted.status = .delivered
                inserted.deliveredAt = Date(epochMilliseconds: now)
            }
            self.newLead = inserted
            self.leadSold = nil
            let at = lead.createdAt
            events += [
                LeadEvent(.received, detail: ["origin": "post", "ping_id": .string(record.ping.id)], at: at),
                LeadEvent(.consentCertified, detail: ["certificate_id": .optional(lead.consentCertificateID)], at: at),
            ]
            if let match = record.doNotCall { events.append(.doNotCallChecked(match, at: at)) }
            if let scored = record.scored { events.append(scored) }
        } else {
            self.newLead = nil
            self.leadSold = LeadSold(
                leadID: lead.id, tenantID: lead.tenantID, from: .qualified, to: status, pingID: record.ping.id, buyerID: lead.buyerID,
                priceCents: record.priceCents, soldAtMilliseconds: now, deliveredAtMilliseconds: deliveredNow ? now : nil
            )
        }
        self.charge =
            record.priceCents > 0
            ? LedgerEntry(
                id: record.chargeID, tenantID: lead.tenantID, buyerID: lead.buyerID, leadID: lead.id, kind: .charge, amountCents: record.priceCents,
                description: "Lead #\(lead.id.prefix(8)) delivered", createdAt: Date(epochMilliseconds: now)
            ) : nil
        events.append(
            LeadEvent(
                .sold,
                detail: [
                    "buyer_id": .optional(lead.buyerID), "price_cents": .integer(record.priceCents), "ping_id": .string(record.ping.id),
                    "charge_id": .optional(self.charge?.id), "campaign_id": .optional(record.campaignID),
                ],
                at: Date(epochMilliseconds: now)
            )
        )
        self.ping = record.ping
        self.certificate = record.certificate
        self.sale = Sale(
            id: record.saleID, tenantID: lead.tenantID, buyerID: lead.buyerID, campaignID: record.campaignID, leadID: lead.id,
            priceCents: record.priceCents, status: .delivered, responseMilliseconds: record.responseMilliseconds, soldAtMilliseconds: now,
            pingID: record.ping.id
        )
        self.events = events
        self.delivery = record.delivery
    }
}
