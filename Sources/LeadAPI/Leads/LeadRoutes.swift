import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/leads`: inbound intake, the listing and detail views, updates, and the buyer's accept and return.
struct LeadRoutes {
    let desk: LeadDesk
    let sequences: SequenceRegistry
    let idempotency: IdempotencyGate

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("inbound", use: self.inbound)
        group.get(use: self.list)
        group.get(":id", use: self.show)
        group.patch(":id", use: self.update)
        group.patch(":id/internal", use: self.updateInternal)
        group.post(":id/accept", use: self.accept)
        group.post(":id/return", use: self.returnLead)
    }

    @Sendable func inbound(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "leads/inbound", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let submission = try Self.submission(from: &body)
            let receipt = try await self.desk.intake(submission, tenantID: principal.tenantID, actorKeyID: principal.keyID)
            let lead = receipt.lead
            return JSONResponse(
                status: .created, headers: [.location: "/api/v1/leads/\(lead.id)"],
                [
                    "id": .string(lead.id), "status": .string(lead.status.rawValue), "score": .optional(lead.score),
                    "consent_certificate_id": .optional(lead.consentCertificateID), "created_at": .timestamp(lead.createdAt),
                    "duplicate_of": .optional(lead.duplicateOf), "rejection_reasons": Self.reasons(lead.rejectionReasons),
                    "buyer_id": .optional(lead.buyerID), "sold_price_cents": .optional(lead.soldPriceCents), "ping_id": .optional(receipt.pingID),
                ]
            )
        }
    }

    /// The envelope must be right (types, campaign type, source) or nothing is stored: 400/422.
    /// What the lead says about the person is qualification's to judge: a lead that fails it is
    /// stored as `rejected` with its reasons.
    static func submission(from body: inout FieldReader) throws -> InboundSubmission {
        let fields = ["first_name", "last_name", "email", "phone", "state", "zip_code"].map { ($0, body.string($0)) }
        let value = Dictionary(uniqueKeysWithValues: fields)
        let rawType = body.string("campaign_type")
        let source = body.string("source")
        let notes = body.string("notes")
        var consent = body.object("consent")
        var consentSubmission: ConsentSubmission?
        if var reader = consent {
            consentSubmission = ConsentSubmission(
                consentType: reader.string("consent_type"), consentText: reader.string("consent_text"), ipAddress: reader.string("ip_address"),
                pageURL: reader.string("page_url"), userAgent: reader.string("user_agent"), channel: reader.string("channel"),
                mechanism: reader.string("mechanism")
            )
            // Only the consent's type errors count here; its values are qualification's to judge.
            consent = reader
        }
        body.absorb(consent)
        var problems = FieldErrors()
        var campaignType: CampaignType?
        if let rawType {
            campaignType = FieldRules.campaignType(rawType, field: "campaign_type", into: &problems)
        } else if body.lacks("campaign_type") {
            problems.add("campaign_type", "is required")
        }
        if let source {
            if source.allSatisfy(\.isWhitespace) || source.utf8.count > 200 { problems.add("source", "must be 1 to 200 bytes") }
        } else if body.lacks("source") {
            problems.add("source", "is required")
        }
        if let notes, notes.utf8.count > LeadDesk.maxNotesBytes { problems.add("notes", "must be at most \(LeadDesk.maxNotesBytes) bytes") }
        try throwFieldErrors(body) { problems.all }
        if !problems.isEmpty { throw Problem.invalidFields(problems.all) }
        guard let campaignType, let source else { throw Problem.invalidFields([FieldError(field: "campaign_type", message: "is required")]) }
        return InboundSubmission(
            firstName: value["first_name"] ?? nil, lastName: value["last_name"] ?? nil, email: value["email"] ?? nil, phone: value["phone"] ?? nil,
            state: value["state"] ?? nil, zipCode: value["zip_code"] ?? nil, campaignType: campaignType, source: source,
            notes: notes, consent: consentSubmission
        )
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let filter = LeadFilter(
            status: query.enumeration("status", LeadStatus.self), campaignType: query.enumeration("campaign_type", CampaignType.self),
            state: query.string("state"), buyerID: query.string("buyer_id"), source: query.string("source"),
            createdAfter: query.instant("created_after"), createdBefore: query.instant("created_before")
        )
        if let state = filter.state { FieldRules.state(state, field: "state", into: &query.errors) }
        let page = query.page()
        try query.errors.throwIfAny()
        let leads = try await self.desk.list(tenantID: principal.tenantID, filter: filter, page: page)
        return JSONResponse(.list(leads.items.map(Self.summary), total: leads.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let details = try await self.desk.details(id: id, tenantID: principal.tenantID)
        let outreach = try await self.sequences.outreach(leadID: id, tenantID: principal.tenantID)
        return JSONResponse(Self.detail(details).merging(["outreach": SequenceRoutes.outreach(outreach)]))
    }

    /// Score, buyer and price belong to `PATCH /leads/{id}/internal` (admin): naming them here is a 403.
    static let protectedFields = ["score", "buyer_id", "sold_price_cents"]

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        let named = Self.protectedFields.filter(body.contains)
        if !named.isEmpty {
            throw Problem.forbidden(
                "\(named.joined(separator: ", ")) can only be changed by an admin key through PATCH /api/v1/leads/{id}/internal."
            )
        }
        var changes = LeadChanges()
        changes.status = body.update("status") { $0.string($1) }
        changes.firstName = body.update("first_name") { $0.string($1) }
        changes.lastName = body.update("last_name") { $0.string($1) }
        changes.email = body.update("email") { $0.string($1) }
        changes.phone = body.update("phone") { $0.string($1) }
        changes.state = body.update("state") { $0.string($1) }
        changes.zipCode = body.update("zip_code") { $0.string($1) }
        changes.notes = body.nullableUpdate("notes") { $0.string($1) }
        try throwFieldErrors(body) { LeadDesk.problems(in: changes) }
        let lead = try await self.desk.update(id: id, tenantID: principal.tenantID, changes: changes, actorKeyID: principal.keyID)
        return JSONResponse(Self.summary(lead).merging(["updated_at": .timestamp(lead.updatedAt), "notes": .optional(lead.notes)]))
    }

    @Sendable func updateInternal(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requireRole(.admin)
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        var changes = LeadInternalChanges()
        changes.score = body.update("score") { $0.int($1) }
        changes.buyerID = body.nullableUpdate("buyer_id") { $0.string($1) }
        changes.soldPriceCents = body.nullableUpdate("sold_price_cents") { $0.int64($1) }
        try throwFieldErrors(body) { LeadDesk.problems(in: changes) }
        let lead = try await self.desk.updateInternal(id: id, tenantID: principal.tenantID, changes: changes, actorKeyID: principal.keyID)
        return JSONResponse([
            "id": .string(lead.id), "score": .optional(lead.score), "buyer_id": .optional(lead.buyerID),
            "sold_price_cents": .optional(lead.soldPriceCents), "updated_at": .timestamp(lead.updatedAt),
        ])
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let lead = try await self.desk.accept(id: id, tenantID: principal.tenantID, actorKeyID: principal.keyID)
        // The acceptance's answer, the same every time: a lead worked on since (contacted, converted,
        // closed) was still accepted, and GET /leads/{id} shows where it is now.
        return JSONResponse([
            "id": .string(lead.id), "status": .string(LeadStatus.accepted.rawValue),
            "accepted_at": lead.acceptedAt.map(JSONValue.timestamp) ?? .null, "billing_event_id": .optional(lead.billingEventID),
            "buyer_id": .optional(lead.buyerID), "amount_cents": .optional(lead.soldPriceCents),
        ])
    }

    @Sendable func returnLead(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        let rawReason = body.string("reason")
        let notes = body.string("notes")
        var problems = FieldErrors()
        var reason: ReturnReason?
        if let rawReason {
            reason = ReturnReason(rawValue: rawReason)
            if reason == nil { problems.add("reason", "must be one of \(ReturnReason.allCases.map(\.rawValue).joined(separator: ", "))") }
        } else if body.lacks("reason") {
            problems.add("reason", "is required")
        }
        if let notes, notes.utf8.count > LeadDesk.maxNotesBytes { problems.add("notes", "must be at most \(LeadDesk.maxNotesBytes) bytes") }
        try throwFieldErrors(body) { problems.all }
        if !problems.isEmpty { throw Problem.invalidFields(problems.all) }
        guard let reason else { throw Problem.invalidFields([FieldError(field: "reason", message: "is required")]) }
        let plan = try await self.desk.returnLead(id: id, tenantID: principal.tenantID, reason: reason, notes: notes, actorKeyID: principal.keyID)
        let lead = plan.lead
        return JSONResponse([
            "id": .string(lead.id), "status": .string(lead.status.rawValue), "return_reason": .optional(lead.returnReason?.rawValue),
            "returned_at": lead.returnedAt.map(JSONValue.timestamp) ?? .null, "credit_issued": .bool(plan.refund != nil),
            "credit_id": .optional(plan.refund?.id), "credit_cents": .optional(plan.refund?.amountCents),
        ])
    }

    // MARK: Shapes

    static func reasons(_ failures: [QualificationFailure]) -> JSONValue {
        .array(failures.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] })
    }

    /// The list item: the spec's fields plus what a list of leads is filtered and sorted by.
    static func summary(_ lead: Lead) -> JSONValue {
        [
            "id": .string(lead.id), "first_name": .string(lead.contact.firstName), "last_name": .string(lead.contact.lastName),
            "status": .string(lead.status.rawValue), "score": .optional(lead.score), "campaign_type": .string(lead.campaignType.rawValue),
            "state": .string(lead.contact.state), "source": .string(lead.source), "origin": .string(lead.origin.rawValue),
            "buyer_id": .optional(lead.buyerID), "sold_price_cents": .optional(lead.soldPriceCents), "created_at": .timestamp(lead.createdAt),
        ]
    }

    static func detail(_ details: LeadDetails) -> JSONValue {
        let lead = details.lead
        func time(_ date: Date?) -> JSONValue { date.map(JSONValue.timestamp) ?? .null }
        return Self.summary(lead).merging([
            "email": .string(lead.contact.email), "phone": .string(lead.contact.phone), "zip_code": .string(lead.contact.zipCode),
            "ping_id": .optional(lead.pingID), "notes": .optional(lead.notes), "consent_certificate_id": .optional(lead.consentCertificateID),
            "duplicate_of": .optional(lead.duplicateOf), "rejection_reasons": Self.reasons(lead.rejectionReasons),
            "sold_at": time(lead.soldAt), "delivered_at": time(lead.deliveredAt), "accepted_at": time(lead.acceptedAt),
            "billing_event_id": .optional(lead.billingEventID), "returned_at": time(lead.returnedAt),
            "return_reason": .optional(lead.returnReason?.rawValue), "return_notes": .optional(lead.returnNotes),
            "updated_at": .timestamp(lead.updatedAt),
            "events": .array(details.events.map { event in
                ["type": .string(event.kind.rawValue), "at": .timestamp(event.at), "actor_key_id": .optional(event.actorKeyID), "detail": event.detail]
            }),
            "consent_records": .array(details.consentRecords.map(ConsentRoutes.resource)),
            "deliveries": .array(details.deliveries.map { record in
                [
                    "id": .string(record.delivery.id), "buyer_id": .string(record.delivery.buyerID), "status": .string(record.delivery.status.rawValue),
                    "attempts": .array(record.attempts.map { attempt in
                        [
                            "at": .timestamp(Date(epochMilliseconds: attempt.attemptedAtMilliseconds)), "status_code": .optional(attempt.statusCode),
                            "reason": .optional(attempt.reason?.rawValue), "error": .optional(attempt.error),
                            "duration_ms": .int(attempt.durationMilliseconds),
                        ]
                    }),
                ]
            }),
        ])
    }
}

extension JSONValue {
    /// This object with `other`'s members added (or replaced).
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var object) = self else { return self }
        for (key, value) in other { object[key] = value }
        return .object(object)
    }
}
