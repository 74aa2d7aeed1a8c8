import Foundation

/// A seller's post: the full lead and its consent, for one buyer that bid on the ping.
public struct PostRequest: Sendable {
    public var pingID: String
    public var buyerID: String
    public var contact: LeadContact
    public var consent: Consent

    public init(pingID: String, buyerID: String, contact: LeadContact, consent: Consent) {
        self.pingID = pingID
        self.buyerID = buyerID
        self.contact = contact
        self.consent = consent
    }
}

/// What the seller learns from a post.
public struct PostReceipt: Sendable, Equatable {
    public var leadID: String
    public var buyerID: String
    public var priceCents: Int64
    public var consentCertificateID: String
    public var deliveryStatus: Delivery.Status
}

/// Turns posts into sales. The ping book serialises racing posts for one ping; a posted lead's
/// sale is committed to the sale log, durably, before the answer, and filled into its tables
/// behind it (an inbound lead's, already stored, commits straight to them); delivery is tried
/// once inline, then by the courier.
public struct SalesDesk: Sendable {
    let book: PingBook
    let pings: PingRecords
    let repository: any SaleRepository
    let log: SaleMaterialiser
    let courier: Courier
    let buyers: BuyerIndex
    let dailySales: DailySales
    let budgets: CampaignBudgets
    let signingKey: CertificateSigningKey
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    let sharing: SharedSaleLimits
    let funds: BuyerFunds
    let doNotCall: any DoNotCallLookup
    let activity: MarketActivity

    public init(
        book: PingBook, pings: PingRecords, repository: any SaleRepository, log: SaleMaterialiser, courier: Courier, buyers: BuyerIndex,
        dailySales: DailySales = DailySales(), budgets: CampaignBudgets = CampaignBudgets(), signingKey: CertificateSigningKey,
        clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers(), sharing: SharedSaleLimits = SharedSaleLimits(),
        funds: BuyerFunds = BuyerFunds(), doNotCall: any DoNotCallLookup, activity: MarketActivity = MarketActivity(node: "local")
    ) {
        self.activity = activity
        self.funds = funds
        self.doNotCall = doNotCall
        self.book = book
        self.pings = pings
        self.repository = repository
        self.log = log
        self.courier = courier
        self.buyers = buyers
        self.dailySales = dailySales
        self.budgets = budgets
        self.signingKey = signingKey
        self.clock = clock
        self.identifiers = identifiers
        self.sharing = sharing
    }

    /// Sells the posted lead to the buyer. Its phone is looked up on the do-not-call lists first:
    /// the answer is recorded on the lead, and a listed lead does not sell to a buyer requiring clean ones.
    public func post(_ request: PostRequest, tenantID: String) async throws -> PostReceipt {
        let doNotCall = try await self.doNotCall.match(phone: request.contact.phone, state: request.contact.state, tenantID: tenantID)
        return try await self.sell(
            pingID: request.pingID, buyerID: request.buyerID, contact: request.contact, tenantID: tenantID, doNotCall: doNotCall
        ) { ping, bid, now, deliveryURL in
            var sale = self.makeSale(request, ping: ping, bid: bid, tenantID: tenantID, deliveryURL: deliveryURL, now: now)
            sale.doNotCall = doNotCall
            return sale
        }
    }

    /// Sells an inbound lead, already stored as `qualified` with its certificate and its
    /// do-not-call look-up, to a bidder on the ping its routing auction made.
    public func sell(inbound lead: Lead, doNotCall: DoNotCallMatch, pingID: String, buyerID: String) async throws -> PostReceipt {
        try await self.sell(pingID: pingID, buyerID: buyerID, contact: lead.contact, tenantID: lead.tenantID, doNotCall: doNotCall) { ping, bid, now, deliveryURL in
            var sold = lead
            sold.pingID = ping.id
            sold.buyerID = bid.buyerID
            sold.status = .sold
            sold.soldPriceCents = bid.bidCents
            sold.soldAt = Date(epochMilliseconds: now)
            sold.updatedAt = Date(epochMilliseconds: now)
            return SaleRecord(
                ping: ping, lead: sold, certificate: nil, saleID: self.identifiers.make(.sale), priceCents: bid.bidCents,
                responseMilliseconds: bid.responseMilliseconds, chargeID: self.identifiers.make(.transaction),
                delivery: self.makeDelivery(lead: sold, url: deliveryURL, now: now), leadIsNew: false
            )
        }
    }

    /// Claims the bid in the ping book, checks the buyer takes a lead with this do-not-call
    /// status, reserves the daily cap, campaign budget and buyer funds, commits the sale durably,
    /// then tries the delivery once. Every reservation is undone if the sale does not commit.
    /// The lead goes to the funding campaign's `delivery_webhook` when it has one, else to the
    /// buyer's `webhook_url`.
    private func sell(
        pingID: String, buyerID: String, contact: LeadContact, tenantID: String, doNotCall: DoNotCallMatch,
        makeSale: (_ ping: Ping, _ bid: Bid, _ now: Int64, _ deliveryURL: String?) -> SaleRecord
    ) async throws -> PostReceipt {
        let now = self.clock.nowMilliseconds()
        func claim() async -> Result<(ping: Ping, bid: Bid), PostRejection> {
            await self.book.claim(
                pingID: pingID, tenantID: tenantID, buyerID: buyerID, state: contact.state,
                zipCode: contact.zipCode, nowMilliseconds: now, maxSharedBuyers: self.sharing.maxSharedBuyers(tenantID: tenantID)
            )
        }
        var claimed = await claim()
        if case .failure(.unknownPing) = claimed {
            // Not in this node's book: swept (the store tells an expired ping from one that never
            // existed), or answered by another node sharing the store, whose seller's posts reach
            // this node now that it went away. A live one is served from the store: its sales so
            // far come with it, and the store refuses a sale past the ping's limit across nodes.
            guard let stored = try await self.pings.find(id: pingID, tenantID: tenantID) else { throw PostRejection.unknownPing }
            guard stored.live else { throw PostRejection.expired(atMilliseconds: stored.ping.expiresAtMilliseconds) }
            try? await self.book.insert(stored.ping)
            claimed = await claim()
        }
        let (ping, bid): (Ping, Bid)
        switch claimed {
        case .success(let pair):
            (ping, bid) = pair
        case .failure(let rejection):
            throw rejection
        }
        // Each reservation taken is undone, newest first, if the sale does not commit.
        var undo: [@Sendable () async -> Void] = [{ await self.book.release(pingID: pingID, buyerID: buyerID) }]
        func abandon(_ error: any Error) async -> any Error {
            for step in undo.reversed() { await step() }
            return error
        }
        // The cap is checked again here: the ping may have been answered before today's last sale.
        let buyer = self.buyers.buyer(id: bid.buyerID)
        if doNotCall.listed, buyer?.requireDNCClear == true {
            throw await abandon(PostRejection.doNotCallListed(lists: doNotCall.listsHolding))
        }
        guard self.dailySales.reserve(buyerID: bid.buyerID, cap: buyer?.dailyCap, timeZone: buyer?.timeZone ?? "UTC", nowMilliseconds: now) else {
            throw await abandon(PostRejection.dailyCapReached)
        }
        undo.append { self.dailySales.release(buyerID: bid.buyerID, nowMilliseconds: now) }
        let campaignID: String?
        switch self.budgets.reserve(
            buyerID: bid.buyerID, campaignType: ping.request.campaignType, state: ping.request.state, priceCents: bid.bidCents, nowMilliseconds: now,
            listedOnDoNotCall: doNotCall.listed
        ) {
        case .exhausted:
            throw await abandon(PostRejection.budgetExhausted)
        case .refusesListedLead:
            throw await abandon(PostRejection.doNotCallListed(lists: doNotCall.listsHolding))
        case .funded(let id):
            campaignID = id
            undo.append { self.budgets.release(campaignID: id, priceCents: bid.bidCents, nowMilliseconds: now) }
        case .unbudgeted:
            campaignID = nil
        }
        guard self.funds.reserve(buyerID: bid.buyerID, priceCents: bid.bidCents) else {
            throw await abandon(PostRejection.insufficientFunds)
        }
        undo.append { self.funds.release(buyerID: bid.buyerID, priceCents: bid.bidCents) }
        do {
            let deliveryURL = campaignID.flatMap(self.budgets.deliveryWebhook(campaignID:)) ?? buyer?.webhookURL
            var sale = makeSale(ping, bid, now, deliveryURL)
            sale.campaignID = campaignID
            sale.limits = SaleLimits(
                maxSharedBuyers: self.sharing.maxSharedBuyers(tenantID: tenantID), dailyCap: buyer?.dailyCap,
                dayStartMilliseconds: LocalDay(containing: now, timeZone: buyer?.timeZone ?? "UTC").startMilliseconds,
                campaign: campaignID.flatMap { self.budgets.limit(campaignID: $0, nowMilliseconds: now) }
            )
            // A new lead goes to the log; an inbound lead's sale must find it still qualified, which
            // only its own transaction can check.
            let position = sale.leadIsNew ? try await self.log.append(sale) : nil
            if position == nil { try await self.repository.commit(sale) }
            self.funds.charge(buyerID: bid.buyerID, priceCents: bid.bidCents)
            self.activity.recordSale(tenantID: tenantID, buyerID: bid.buyerID, pingID: ping.id, atMilliseconds: now)
            var delivery = sale.delivery
            if delivery.status == .pending, await self.rowsFilled(through: position) {
                delivery = (try? await self.courier.attempt(delivery, timeoutMilliseconds: self.courier.inlineAttemptMilliseconds)) ?? delivery
            }
            return PostReceipt(
                leadID: sale.lead.id, buyerID: bid.buyerID, priceCents: bid.bidCents, consentCertificateID: sale.lead.consentCertificateID ?? "",
                deliveryStatus: delivery.status
            )
        } catch let refusal as StoreRefusal {
            // A store several nodes share refused a limit another node's sales reached.
            throw await abandon(refusal.postRejection ?? refusal)
        } catch {
            throw await abandon(error)
        }
    }

    /// Whether the logged sale's rows are in the tables, waiting for them if not: the inline
    /// attempt records itself on the delivery's row. If the store fails meanwhile, the attempt is
    /// left to the courier, which finds the delivery pending once it is filled in.
    private func rowsFilled(through position: Int64?) async -> Bool {
        guard let position else { return true }
        do {
            try await self.log.waitUntilMaterialised(position)
            return true
        } catch {
            return false
        }
    }

    private func makeSale(_ request: PostRequest, ping: Ping, bid: Bid, tenantID: String, deliveryURL: String?, now: Int64) -> SaleRecord {
        let createdAt = Date(epochMilliseconds: now)
        let leadID = TimeOrderedIdentifiers.uuid()
        let certificate = self.signingKey.certify(
            id: self.identifiers.make(.certificate), tenantID: tenantID, leadID: leadID, consent: request.consent, createdAt: createdAt
        )
        let (score, signals) = Self.score(request)
        let lead = Lead(
            id: leadID, tenantID: tenantID, pingID: ping.id, buyerID: bid.buyerID, campaignType: ping.request.campaignType,
            source: ping.request.source, contact: request.contact, status: .sold, score: score, soldPriceCents: bid.bidCents,
            consentCertificateID: certificate.id, soldAt: createdAt, createdAt: createdAt
        )
        var sale = SaleRecord(
            ping: ping, lead: lead, certificate: certificate, saleID: self.identifiers.make(.sale), priceCents: bid.bidCents,
            responseMilliseconds: bid.responseMilliseconds, chargeID: self.identifiers.make(.transaction),
            delivery: self.makeDelivery(lead: lead, url: deliveryURL, now: now)
        )
        sale.scored = .scored(score, signals: signals, at: createdAt)
        return sale
    }

    /// A posted lead is scored as an inbound one is, on its contact, consent and phone. Its seller
    /// qualified it, and its source is the seller's own, whose history here says nothing: the
    /// source signal takes its no-history value.
    static func score(_ request: PostRequest) -> (score: Int, signals: [LeadScore.Signal]) {
        let areaCode = Int(request.contact.phone.dropFirst(2).prefix(3)).flatMap(AreaCodes.lookUp)
        let qualification = Qualification(contact: request.contact, consent: request.consent, failures: [], areaCode: areaCode)
        return LeadScore.score(qualification, history: SourceHistory())
    }

    private func makeDelivery(lead: Lead, url webhookURL: String?, now: Int64) -> Delivery {
        Delivery(
            id: self.identifiers.make(.delivery), tenantID: lead.tenantID, leadID: lead.id, buyerID: lead.buyerID ?? "", url: webhookURL,
            payload: Delivery.leadDeliveredPayload(lead: lead, at: Date(epochMilliseconds: now)),
            status: webhookURL == nil ? .notConfigured : .pending,
            // The inline attempt comes first; the courier only takes the delivery if that one never
            // gets recorded (a crash right after the commit), one retry step later.
            nextAttemptAtMilliseconds: webhookURL == nil ? nil : now + DeliverySchedule.retryDelaysSeconds[0] * 1000,
            createdAtMilliseconds: now
        )
    }
}
