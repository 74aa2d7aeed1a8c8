import Foundation

/// A lead with its contact data, as stored once it was posted (or, later, sent inbound).
public struct Lead: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var pingID: String?
    public var buyerID: String?
    public var campaignType: CampaignType
    public var source: String
    public var contact: LeadContact
    /// `sold` when committed, `delivered` once the buyer's webhook took it.
    public var status: String
    public var soldPriceCents: Int64?
    public var consentCertificateID: String?
    public var createdAt: Date

    public init(
        id: String, tenantID: String, pingID: String?, buyerID: String?, campaignType: CampaignType, source: String, contact: LeadContact,
        status: String, soldPriceCents: Int64?, consentCertificateID: String?, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.pingID = pingID
        self.buyerID = buyerID
        self.campaignType = campaignType
        self.source = source
        self.contact = contact
        self.status = status
        self.soldPriceCents = soldPriceCents
        self.consentCertificateID = consentCertificateID
        self.createdAt = createdAt
    }
}
