import Foundation
import LeadEngine

/// A sale as the sale log keeps it: every field the tables are filled from, in `RecordCoding`'s
/// compact form, so that a logged sale reads back exactly as it was committed. The delivery's
/// payload is kept as sent (it is the webhook body, and its bytes are signed), not rebuilt.
package enum SaleLogRecord {
    /// The layout's version, first in every record: a record of another layout is refused, never misread.
    static let version: Int64 = 1

    package static func encode(_ sale: SaleRecord) -> [UInt8] {
        var writer = RecordWriter(capacity: 1536 + sale.delivery.payload.count)
        writer.integer(Self.version)
        Self.write(sale.ping, &writer)
        Self.write(sale.lead, &writer)
        writer.optional(sale.certificate) { Self.write($1, &$0) }
        writer.string(sale.saleID)
        writer.optional(sale.campaignID) { $0.string($1) }
        writer.integer(sale.priceCents)
        writer.integer(sale.responseMilliseconds)
        writer.string(sale.chargeID)
        Self.write(sale.delivery, &writer)
        writer.bool(sale.leadIsNew)
        writer.optional(sale.doNotCall) { writer, match in
            writer.bool(match.federal)
            writer.bool(match.state)
            writer.bool(match.internalList)
            writer.array(match.listsNotLoaded) { $0.string($1) }
        }
        writer.optional(sale.scored) { writer, event in
            writer.string(event.kind.rawValue)
            writer.blob(event.detail.encoded())
            writer.optional(event.actorKeyID) { $0.string($1) }
            writer.integer(event.at.epochMilliseconds)
        }
        return writer.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws -> SaleRecord {
        var reader = RecordReader(bytes)
        let version = try reader.integer()
        guard version == Self.version else { throw CorruptRecord(at: 0) }
        let ping = try Self.ping(&reader)
        let lead = try Self.lead(&reader)
        let certificate = try reader.optional(Self.certificate)
        let saleID = try reader.string()
        let campaignID = try reader.optional { try $0.string() }
        let priceCents = try reader.integer()
        let responseMilliseconds = try reader.int()
        let chargeID = try reader.string()
        let delivery = try Self.delivery(&reader)
        let leadIsNew = try reader.bool()
        var sale = SaleRecord(
            ping: ping, lead: lead, certificate: certificate, saleID: saleID, campaignID: campaignID, priceCents: priceCents,
            responseMilliseconds: responseMilliseconds, chargeID: chargeID, delivery: delivery, leadIsNew: leadIsNew
        )
        sale.doNotCall = try reader.optional { reader in
            DoNotCallMatch(
                federal: try reader.bool(), state: try reader.bool(), internalList: try reader.bool(),
                listsNotLoaded: try reader.array { try $0.string() }
            )
        }
        sale.scored = try reader.optional { reader in
            let kind = try reader.raw(LeadEvent.Kind.self)
            let detail = try JSONParser.parse(String(decoding: try reader.blob(), as: UTF8.self))
            return LeadEvent(kind, detail: detail, actorKeyID: try reader.optional { try $0.string() }, at: try Self.date(&reader))
        }
        guard reader.isAtEnd else { throw CorruptRecord(at: bytes.count) }
        return sale
    }

    // MARK: Ping

    private static func write(_ ping: Ping, _ writer: inout RecordWriter) {
        writer.string(ping.id)
        writer.string(ping.tenantID)
        writer.string(ping.request.campaignType.rawValue)
        writer.string(ping.request.state)
        writer.string(ping.request.zipCode)
        writer.string(ping.request.source)
        writer.integer(ping.request.tmaxMilliseconds)
        writer.optional(ping.request.listedOnDoNotCall) { $0.bool($1) }
        writer.integer(ping.floorPriceCents)
        writer.array(ping.bids) { Self.write($1, &$0) }
        writer.array(ping.outcomes) { PingOutcomeRecord.write($1, rank: nil, to: &$0) }
        writer.integer(ping.createdAtMilliseconds)
        writer.integer(ping.expiresAtMilliseconds)
        writer.array(ping.soldTo) { $0.string($1) }
        writer.integer(ping.outrankedStaticBuyers)
    }

    private static func ping(_ reader: inout RecordReader) throws -> Ping {
        let id = try reader.string()
        let tenantID = try reader.string()
        let request = PingRequest(
            campaignType: try reader.raw(CampaignType.self), state: try reader.string(), zipCode: try reader.string(), source: try reader.string(),
            tmaxMilliseconds: try reader.int(), listedOnDoNotCall: try reader.optional { try $0.bool() }
        )
        let floorPriceCents = try reader.integer()
        let bids = try reader.array(Self.bid)
        let outcomes = try reader.array(PingOutcomeRecord.read).map(\.outcome)
        let createdAt = try reader.integer()
        var ping = Ping(
            id: id, tenantID: tenantID, request: request, floorPriceCents: floorPriceCents, bids: bids, outcomes: outcomes, createdAtMilliseconds: createdAt
        )
        ping.expiresAtMilliseconds = try reader.integer()
        ping.soldTo = try reader.array { try $0.string() }
        ping.outrankedStaticBuyers = try reader.int()
        return ping
    }

    private static func write(_ bid: Bid, _ writer: inout RecordWriter) {
        writer.string(bid.buyerID)
        writer.string(bid.buyerName)
        writer.integer(bid.bidCents)
        writer.string(bid.exclusivity.rawValue)
        writer.string(bid.source.rawValue)
        writer.integer(bid.responseMilliseconds)
    }

    private static func bid(_ reader: inout RecordReader) throws -> Bid {
        Bid(
            buyerID: try reader.string(), buyerName: try reader.string(), bidCents: try reader.integer(), exclusivity: try reader.raw(Exclusivity.self),
            source: try reader.raw(BidSource.self), responseMilliseconds: try reader.int()
        )
    }

    // MARK: Lead

    private static func write(_ lead: Lead, _ writer: inout RecordWriter) {
        writer.string(lead.id)
        writer.string(lead.tenantID)
        writer.string(lead.origin.rawValue)
        writer.optional(lead.pingID) { $0.string($1) }
        writer.optional(lead.buyerID) { $0.string($1) }
        writer.string(lead.campaignType.rawValue)
        writer.string(lead.source)
        let contact = lead.contact
        for field in [contact.firstName, contact.lastName, contact.phone, contact.email, contact.state, contact.zipCode] { writer.string(field) }
        writer.string(lead.status.rawValue)
        writer.optional(lead.score) { $0.integer($1) }
        writer.optional(lead.notes) { $0.string($1) }
        writer.optional(lead.soldPriceCents) { $0.integer($1) }
        writer.optional(lead.consentCertificateID) { $0.string($1) }
        writer.optional(lead.duplicateOf) { $0.string($1) }
        writer.array(lead.rejectionReasons) { writer, failure in
            writer.string(failure.field)
            writer.string(failure.code)
            writer.string(failure.message)
        }
        for date in [lead.soldAt, lead.deliveredAt, lead.acceptedAt] { writer.optional(date) { $0.integer($1.epochMilliseconds) } }
        writer.optional(lead.billingEventID) { $0.string($1) }
        writer.optional(lead.returnedAt) { $0.integer($1.epochMilliseconds) }
        writer.optional(lead.returnReason) { $0.string($1.rawValue) }
        writer.optional(lead.returnNotes) { $0.string($1) }
        writer.integer(lead.createdAt.epochMilliseconds)
        writer.integer(lead.updatedAt.epochMilliseconds)
    }

    private static func lead(_ reader: inout RecordReader) throws -> Lead {
        let id = try reader.string()
        let tenantID = try reader.string()
        let origin = try reader.raw(Lead.Origin.self)
        let pingID = try reader.optional { try $0.string() }
        let buyerID = try reader.optional { try $0.string() }
        let campaignType = try reader.raw(CampaignType.self)
        let source = try reader.string()
        let contact = LeadContact(
            firstName: try reader.string(), lastName: try reader.string(), phone: try reader.string(), email: try reader.string(),
            state: try reader.string(), zipCode: try reader.string()
        )
        let status = try reader.raw(LeadStatus.self)
        let score = try reader.optional { try $0.int() }
        let notes = try reader.optional { try $0.string() }
        let soldPriceCents = try reader.optional { try $0.integer() }
        let consentCertificateID = try reader.optional { try $0.string() }
        let duplicateOf = try reader.optional { try $0.string() }
        let rejectionReasons = try reader.array { reader in
            QualificationFailure(field: try reader.string(), code: try reader.string(), message: try reader.string())
        }
        let soldAt = try reader.optional(Self.date)
        let deliveredAt = try reader.optional(Self.date)
        let acceptedAt = try reader.optional(Self.date)
        let billingEventID = try reader.optional { try $0.string() }
        let returnedAt = try reader.optional(Self.date)
        let returnReason = try reader.optional { try $0.raw(ReturnReason.self) }
        let returnNotes = try reader.optional { try $0.string() }
        return Lead(
            id: id, tenantID: tenantID, origin: origin, pingID: pingID, buyerID: buyerID, campaignType: campaignType, source: source, contact: contact,
            status: status, score: score, notes: notes, soldPriceCents: soldPriceCents, consentCertificateID: consentCertificateID,
            duplicateOf: duplicateOf, rejectionReasons: rejectionReasons, soldAt: soldAt, deliveredAt: deliveredAt, acceptedAt: acceptedAt,
            billingEventID: billingEventID, returnedAt: returnedAt, returnReason: returnReason, returnNotes: returnNotes,
            createdAt: try Self.date(&reader), updatedAt: try Self.date(&reader)
        )
    }

    // MARK: Certificate and delivery

    private static func write(_ certificate: ConsentCertificate, _ writer: inout RecordWriter) {
        writer.string(certificate.id)
        writer.string(certificate.tenantID)
        writer.optional(certificate.leadID) { $0.string($1) }
        let consent = certificate.consent
        writer.string(consent.consentType.rawValue)
        writer.string(consent.consentText)
        writer.string(consent.ipAddress)
        writer.optional(consent.pageURL) { $0.string($1) }
        writer.optional(consent.userAgent) { $0.string($1) }
        writer.string(consent.channel)
        writer.string(consent.mechanism)
        writer.integer(certificate.createdAt.epochMilliseconds)
        writer.string(certificate.hash)
        writer.string(certificate.signature)
        writer.string(certificate.keyID)
        writer.optional(certificate.revokedAt) { $0.integer($1.epochMilliseconds) }
    }

    private static func certificate(_ reader: inout RecordReader) throws -> ConsentCertificate {
        let id = try reader.string()
        let tenantID = try reader.string()
        let leadID = try reader.optional { try $0.string() }
        let consent = Consent(
            consentType: try reader.raw(ConsentType.self), consentText: try reader.string(), ipAddress: try reader.string(),
            pageURL: try reader.optional { try $0.string() }, userAgent: try reader.optional { try $0.string() }, channel: try reader.string(),
            mechanism: try reader.string()
        )
        return ConsentCertificate(
            id: id, tenantID: tenantID, leadID: leadID, consent: consent, createdAt: try Self.date(&reader), hash: try reader.string(),
            signature: try reader.string(), keyID: try reader.string(), revokedAt: try reader.optional(Self.date)
        )
    }

    private static func write(_ delivery: Delivery, _ writer: inout RecordWriter) {
        writer.string(delivery.id)
        writer.string(delivery.tenantID)
        writer.string(delivery.leadID)
        writer.string(delivery.buyerID)
        writer.optional(delivery.url) { $0.string($1) }
        writer.blob(delivery.payload)
        writer.string(delivery.status.rawValue)
        writer.integer(delivery.attempts)
        writer.optional(delivery.nextAttemptAtMilliseconds) { $0.integer($1) }
        writer.integer(delivery.createdAtMilliseconds)
    }

    private static func delivery(_ reader: inout RecordReader) throws -> Delivery {
        Delivery(
            id: try reader.string(), tenantID: try reader.string(), leadID: try reader.string(), buyerID: try reader.string(),
            url: try reader.optional { try $0.string() }, payload: try reader.blob(), status: try reader.raw(Delivery.Status.self),
            attempts: try reader.int(), nextAttemptAtMilliseconds: try reader.optional { try $0.integer() }, createdAtMilliseconds: try reader.integer()
        )
    }

    private static func date(_ reader: inout RecordReader) throws -> Date {
        Date(epochMilliseconds: try reader.integer())
    }
}
