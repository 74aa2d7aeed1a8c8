import Foundation

/// A lead with its contact data: posted to a buyer after a ping, or sent inbound and qualified here.
public struct Lead: Sendable, Equatable {
    public enum Origin: String, Sendable {
        /// Posted by a seller to the buyer that bid on its ping.
        case post
        /// Sent to `/leads/inbound`: qualified, deduplicated, scored and routed here.
        case inbound
    }

    public var id: String
    public var tenantID: String
    public var origin: Origin
    public var pingID: String?
    public var buyerID: String?
    public var campaignType: CampaignType
    public var source: String
    public var contact: LeadContact
    public var status: LeadStatus
    public var score: Int?
    public var notes: String?
    public var soldPriceCents: Int64?
    public var consentCertificateID: String?
    /// The earlier lead this one repeats, for a `duplicate`.
    public var duplicateOf: String?
    /// Why qualification refused it, for a `rejected` lead.
    public var rejectionReasons: [QualificationFailure]
    public var soldAt: Date?
    public var deliveredAt: Date?
    public var acceptedAt: Date?
    /// The billing event that finalised the charge when the buyer accepted.
    public var billingEventID: String?
    public var returnedAt: Date?
    public var returnReason: ReturnReason?
    public var returnNotes: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, tenantID: String, origin: Origin = .post, pingID: String?, buyerID: String?, campaignType: CampaignType, source: String,
        contact: LeadContact, status: LeadStatus, score: Int? = nil, notes: String? = nil, soldPriceCents: Int64?, consentCertificateID: String?,
        duplicateOf: String? = nil, rejectionReasons: [QualificationFailure] = [], soldAt: Date? = nil, deliveredAt: Date? = nil, acceptedAt: Date? = nil,
        billingEventID: String? = nil, returnedAt: Date? = nil, returnReason: ReturnReason? = nil, returnNotes: String? = nil,
        createdAt: Date, updatedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.origin = origin
        self.pingID = pingID
        self.buyerID = buyerID
        self.campaignType = campaignType
        self.source = source
        self.contact = contact
        self.status = status
        self.score = score
        self.notes = notes
        self.soldPriceCents = soldPriceCents
        self.consentCertificateID = consentCertificateID
        self.duplicateOf = duplicateOf
        self.rejectionReasons = rejectionReasons
        self.soldAt = soldAt
        self.deliveredAt = deliveredAt
        self.acceptedAt = acceptedAt
        self.billingEventID = billingEventID
        self.returnedAt = returnedAt
        self.returnReason = returnReason
        self.returnNotes = returnNotes
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

extension Lead {
    /// How the sale row, which keeps the status buyer metrics count, follows this lead when it is
    /// written: a delivered sale becomes accepted or returned with its lead; nil leaves it be.
    public var saleStatusChange: (from: LeadStatus, to: LeadStatus)? {
        self.status == .accepted || self.status == .returned ? (from: .delivered, to: self.status) : nil
    }
}
