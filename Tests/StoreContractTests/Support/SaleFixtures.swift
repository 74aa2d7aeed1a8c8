import Foundation
import LeadEngine

/// Pings, leads and sales as the ping-post path makes them.
enum SaleFixtures {
    static let consent = Consent(
        consentType: .tcpaExpressWritten, consentText: "I agree — to be called.\n", ipAddress: "203.0.113.9", pageURL: "https://x.test/f?a=1&b=2",
        userAgent: "Mozilla/5.0"
    )

    static func contact(phone: String = "+17025550100", email: String = "zoe@example.test") -> LeadContact {
        LeadContact(firstName: "Zoë", lastName: "O'Brien", phone: phone, email: email, state: "CA", zipCode: "90210")
    }

    /// A ping after its auction, with one bid per buyer (highest first) and a buyer that passed.
    /// `listedOnDoNotCall` is left nil: a seller's anonymous ping has none, and stores keep none.
    static func ping(
        _ id: String, tenantID: String = "ten_1", buyers: [String] = ["b1"], bidCents: Int64 = 2_500, createdAt: Int64 = Times.base - 1_000,
        exclusivity: Exclusivity = .shared, type: CampaignType = .legalPI
    ) -> Ping {
        let bids = buyers.enumerated().map { index, buyerID in
            Bid(
                buyerID: buyerID, buyerName: "Büyer \"\(buyerID)\"", bidCents: bidCents - Int64(index) * 100, exclusivity: exclusivity,
                source: index == 0 ? .realTime : .static, responseMilliseconds: index == 0 ? 17 : 0
            )
        }
        let outcomes =
            bids.map { BuyerOutcome(bid: $0) } + [
                BuyerOutcome(buyerID: "b_passed", buyerName: "Passed", result: .noBid(.belowFloor, detail: "bid 50 < floor 100"), responseMilliseconds: 3)
            ]
        return Ping(
            id: id, tenantID: tenantID, request: PingRequest(campaignType: type, state: "CA", zipCode: "90210", source: "seller ☀︎", tmaxMilliseconds: 150),
            floorPriceCents: 100, bids: bids, outcomes: outcomes, createdAtMilliseconds: createdAt
        )
    }

    /// A sale of a new lead by a post, as `SalesDesk` makes it: sold at `at`, with a consent
    /// certificate when `key` is given, and a pending webhook delivery due at `at` unless `webhook`
    /// is false (then the buyer reads its leads from the API: `notConfigured`).
    static func sale(
        _ n: Int, tenantID: String = "ten_1", buyerID: String = "b1", priceCents: Int64 = 2_500, key: CertificateSigningKey? = nil,
        webhook: Bool = true, at: Int64? = nil, ping: Ping? = nil, campaignID: String? = nil, phone: String? = nil
    ) -> SaleRecord {
        let leadID = "lead_\(n)"
        let soldAt = at ?? Times.base + Int64(n)
        let date = Date(epochMilliseconds: soldAt)
        var ping = ping ?? Self.ping("ping_\(n)", tenantID: tenantID, buyers: [buyerID], bidCents: priceCents, createdAt: soldAt - 1_000)
        // What the ping book holds, and so what a sale commits: the bids, not the other outcomes.
        ping.outcomes = []
        let certificate = key?.certify(id: "cert_\(n)", tenantID: tenantID, leadID: leadID, consent: Self.consent, createdAt: date)
        let lead = Lead(
            id: leadID, tenantID: tenantID, pingID: ping.id, buyerID: buyerID, campaignType: ping.request.campaignType, source: "seller ☀︎",
            contact: Self.contact(phone: phone ?? "+1702555\(String(format: "%04d", n % 10_000))"), status: .sold, score: 71,
            soldPriceCents: priceCents, consentCertificateID: certificate?.id, soldAt: date, createdAt: date
        )
        var sale = SaleRecord(
            ping: ping, lead: lead, certificate: certificate, saleID: "sale_\(n)", campaignID: campaignID, priceCents: priceCents,
            responseMilliseconds: 17, chargeID: "txn_\(n)",
            delivery: Delivery(
                id: "msg_\(n)", tenantID: tenantID, leadID: leadID, buyerID: buyerID, url: webhook ? "https://buyer.test/hook" : nil,
                payload: Delivery.leadDeliveredPayload(lead: lead, at: date), status: webhook ? .pending : .notConfigured,
                nextAttemptAtMilliseconds: webhook ? soldAt : nil, createdAtMilliseconds: soldAt
            )
        )
        sale.doNotCall = DoNotCallMatch(federal: false, state: false, internalList: false, listsNotLoaded: ["state:CA"])
        sale.scored = LeadEvent(.scored, detail: ["score": 71, "signals": ["phone": .bool(true), "note": "ünïcode"]], at: date)
        return sale
    }

    /// An inbound lead as `LeadDesk.intake` stores it: qualified, or a duplicate of `originalID`.
    static func inbound(
        _ id: String, tenantID: String = "ten_1", phone: String = "+17025550100", email: String = "zoe@example.test", originalID: String? = nil,
        at: Int64 = Times.base
    ) -> LeadIntake {
        let date = Date(epochMilliseconds: at)
        let lead = Lead(
            id: id, tenantID: tenantID, origin: .inbound, pingID: nil, buyerID: nil, campaignType: .legalPI, source: "web",
            contact: Self.contact(phone: phone, email: email), status: originalID == nil ? .qualified : .duplicate, score: 60,
            soldPriceCents: nil, consentCertificateID: nil, duplicateOf: originalID, createdAt: date
        )
        var events = [LeadEvent(.received, detail: ["source": "web"], at: date)]
        if let originalID { events.append(LeadEvent(.duplicate, detail: ["original_lead_id": .string(originalID)], at: date)) }
        return LeadIntake(lead: lead, certificate: nil, events: events)
    }

    /// The sale of a stored inbound lead, as routing makes it: the lead stays, marked sold.
    static func inboundSale(of stored: Lead, buyerID: String = "b1", priceCents: Int64 = 2_500, at: Int64, webhook: Bool = true) -> SaleRecord {
        var lead = stored
        let date = Date(epochMilliseconds: at)
        let ping = Self.ping("ping_\(stored.id)", tenantID: stored.tenantID, buyers: [buyerID], bidCents: priceCents, createdAt: at - 500)
        lead.status = .sold
        lead.buyerID = buyerID
        lead.pingID = ping.id
        lead.soldPriceCents = priceCents
        lead.soldAt = date
        return SaleRecord(
            ping: ping, lead: lead, certificate: nil, saleID: "sale_\(stored.id)", priceCents: priceCents, responseMilliseconds: 9,
            chargeID: "txn_\(stored.id)",
            delivery: Delivery(
                id: "msg_\(stored.id)", tenantID: stored.tenantID, leadID: stored.id, buyerID: buyerID, url: webhook ? "https://buyer.test/hook" : nil,
                payload: Delivery.leadDeliveredPayload(lead: lead, at: date), status: webhook ? .pending : .notConfigured,
                nextAttemptAtMilliseconds: webhook ? at : nil, createdAtMilliseconds: at
            ),
            leadIsNew: false
        )
    }

    /// The store's signing key, made on first use: consent certificates name it.
    static func signingKey(_ store: EngineStore) async throws -> CertificateSigningKey {
        try await store.sales.signingKey(orMake: { CertificateSigningKey.generate() })
    }
}
