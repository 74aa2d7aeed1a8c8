import Synchronization

/// Runs sequences' steps as they fall due, from the store's due times, so restarts lose nothing.
/// Each step runs at most once per enrollment: the attempt is recorded as `claimed` before its
/// channel is called and settled after; a claim found unsettled at start was cut off mid-send and
/// becomes `unknown`, never sent again. Only a touch that provably never reached the provider is
/// retried (three times, 1, 3 and 9 minutes apart), then the step fails and the sequence goes on.
public struct OutreachScheduler: Sendable {
    public static let retryDelaysMilliseconds: [Int64] = [60_000, 180_000, 540_000]

    let repository: any SequenceRepository
    let leads: any LeadRepository
    let preflight: StepPreflight
    let templates: any StepTemplates
    let senders: [OutreachChannel: any OutreachSender]
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    /// Steps of different enrollments sent at once, at most.
    let concurrency: Int
    public let doorbell: Doorbell
    let running = EnrollmentsRunning()

    public init(
        repository: any SequenceRepository, leads: any LeadRepository, preflight: StepPreflight, templates: any StepTemplates,
        senders: [OutreachChannel: any OutreachSender], clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers(),
        concurrency: Int = 32, doorbell: Doorbell = Doorbell()
    ) {
        self.repository = repository
        self.leads = leads
        self.preflight = preflight
        self.templates = templates
        self.senders = senders
        self.clock = clock
        self.identifiers = identifiers
        self.concurrency = max(1, concurrency)
        self.doorbell = doorbell
    }

    /// Settles claims a stop cut off between the claim and the channel's answer: the touch may
    /// have gone out, so it is `unknown` and the enrollment moves on. Run before any step.
    ///
    /// On a store one node owns, every claim at start is a send its stop cut off. On a store several
    /// nodes share, another node may be sending right now: only claims older than `claimAge` (far
    /// longer than any send takes) are settled, by whichever node looks; the others are its own.
    @discardableResult
    public func settleInterruptedSends(olderThanMilliseconds claimAge: Int64? = nil) async throws -> Int {
        var settled = 0
        let claimedBefore = claimAge.map { self.clock.nowMilliseconds() - $0 } ?? Int64.max
        for var attempt in try await self.repository.unsettledClaims(claimedBeforeMilliseconds: claimedBefore) {
            guard let enrollment = try await self.repository.enrollment(id: attempt.enrollmentID) else { continue }
            attempt.outcome = .unknown
            attempt.reason = "the server stopped while sending: the touch may or may not have gone out"
            let sequence = try await self.repository.sequence(id: enrollment.sequenceID, tenantID: enrollment.tenantID)
            let next = self.advanced(enrollment, steps: sequence?.steps ?? [], at: self.clock.nowMilliseconds())
            if try await self.repository.apply(attempt, to: next, expectedNextStep: attempt.step - 1, requireDue: false) { settled += 1 }
        }
        return settled
    }

    /// Runs every step due now, `concurrency` at a time, until none is due; returns how many ran.
    @discardableResult
    public func runDue() async throws -> Int {
        var total = 0
        // A step is taken once per call: one left due unchanged (its lead gone, its write refused)
        // waits for the next pass, while the next step of an enrollment that moved on runs now.
        var seen = Set<String>()
        func state(_ enrollment: Enrollment) -> String {
            "\(enrollment.id) \(enrollment.nextStep) \(enrollment.retries) \(enrollment.nextStepAtMilliseconds ?? -1)"
        }
        while true {
            let due = try await self.repository.dueEnrollments(nowMilliseconds: self.clock.nowMilliseconds(), limit: self.concurrency * 4)
                .filter { !self.running.contains($0.id) && !seen.contains(state($0)) }
            if due.isEmpty { return total }
            seen.formUnion(due.map(state))
            try await withThrowingTaskGroup(of: Void.self) { group in
                var pending = due[...]
                func startNext() {
                    guard let enrollment = pending.popFirst() else { return }
                    group.addTask { try await self.runStep(of: enrollment) }
                }
                for _ in 0..<min(self.concurrency, pending.count) { startNext() }
                while try await group.next() != nil { startNext() }
            }
            total += due.count
        }
    }

    /// When the next step falls due; nil when no enrollment waits for one.
    public func nextDueMilliseconds() async throws -> Int64? {
        try await self.repository.earliestDueMilliseconds()
    }

    /// Decides and runs the enrollment's next step.
    func runStep(of enrollment: Enrollment) async throws {
        guard self.running.claim(enrollment.id) else { return }
        defer { self.running.release(enrollment.id) }
        guard let sequence = try await self.repository.sequence(id: enrollment.sequenceID, tenantID: enrollment.tenantID),
            sequence.status == .active
        else { return }
        let now = self.clock.nowMilliseconds()
        guard enrollment.nextStep < sequence.steps.count else {
            _ = try await self.repository.apply(
                self.attempt(enrollment, step: sequence.steps.count, channel: .email, outcome: .skipped, reason: "no_more_steps", at: now),
                to: self.advanced(enrollment, steps: sequence.steps, at: now), expectedNextStep: enrollment.nextStep, requireDue: true
            )
            return
        }
        let step = sequence.steps[enrollment.nextStep]
        let position = enrollment.nextStep + 1
        guard let lead = try await self.leads.lead(id: enrollment.leadID, tenantID: enrollment.tenantID) else { return }
        let contact = try await self.contact(of: lead)
        let decision = try await self.preflight.decide(
            channel: step.channel, contact: contact, tenantID: enrollment.tenantID, channelConfigured: self.senders[step.channel] != nil,
            atMilliseconds: now
        )
        var attempt = self.attempt(enrollment, step: position, channel: step.channel, outcome: .skipped, reason: nil, at: now)
        attempt.recipient = step.channel == .email ? lead.contact.email : lead.contact.phone
        var next = enrollment
        switch decision {
        case .wait(let until, let reason):
            attempt.outcome = .deferred
            attempt.reason = reason
            attempt.deferredUntilMilliseconds = until
            next.nextStepAtMilliseconds = until
        case .end(let reason, let detail):
            attempt.outcome = .blocked
            attempt.reason = "\(reason.rawValue): \(detail)"
            next = Self.ended(enrollment, reason: reason, at: now)
        case .skip(let reason):
            attempt.reason = reason
            next = self.advanced(enrollment, steps: sequence.steps, at: now)
        case .run:
            try await self.send(step, of: sequence, lead: lead, enrollment: enrollment, attempt: attempt)
            return
        }
        _ = try await self.repository.apply(attempt, to: next, expectedNextStep: enrollment.nextStep, requireDue: true)
    }

    /// Claims the step, calls its channel, and settles the claim with what the channel knows.
    private func send(_ step: SequenceStep, of sequence: OutreachSequence, lead: Lead, enrollment: Enrollment, attempt: OutreachAttempt) async throws {
        guard let sender = self.senders[step.channel] else { return }
        let message = try await self.message(for: step, of: sequence, lead: lead, enrollment: enrollment)
        var claimed = attempt
        claimed.outcome = .claimed
        var inFlight = enrollment
        inFlight.nextStepAtMilliseconds = nil
        guard try await self.repository.apply(claimed, to: inFlight, expectedNextStep: enrollment.nextStep, requireDue: true) else { return }

        let outcome = await sender.send(message)
        let now = self.clock.nowMilliseconds()
        var settled = claimed
        var next = self.advanced(enrollment, steps: sequence.steps, at: now)
        switch outcome {
        case .sent(let providerID):
            settled.outcome = .sent
            settled.providerID = providerID
        case .unknown(let reason):
            settled.outcome = .unknown
            settled.reason = reason
        case .rejected(let reason):
            settled.outcome = .failed
            settled.reason = reason
        case .skipped(let reason):
            settled.outcome = .skipped
            settled.reason = reason
        case .notReached(let reason) where enrollment.retries < Self.retryDelaysMilliseconds.count:
            let retryAt = now + Self.retryDelaysMilliseconds[enrollment.retries]
            settled.outcome = .notReached
            settled.reason = reason
            settled.deferredUntilMilliseconds = retryAt
            next = enrollment
            next.retries += 1
            next.nextStepAtMilliseconds = retryAt
        case .notReached(let reason):
            settled.outcome = .failed
            settled.reason = "\(reason) (after \(Self.retryDelaysMilliseconds.count) retries)"
        }
        // The claim cleared the due time; settle against the same step without requiring it.
        _ = try await self.repository.apply(settled, to: next, expectedNextStep: enrollment.nextStep, requireDue: false)
    }

    func message(for step: SequenceStep, of sequence: OutreachSequence, lead: Lead, enrollment: Enrollment) async throws -> OutreachMessage {
        var subject = step.subject
        var text = step.template ?? ""
        if let templateID = step.templateID, let template = try await self.templates.template(id: templateID, tenantID: enrollment.tenantID) {
            text = template.body
            subject = template.subject ?? subject
        }
        return OutreachMessage(
            enrollmentID: enrollment.id, sequenceID: sequence.id, step: enrollment.nextStep + 1, leadID: lead.id, tenantID: lead.tenantID,
            channel: step.channel, to: step.channel == .email ? lead.contact.email : lead.contact.phone,
            subject: step.channel == .email ? self.templates.render(subject ?? sequence.name, lead: lead) : nil,
            body: self.templates.render(text, lead: lead), firstName: lead.contact.firstName, lastName: lead.contact.lastName,
            state: lead.contact.state, fromEmail: sequence.fromEmail
        )
    }

    /// The lead's contact facts, with the certificate that evidences its consent.
    func contact(of lead: Lead) async throws -> StepContact {
        var certificateID = lead.consentCertificateID
        if certificateID == nil {
            // A consent recorded later against the lead (`POST /compliance/consent` with its lead_id).
            certificateID = try await self.leads.details(id: lead.id, tenantID: lead.tenantID)?.consentRecords.last?.id
        }
        return StepContact(
            phone: lead.contact.phone, email: lead.contact.email, state: lead.contact.state, campaignType: lead.campaignType,
            certificateID: certificateID
        )
    }

    /// The enrollment after its next step ran or was skipped at `at`: the following step is due
    /// its delay later, or the enrollment is complete.
    func advanced(_ enrollment: Enrollment, steps: [SequenceStep], at: Int64) -> Enrollment {
        var next = enrollment
        next.nextStep += 1
        next.lastStepAtMilliseconds = at
        next.retries = 0
        if next.nextStep < steps.count {
            next.nextStepAtMilliseconds = at + steps[next.nextStep].delayMilliseconds
        } else {
            next.status = .completed
            next.nextStepAtMilliseconds = nil
        }
        return next
    }

    static func ended(_ enrollment: Enrollment, reason: EnrollmentEndReason, at: Int64) -> Enrollment {
        var next = enrollment
        next.status = .ended
        next.endReason = reason.rawValue
        next.endedAtMilliseconds = at
        next.nextStepAtMilliseconds = nil
        return next
    }

    private func attempt(
        _ enrollment: Enrollment, step: Int, channel: OutreachChannel, outcome: AttemptOutcome, reason: String?, at: Int64
    ) -> OutreachAttempt {
        OutreachAttempt(
            id: self.identifiers.make(.outreachAttempt), tenantID: enrollment.tenantID, enrollmentID: enrollment.id, sequenceID: enrollment.sequenceID,
            leadID: enrollment.leadID, step: step, channel: channel, outcome: outcome, reason: reason, attemptedAtMilliseconds: at
        )
    }
}

/// The enrollments whose step is being run, so two passes never run one at once.
final class EnrollmentsRunning: Sendable {
    private let ids = Mutex(Set<String>())

    func claim(_ id: String) -> Bool { self.ids.withLock { $0.insert(id).inserted } }
    func release(_ id: String) { self.ids.withLock { _ = $0.remove(id) } }
    func contains(_ id: String) -> Bool { self.ids.withLock { $0.contains(id) } }
}
