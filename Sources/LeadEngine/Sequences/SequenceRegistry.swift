/// A sequence with its enrollment counts, as the API shows it.
public struct SequenceProfile: Sendable {
    public var sequence: OutreachSequence
    public var counts: SequenceCounts

    public init(sequence: OutreachSequence, counts: SequenceCounts) {
        self.sequence = sequence
        self.counts = counts
    }
}

/// A lead's outreach: its enrollments and every attempt made.
public struct LeadOutreach: Sendable {
    public var enrollments: [Enrollment]
    public var attempts: [OutreachAttempt]

    public init(enrollments: [Enrollment], attempts: [OutreachAttempt]) {
        self.enrollments = enrollments
        self.attempts = attempts
    }
}

/// The sequence use cases: create (templates checked then, not at send time), list, inspect,
/// enroll leads (refusing one no channel of the sequence may ever reach), pause, resume, remove.
public struct SequenceRegistry: Sendable {
    let repository: any SequenceRepository
    let leads: any LeadRepository
    let templates: any StepTemplates
    let scheduler: OutreachScheduler
    /// The tenant's sending domains, which a `from_email` must belong to.
    let domains: any SendingDomainRepository
    let clock: any EngineClock
    let identifiers: any IdentifierSource

    public init(
        repository: any SequenceRepository, leads: any LeadRepository, templates: any StepTemplates, scheduler: OutreachScheduler,
        domains: any SendingDomainRepository, clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        self.domains = domains
        self.repository = repository
        self.leads = leads
        self.templates = templates
        self.scheduler = scheduler
        self.clock = clock
        self.identifiers = identifiers
    }

    /// A `from_email` as stored: a valid address whose domain is one of the tenant's verified domains.
    func checkedSender(_ address: String?, tenantID: String, errors: inout FieldErrors) async throws -> String? {
        guard let address = address?.trimmingWhitespace() else { return nil }
        guard EmailAddress.isValid(address), let at = address.lastIndex(of: "@") else {
            errors.add("from_email", "must be an email address such as outreach@mail.example.com")
            return nil
        }
        let local = address[..<at]
        guard let domain = try? DomainName.parse(String(address[address.index(after: at)...])),
            try await self.domains.verifiedDomain(named: domain, tenantID: tenantID) != nil
        else {
            errors.add("from_email", "its domain is not a verified sending domain of this account; register and verify it under /domains first")
            return nil
        }
        return "\(local)@\(domain.ascii)"
    }

    public func create(_ draft: SequenceDraft, tenantID: String) async throws -> OutreachSequence {
        var errors = FieldErrors()
        let steps = SequenceRules.steps(from: draft, errors: &errors)
        try errors.throwIfAny()
        for (index, step) in steps.enumerated() {
            let field = "steps[\(index)]."
            if let text = step.template {
                do { try self.templates.check(text, field: field + "template") } catch let error as ValidationError { errors.merge(error.fields) }
            }
            if let subject = step.subject {
                do { try self.templates.check(subject, field: field + "subject") } catch let error as ValidationError { errors.merge(error.fields) }
            }
            if let id = step.templateID {
                guard let template = try await self.templates.template(id: id, tenantID: tenantID) else {
                    errors.add(field + "template_id", "no template \(id) in this account")
                    continue
                }
                if template.channel != step.channel {
                    errors.add(field + "template_id", "template \(id) is for \(template.channel.rawValue), not \(step.channel.rawValue)")
                }
            }
        }
        let fromEmail = try await self.checkedSender(draft.fromEmail, tenantID: tenantID, errors: &errors)
        try errors.throwIfAny()
        let now = self.clock.now()
        let sequence = OutreachSequence(
            id: self.identifiers.make(.sequence), tenantID: tenantID, name: draft.name?.trimmingWhitespace() ?? "", steps: steps, status: .active,
            createdAt: now, updatedAt: now, fromEmail: fromEmail
        )
        try await self.repository.insert(sequence)
        return sequence
    }

    public func profile(id: String, tenantID: String) async throws -> SequenceProfile {
        guard let sequence = try await self.repository.sequence(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "sequence", id: id) }
        let counts = try await self.repository.counts(sequenceIDs: [id], tenantID: tenantID)
        return SequenceProfile(sequence: sequence, counts: counts[id] ?? .none)
    }

    public func list(tenantID: String, page: PageRequest) async throws -> Page<SequenceProfile> {
        let sequences = try await self.repository.sequences(tenantID: tenantID, page: page)
        let counts = try await self.repository.counts(sequenceIDs: sequences.items.map(\.id), tenantID: tenantID)
        return sequences.map { SequenceProfile(sequence: $0, counts: counts[$0.id] ?? .none) }
    }

    /// The attempts at each listed sequence's steps by outcome: sequence id → step (from 1) → outcome → count.
    public func stepOutcomes(sequenceIDs: [String], tenantID: String) async throws -> [String: [Int: [AttemptOutcome: Int]]] {
        try await self.repository.stepOutcomes(sequenceIDs: sequenceIDs, tenantID: tenantID)
    }

    public func enroll(leadID: String, sequenceID: String, tenantID: String) async throws -> Enrollment {
        guard let sequence = try await self.repository.sequence(id: sequenceID, tenantID: tenantID) else {
            throw NotFoundError(entity: "sequence", id: sequenceID)
        }
        guard let lead = try await self.leads.lead(id: leadID, tenantID: tenantID) else { throw NotFoundError(entity: "lead", id: leadID) }
        if lead.status == .rejected || lead.status == .duplicate {
            throw ConflictError(code: "lead_not_enrollable", detail: "Lead \(leadID) is \(lead.status.rawValue); only leads that passed qualification are followed up.")
        }
        let now = self.clock.nowMilliseconds()
        let contact = try await self.scheduler.contact(of: lead)
        var refusals: [String] = []
        for channel in OutreachChannel.allCases where sequence.channels.contains(channel) {
            let decision = try await self.scheduler.preflight.decide(
                channel: channel, contact: contact, tenantID: tenantID, channelConfigured: true, atMilliseconds: now
            )
            if case .end(let reason, let detail) = decision { refusals.append("\(channel.rawValue): \(reason.rawValue) (\(detail))") }
        }
        if refusals.count == sequence.channels.count {
            throw ConflictError(
                code: "not_contactable", detail: "No channel of this sequence may contact lead \(leadID): " + refusals.joined(separator: "; "),
                reasons: refusals
            )
        }
        let first = sequence.steps[0]
        let enrollment = Enrollment(
            id: self.identifiers.make(.enrollment), tenantID: tenantID, sequenceID: sequenceID, leadID: leadID, status: .active, nextStep: 0,
            nextStepAtMilliseconds: self.scheduler.preflight.plannedTime(channel: first.channel, contact: contact, atMilliseconds: now + first.delayMilliseconds),
            enrolledAtMilliseconds: now
        )
        if let active = try await self.repository.enroll(enrollment) {
            throw ConflictError(code: "already_enrolled", detail: "Lead \(leadID) is already enrolled in sequence \(sequenceID) (\(active.id)).")
        }
        self.scheduler.doorbell.ring()
        return enrollment
    }

    public func pause(id: String, tenantID: String) async throws -> OutreachSequence {
        try await self.setStatus(.paused, id: id, tenantID: tenantID)
    }

    /// Overdue steps fall due at once, still gated by the calling windows, earliest first.
    public func resume(id: String, tenantID: String) async throws -> OutreachSequence {
        let sequence = try await self.setStatus(.active, id: id, tenantID: tenantID)
        self.scheduler.doorbell.ring()
        return sequence
    }

    public func remove(leadID: String, sequenceID: String, tenantID: String) async throws -> Enrollment {
        guard try await self.repository.sequence(id: sequenceID, tenantID: tenantID) != nil else {
            throw NotFoundError(entity: "sequence", id: sequenceID)
        }
        guard let removed = try await self.repository.remove(sequenceID: sequenceID, leadID: leadID, tenantID: tenantID, nowMilliseconds: self.clock.nowMilliseconds())
        else { throw NotFoundError(entity: "active enrollment of lead", id: leadID) }
        return removed
    }

    public func outreach(leadID: String, tenantID: String) async throws -> LeadOutreach {
        LeadOutreach(
            enrollments: try await self.repository.enrollments(leadID: leadID, tenantID: tenantID),
            attempts: try await self.repository.attempts(leadID: leadID, tenantID: tenantID)
        )
    }

    private func setStatus(_ status: SequenceStatus, id: String, tenantID: String) async throws -> OutreachSequence {
        guard let sequence = try await self.repository.setStatus(status, id: id, tenantID: tenantID, nowMilliseconds: self.clock.nowMilliseconds()) else {
            throw NotFoundError(entity: "sequence", id: id)
        }
        return sequence
    }
}
