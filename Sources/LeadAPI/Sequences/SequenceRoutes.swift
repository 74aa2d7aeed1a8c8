import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/sequences`: outreach sequences, enrollments, pause and resume.
struct SequenceRoutes {
    let registry: SequenceRegistry
    let idempotency: IdempotencyGate

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: self.create)
        group.get(use: self.list)
        group.get(":id", use: self.show)
        group.post(":id/enroll", use: self.enroll)
        group.post(":id/pause", use: self.pause)
        group.post(":id/resume", use: self.resume)
        group.delete(":id/enrollments/:lead_id", use: self.remove)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "sequences", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let draft = SequenceDraft(name: body.string("name"), steps: Self.steps(from: &body), fromEmail: body.string("from_email"))
            try throwFieldErrors(body) { SequenceRules.problems(in: draft) }
            let sequence = try await self.registry.create(draft, tenantID: principal.tenantID)
            return JSONResponse(
                status: .created, headers: [.location: "/api/v1/sequences/\(sequence.id)"],
                Self.summary(SequenceProfile(sequence: sequence, counts: .none))
            )
        }
    }

    /// The steps as sent; a step that is not an object, or a field of the wrong type, is named (`steps[1].delay_minutes`).
    static func steps(from body: inout FieldReader) -> [SequenceStepDraft]? {
        guard let value = body.object["steps"], value != .null else { return nil }
        guard case .array(let items) = value else {
            body.errors.add("steps", "must be an array of steps, not \(value.typeName)")
            return nil
        }
        var drafts: [SequenceStepDraft] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                body.errors.add("steps[\(index)]", "must be an object, not \(item.typeName)")
                continue
            }
            var step = FieldReader(object, prefix: "steps[\(index)].")
            drafts.append(
                SequenceStepDraft(
                    channel: step.string("channel"), delayMinutes: step.int("delay_minutes"), template: step.string("template"),
                    templateID: step.string("template_id"), subject: step.string("subject")
                )
            )
            body.absorb(step)
        }
        return drafts
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let page = query.page()
        try query.errors.throwIfAny()
        let profiles = try await self.registry.list(tenantID: principal.tenantID, page: page)
        return JSONResponse(.list(profiles.items.map(Self.summary), total: profiles.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        return JSONResponse(Self.detail(try await self.registry.profile(id: id, tenantID: principal.tenantID)))
    }

    @Sendable func enroll(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        let leadID = body.string("lead_id")
        try throwFieldErrors(body) { [] }
        guard let leadID else { throw Problem.invalidFields([FieldError(field: "lead_id", message: "is required")]) }
        let enrollment = try await self.registry.enroll(leadID: leadID, sequenceID: id, tenantID: principal.tenantID)
        return JSONResponse(
            status: .created,
            [
                "enrollment_id": .string(enrollment.id), "sequence_id": .string(enrollment.sequenceID), "lead_id": .string(enrollment.leadID),
                "status": .string(enrollment.status.rawValue), "next_step_at": Self.time(enrollment.nextStepAtMilliseconds),
            ]
        )
    }

    @Sendable func pause(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let sequence = try await self.registry.pause(id: try context.parameters.require("id"), tenantID: principal.tenantID)
        return JSONResponse(["id": .string(sequence.id), "status": .string(sequence.status.rawValue)])
    }

    @Sendable func resume(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let sequence = try await self.registry.resume(id: try context.parameters.require("id"), tenantID: principal.tenantID)
        return JSONResponse(["id": .string(sequence.id), "status": .string(sequence.status.rawValue)])
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let removed = try await self.registry.remove(
            leadID: try context.parameters.require("lead_id"), sequenceID: try context.parameters.require("id"), tenantID: principal.tenantID
        )
        return JSONResponse(["removed": true, "lead_id": .string(removed.leadID), "enrollment_id": .string(removed.id)])
    }

    /// As the create answer and the list show it: `steps` is the count.
    static func summary(_ profile: SequenceProfile) -> JSONValue {
        let sequence = profile.sequence
        return [
            "id": .string(sequence.id), "name": .string(sequence.name), "steps": .int(sequence.steps.count), "status": .string(sequence.status.rawValue),
            "enrolled": .int(profile.counts.enrolled), "created_at": .timestamp(sequence.createdAt),
            "from_email": sequence.fromEmail.map(JSONValue.string) ?? .null,
        ]
    }

    /// As `GET /sequences/{id}` shows it: `steps` is the array of step definitions, with the counts.
    static func detail(_ profile: SequenceProfile) -> JSONValue {
        let counts = profile.counts
        return Self.summary(profile).merging([
            "steps": .array(profile.sequence.steps.map(Self.step)),
            "completed": .int(counts.completed), "active": .int(counts.active), "ended": .int(counts.ended), "removed": .int(counts.removed),
            "conversion_rate": .number(counts.conversionRate), "updated_at": .timestamp(profile.sequence.updatedAt),
        ])
    }

    static func step(_ step: SequenceStep) -> JSONValue {
        var object: [String: JSONValue] = ["channel": .string(step.channel.rawValue), "delay_minutes": .int(step.delayMinutes)]
        if let template = step.template { object["template"] = .string(template) }
        if let id = step.templateID { object["template_id"] = .string(id) }
        if let subject = step.subject { object["subject"] = .string(subject) }
        return .object(object)
    }

    static func time(_ milliseconds: Int64?) -> JSONValue {
        milliseconds.map { .timestamp(Date(epochMilliseconds: $0)) } ?? .null
    }

    /// A lead's enrollments and attempts, as `GET /leads/{id}` shows them.
    static func outreach(_ outreach: LeadOutreach) -> JSONValue {
        [
            "enrollments": .array(outreach.enrollments.map { enrollment in
                [
                    "enrollment_id": .string(enrollment.id), "sequence_id": .string(enrollment.sequenceID), "status": .string(enrollment.status.rawValue),
                    "next_step": .int(enrollment.nextStep + 1), "next_step_at": Self.time(enrollment.nextStepAtMilliseconds),
                    "enrolled_at": Self.time(enrollment.enrolledAtMilliseconds), "end_reason": .optional(enrollment.endReason),
                    "ended_at": Self.time(enrollment.endedAtMilliseconds),
                ]
            }),
            "attempts": .array(outreach.attempts.map { attempt in
                [
                    "id": .string(attempt.id), "enrollment_id": .string(attempt.enrollmentID), "sequence_id": .string(attempt.sequenceID),
                    "step": .int(attempt.step), "channel": .string(attempt.channel.rawValue), "outcome": .string(attempt.outcome.rawValue),
                    "reason": .optional(attempt.reason), "provider_id": .optional(attempt.providerID), "at": Self.time(attempt.attemptedAtMilliseconds),
                    "deferred_until": Self.time(attempt.deferredUntilMilliseconds),
                ]
            }),
        ]
    }
}
