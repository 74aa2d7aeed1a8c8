import Foundation

/// What `/leads/inbound` answers: the lead as it ended up after qualification, dedup, scoring and routing.
public struct InboundReceipt: Sendable {
    public var lead: Lead
    /// The routing auction's ping, when the lead was routed.
    public var pingID: String?
}

/// A partial update of a lead by the people working it: status along the documented
/// transitions, contact fields and notes.
public struct LeadChanges: Sendable {
    public var status: FieldUpdate<String> = .unchanged
    public var firstName: FieldUpdate<String> = .unchanged
    public var lastName: FieldUpdate<String> = .unchanged
    public var email: FieldUpdate<String> = .unchanged
    public var phone: FieldUpdate<String> = .unchanged
    public var state: FieldUpdate<String> = .unchanged
    public var zipCode: FieldUpdate<String> = .unchanged
    public var notes: FieldUpdate<String?> = .unchanged

    public init() {}
}

/// An admin's change to the fields that decide money and ranking.
public struct LeadInternalChanges: Sendable {
    public var score: FieldUpdate<Int> = .unchanged
    public var buyerID: FieldUpdate<String?> = .unchanged
    public var soldPriceCents: FieldUpdate<Int64?> = .unchanged

    public init() {}
}

/// The lead use cases: inbound intake (qualify, dedup, score, certify, route), the listing and
/// detail views, updates with an audit trail, and the buyer's accept and return.
public struct LeadDesk: Sendable {
    public static let defaultDedupWindowMilliseconds: Int64 = 30 * 86_400_000
    public static let maxNotesBytes = 10_000

    let repository: any LeadRepository
    let auctioneer: Auctioneer
    let salesDesk: SalesDesk
    let buyers: BuyerIndex
    let funds: BuyerFunds
    let doNotCall: any DoNotCallLookup
    let signingKey: CertificateSigningKey
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    let dedupWindowMilliseconds: Int64
    let sourceHistories = SourceHistoryCache()

    public init(
        repository: any LeadRepository, auctioneer: Auctioneer, salesDesk: SalesDesk, buyers: BuyerIndex, funds: BuyerFunds,
        doNotCall: any DoNotCallLookup, signingKey: CertificateSigningKey, clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers(),
        dedupWindowMilliseconds: Int64 = LeadDesk.defaultDedupWindowMilliseconds
    ) {
        self.repository = repository
        self.auctioneer = auctioneer
        self.salesDesk = salesDesk
        self.buyers = buyers
        self.funds = funds
        self.doNotCall = doNotCall
        self.signingKey = signingKey
        self.clock = clock
        self.identifiers = identifiers
        self.dedupWindowMilliseconds = dedupWindowMilliseconds
    }

    // MARK: Inbound

    /// Qualifies, looks its phone up on the do-not-call lists, deduplicates, scores and certifies
    /// the lead, stores it with its events in one transaction, then routes a qualified lead through
    /// a ping-post auction and sells it to the best bid that can still buy (and takes a listed lead).
    public func intake(_ submission: InboundSubmission, tenantID: String, actorKeyID: String?) async throws -> InboundReceipt {
        let now = self.clock.nowMilliseconds()
        let at = Date(epochMilliseconds: now)
        let qualification = LeadQualification.qualify(submission)
        let repository = self.repository
        let history = try await self.sourceHistories.history(tenantID: tenantID, source: submission.source, nowMilliseconds: now) {
            try await repository.sourceHistory(tenantID: tenantID, source: submission.source, since: now - SourceHistory.lookBackMilliseconds)
        }
        let (score, signals) = LeadScore.score(qualification, history: history)
        let leadID = TimeOrderedIdentifiers.uuid()
        let certificateID = self.identifiers.make(.certificate)
        let signingKey = self.signingKey
        let window = self.dedupWindowMilliseconds
        let contact = qualification.contact
        // A lead that failed qualification may have no phone worth looking up.
        let doNotCall = qualification.passed
            ? try await self.doNotCall.match(phone: contact.phone, state: contact.state, tenantID: tenantID) : nil
        let intake = try await self.repository.intake(
            tenantID: tenantID, phone: contact.phone, email: contact.email, since: now - window
        ) { originalID in
            var events = [
                LeadEvent(.received, detail: ["source": .string(submission.source), "campaign_type": .string(submission.campaignType.rawValue)], actorKeyID: actorKeyID, at: at)
            ]
            var status = LeadStatus.qualified
            if qualification.passed {
                events.append(LeadEvent(.qualified, detail: ["checks": ["required_fields", "phone", "email", "state", "zip_code", "consent"]], at: at))
                if let doNotCall { events.append(.doNotCallChecked(doNotCall, at: at)) }
            } else {
                status = .rejected
                events.append(
                    LeadEvent(
                        .rejected,
                        detail: ["reasons": .array(qualification.failures.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] })],
                        at: at
                    )
                )
            }
            if status == .qualified, let originalID {
                status = .duplicate
                events.append(
                    LeadEvent(
                        .duplicate,
                        detail: ["original_lead_id": .string(originalID), "window_days": .integer(window / 86_400_000), "matched_on": "phone or email"],
                        at: at
                    )
                )
            }
            events.append(.scored(score, signals: signals, at: at))
            var certificate: ConsentCertificate?
            if status != .rejected, let consent = qualification.consent {
                let made = signingKey.certify(id: certificateID, tenantID: tenantID, leadID: leadID, consent: consent, createdAt: at)
                certificate = made
                events.append(LeadEvent(.consentCertified, detail: ["certificate_id": .string(made.id), "consent_type": .string(consent.consentType.rawValue)], at: at))
            }
            let lead = Lead(
                id: leadID, tenantID: tenantID, origin: .inbound, pingID: nil, buyerID: nil, campaignType: submission.campaignType,
                source: submission.source, contact: contact, status: status, score: score, notes: submission.notes, soldPriceCents: nil,
                consentCertificateID: certificate?.id, duplicateOf: status == .duplicate ? originalID : nil,
                rejectionReasons: status == .rejected ? qualification.failures : [], createdAt: at
            )
            return LeadIntake(lead: lead, certificate: certificate, events: events)
        }
        guard intake.lead.status == .qualified, let doNotCall else { return InboundReceipt(lead: intake.lead, pingID: nil) }
        return try await self.route(intake.lead, doNotCall: doNotCall)
    }

    /// An auction among the tenant's matching buyers, through the ping-post engine; the lead
    /// sells to the best bid whose buyer can still buy it. No buyer: it stays `qualified`. Buyers
    /// requiring clean leads pass on a listed one (`dnc`).
    private func route(_ lead: Lead, doNotCall: DoNotCallMatch) async throws -> InboundReceipt {
        let request = PingRequest(
            campaignType: lead.campaignType, state: lead.contact.state, zipCode: lead.contact.zipCode, source: lead.source,
            listedOnDoNotCall: doNotCall.listed
        )
        let ping: Ping
        do {
            ping = try await self.auctioneer.ping(request, tenantID: lead.tenantID)
        } catch {
            try await self.repository.appendEvents(
                [LeadEvent(.unsold, detail: ["reason": "the account holds too many live pings; route again later"], at: self.clock.now())], leadID: lead.id
            )
            return InboundReceipt(lead: lead, pingID: nil)
        }
        var refusals: [JSONValue] = []
        for bid in ping.bids {
            do {
                _ = try await self.salesDesk.sell(inbound: lead, doNotCall: doNotCall, pingID: ping.id, buyerID: bid.buyerID)
                let sold = try await self.repository.lead(id: lead.id, tenantID: lead.tenantID) ?? lead
                return InboundReceipt(lead: sold, pingID: ping.id)
            } catch let rejection as PostRejection {
                refusals.append(["buyer_id": .string(bid.buyerID), "reason": .string("\(rejection)")])
            } catch let refusal as StoreRefusal {
                // The store refused the sale (the buyer's balance, or the lead moved on): try the next bid.
                refusals.append(["buyer_id": .string(bid.buyerID), "reason": .string(refusal.conflict.code)])
                if case .leadMovedOn = refusal { break }
            }
        }
        try await self.repository.appendEvents(
            [
                LeadEvent(
                    .unsold,
                    detail: [
                        "ping_id": .string(ping.id), "bids": .integer(Int64(ping.bids.count)),
                        "reason": .string(ping.bids.isEmpty ? "no buyer bid on the lead" : "no bidder could buy it"), "refusals": .array(refusals),
                    ],
                    at: self.clock.now()
                )
            ],
            leadID: lead.id
        )
        return InboundReceipt(lead: lead, pingID: ping.id)
    }

    // MARK: Views

    public func list(tenantID: String, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead> {
        try await self.repository.leads(tenantID: tenantID, filter: filter, page: page)
    }

    public func details(id: String, tenantID: String) async throws -> LeadDetails {
        guard let details = try await self.repository.details(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "lead", id: id) }
        return details
    }

    // MARK: Updates

    /// Field checks of a `PATCH`, for the 422 before anything is read.
    public static func problems(in changes: LeadChanges) -> [FieldError] {
        var errors = FieldErrors()
        if let raw = changes.status.newValue, LeadStatus(rawValue: raw) == nil {
            errors.add("status", "must be one of \(LeadStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (field, update) in [("first_name", changes.firstName), ("last_name", changes.lastName)] {
            if let value = update.newValue { FieldRules.personName(value, field: field, into: &errors) }
        }
        if let phone = changes.phone.newValue, PhoneNumber.e164(fromUS: phone) == nil {
            errors.add("phone", "must be a valid US phone number, as E.164 (+17025551234)")
        }
        if let email = changes.email.newValue, !EmailAddress.isValid(email) { errors.add("email", "must be a valid email address") }
        if let state = changes.state.newValue { FieldRules.state(state, field: "state", into: &errors) }
        if let zip = changes.zipCode.newValue { FieldRules.zipCode(zip, field: "zip_code", into: &errors) }
        if case .set(let notes?) = changes.notes, notes.utf8.count > Self.maxNotesBytes { errors.add("notes", "must be at most \(Self.maxNotesBytes) bytes") }
        return errors.all
    }

    public static func problems(in changes: LeadInternalChanges) -> [FieldError] {
        var errors = FieldErrors()
        if let score = changes.score.newValue, !(0...100).contains(score) { errors.add("score", "must be between 0 and 100") }
        if case .set(let cents?) = changes.soldPriceCents { FieldRules.cents(cents, field: "sold_price_cents", into: &errors) }
        return errors.all
    }

    /// Applies a people's update with an audit event naming each field's old and new value. An
    /// illegal status move is a 409 that names the moves allowed from the current status.
    public func update(id: String, tenantID: String, changes: LeadChanges, actorKeyID: String?) async throws -> Lead {
        let problems = Self.problems(in: changes)
        if !problems.isEmpty { throw ValidationError(problems) }
        let at = self.clock.now()
        let updated = try await self.repository.update(id: id, tenantID: tenantID) { lead in
            var diff: [String: JSONValue] = [:]
            func record(_ field: String, _ old: String?, _ new: String?) {
                if old != new { diff[field] = ["old": .optional(old), "new": .optional(new)] }
            }
            var events: [LeadEvent] = []
            if let raw = changes.status.newValue, let next = LeadStatus(rawValue: raw), next != lead.status {
                guard lead.status.canMove(to: next) else {
                    let allowed = (LeadStatus.allowedManualTransitions[lead.status] ?? []).map(\.rawValue).sorted()
                    throw ConflictError(
                        code: "illegal_transition",
                        detail: "A \(lead.status.rawValue) lead cannot become \(next.rawValue) here; allowed: "
                            + (allowed.isEmpty ? "none" : allowed.joined(separator: ", "))
                            + (next == .accepted || next == .returned ? ". Use POST /leads/{id}/\(next == .accepted ? "accept" : "return")." : ".")
                    )
                }
                events.append(LeadEvent(.statusChanged, detail: ["from": .string(lead.status.rawValue), "to": .string(next.rawValue)], actorKeyID: actorKeyID, at: at))
                lead.status = next
            }
            var contact = lead.contact
            if let value = changes.firstName.newValue { contact.firstName = value.trimmingWhitespace() }
            if let value = changes.lastName.newValue { contact.lastName = value.trimmingWhitespace() }
            if let value = changes.email.newValue { contact.email = value.trimmingWhitespace().lowercased() }
            if let value = changes.phone.newValue { contact.phone = PhoneNumber.e164(fromUS: value) ?? value }
            if let value = changes.state.newValue { contact.state = value }
            if let value = changes.zipCode.newValue { contact.zipCode = value }
            record("first_name", lead.contact.firstName, contact.firstName)
            record("last_name", lead.contact.lastName, contact.lastName)
            record("email", lead.contact.email, contact.email)
            record("phone", lead.contact.phone, contact.phone)
            record("state", lead.contact.state, contact.state)
            record("zip_code", lead.contact.zipCode, contact.zipCode)
            lead.contact = contact
            if case .set(let notes) = changes.notes {
                record("notes", lead.notes, notes)
                lead.notes = notes
            }
            if !diff.isEmpty { events.append(LeadEvent(.updated, detail: ["changes": .object(diff)], actorKeyID: actorKeyID, at: at)) }
            if !events.isEmpty { lead.updatedAt = at }
            return events
        }
        guard let updated else { throw NotFoundError(entity: "lead", id: id) }
        return updated
    }

    /// An admin's change to score, buyer or price, audited like any other. The ledger is not
    /// touched: money moves only by charges, credits and refunds. So a sold lead's buyer and price
    /// are locked (409 `sale_fields_locked`): its sale and charge say what was sold to whom, and a
    /// report must never show another price than the ledger's.
    public func updateInternal(id: String, tenantID: String, changes: LeadInternalChanges, actorKeyID: String?) async throws -> Lead {
        var problems = Self.problems(in: changes)
        if case .set(let buyerID?) = changes.buyerID, self.buyers.buyer(id: buyerID)?.tenantID != tenantID {
            problems.append(FieldError(field: "buyer_id", message: "must be a buyer of this account"))
        }
        if !problems.isEmpty { throw ValidationError(problems) }
        let at = self.clock.now()
        let updated = try await self.repository.update(id: id, tenantID: tenantID) { lead in
            if lead.soldAt != nil {
                let locked = [
                    ("buyer_id", { if case .set(let buyerID) = changes.buyerID { buyerID != lead.buyerID } else { false } }()),
                    ("sold_price_cents", { if case .set(let cents) = changes.soldPriceCents { cents != lead.soldPriceCents } else { false } }()),
                ].filter(\.1).map(\.0)
                if !locked.isEmpty {
                    throw ConflictError(
                        code: "sale_fields_locked",
                        detail: "This lead was sold: \(locked.joined(separator: " and ")) cannot change. Money moves only through returns, refunds and credits."
                    )
                }
            }
            var diff: [String: JSONValue] = [:]
            if let score = changes.score.newValue, score != lead.score {
                diff["score"] = ["old": .optional(lead.score), "new": .integer(Int64(score))]
                lead.score = score
            }
            if case .set(let buyerID) = changes.buyerID, buyerID != lead.buyerID {
                diff["buyer_id"] = ["old": .optional(lead.buyerID), "new": .optional(buyerID)]
                lead.buyerID = buyerID
            }
            if case .set(let cents) = changes.soldPriceCents, cents != lead.soldPriceCents {
                diff["sold_price_cents"] = ["old": lead.soldPriceCents.map(JSONValue.integer) ?? .null, "new": cents.map(JSONValue.integer) ?? .null]
                lead.soldPriceCents = cents
            }
            guard !diff.isEmpty else { return [] }
            lead.updatedAt = at
            return [LeadEvent(.internalUpdate, detail: ["changes": .object(diff)], actorKeyID: actorKeyID, at: at)]
        }
        guard let updated else { throw NotFoundError(entity: "lead", id: id) }
        return updated
    }

    // MARK: Accept and return

    /// The buyer accepts a lead it bought: the charge becomes final (no return after this) under a
    /// billing event id. Accepting again answers the same, with no second event.
    public func accept(id: String, tenantID: String, actorKeyID: String?) async throws -> Lead {
        let at = self.clock.now()
        let billingEventID = self.identifiers.make(.billingEvent)
        let accepted = try await self.repository.update(id: id, tenantID: tenantID) { lead in
            // Accepting again answers the same; a lead worked on after acceptance stays accepted.
            if lead.acceptedAt != nil { return [] }
            guard lead.buyerID != nil, lead.status.isHeldByBuyer else {
                throw ConflictError(code: "not_acceptable", detail: Self.holdingConflict(lead, action: "accepted"))
            }
            lead.status = .accepted
            lead.acceptedAt = at
            lead.billingEventID = billingEventID
            lead.updatedAt = at
            return [
                LeadEvent(
                    .accepted,
                    detail: ["billing_event_id": .string(billingEventID), "buyer_id": .optional(lead.buyerID), "amount_cents": lead.soldPriceCents.map(JSONValue.integer) ?? .null],
                    actorKeyID: actorKeyID, at: at
                )
            ]
        }
        guard let accepted else { throw NotFoundError(entity: "lead", id: id) }
        return accepted
    }

    /// The buyer returns a lead inside its return window (hours after delivery, per buyer) with a
    /// reason; its charge is refunded to the buyer in the same transaction. A `do_not_call`
    /// return puts the phone on the tenant's internal do-not-call list.
    public func returnLead(id: String, tenantID: String, reason: ReturnReason, notes: String?, actorKeyID: String?) async throws -> ReturnPlan {
        let now = self.clock.nowMilliseconds()
        let at = Date(epochMilliseconds: now)
        let refundID = self.identifiers.make(.refund)
        let plan = try await self.repository.recordReturn(id: id, tenantID: tenantID, nowMilliseconds: now) { context in
            try Self.planReturn(context, reason: reason, notes: notes, refundID: refundID, actorKeyID: actorKeyID, now: now, at: at)
        }
        guard let plan else { throw NotFoundError(entity: "lead", id: id) }
        if let refund = plan.refund, let buyerID = refund.buyerID { self.funds.add(buyerID: buyerID, cents: refund.amountCents) }
        return plan
    }

    /// The rules of a return, decided from what the store read in the returning transaction.
    static func planReturn(
        _ context: ReturnContext, reason: ReturnReason, notes: String?, refundID: String, actorKeyID: String?, now: Int64, at: Date
    ) throws -> ReturnPlan {
        var lead = context.lead
        if lead.status == .returned { throw ConflictError(code: "already_returned", detail: "This lead was already returned.") }
        guard let buyerID = lead.buyerID, lead.status.isHeldByBuyer, lead.acceptedAt == nil else {
            throw ConflictError(code: "not_returnable", detail: Self.holdingConflict(lead, action: "returned"))
        }
        let windowStart = (lead.deliveredAt ?? lead.soldAt ?? lead.createdAt).epochMilliseconds
        let windowEnd = windowStart + Int64(context.buyerTerms.returnWindowHours) * 3_600_000
        guard now <= windowEnd else {
            throw ConflictError(
                code: "return_window_closed",
                detail: "The return window of \(context.buyerTerms.returnWindowHours) hours after delivery closed at "
                    + "\(Date(epochMilliseconds: windowEnd).formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))."
            )
        }
        if let percent = context.buyerTerms.maxReturnPercent, (context.returnsThisMonth + 1) * 100 > percent * context.purchasesThisMonth {
            throw ConflictError(
                code: "return_cap_reached",
                detail: "The buyer may return at most \(percent)% of its purchases in a month: \(context.returnsThisMonth) of "
                    + "\(context.purchasesThisMonth) returned this month."
            )
        }
        var refund: LedgerEntry?
        // What the buyer was charged, from the ledger: the lead's price may have been edited since.
        if let charge = context.charge, let chargedBuyer = charge.buyerID {
            refund = LedgerEntry(
                id: refundID, tenantID: lead.tenantID, buyerID: chargedBuyer, leadID: lead.id, kind: .refund, amountCents: charge.amountCents,
                description: "Lead #\(lead.id.prefix(8)) returned (\(reason.rawValue))", reason: reason.rawValue, createdAt: at
            )
        }
        lead.status = .returned
        lead.returnedAt = at
        lead.returnReason = reason
        lead.returnNotes = notes
        lead.updatedAt = at
        let event = LeadEvent(
            .returned,
            detail: [
                "reason": .string(reason.rawValue), "notes": .optional(notes), "buyer_id": .string(buyerID),
                "refund_id": .optional(refund?.id), "amount_cents": refund.map { .integer($0.amountCents) } ?? .null,
            ],
            actorKeyID: actorKeyID, at: at
        )
        return ReturnPlan(lead: lead, refund: refund, events: [event], addToInternalDoNotCall: reason == .doNotCall)
    }

    static func holdingConflict(_ lead: Lead, action: String) -> String {
        if lead.acceptedAt != nil { return "This lead was accepted; its charge is final and it cannot be \(action)." }
        return switch lead.status {
        case .returned: "This lead was returned."
        default: "Only a lead sold to a buyer can be \(action); this one is \(lead.status.rawValue)."
        }
    }
}
