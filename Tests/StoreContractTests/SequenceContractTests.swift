import Foundation
import LeadEngine
import Testing

@Suite("Store contract: outreach sequences, enrollments and attempts")
struct SequenceContractTests {
    static func sequence(_ id: String, tenantID: String = "ten_1", status: SequenceStatus = .active, templateID: String? = nil, offset: Int64 = 0)
        -> OutreachSequence
    {
        OutreachSequence(
            id: id, tenantID: tenantID, name: "Sequence \(id)",
            steps: [
                SequenceStep(channel: .sms, delayMinutes: 0, template: "Hi {{first_name}} — ünïcode"),
                SequenceStep(channel: .email, delayMinutes: 60, templateID: templateID ?? "tpl_welcome"),
                SequenceStep(channel: .call, delayMinutes: 1_440, template: nil, subject: nil),
            ],
            status: status, createdAt: Times.at(offset), updatedAt: Times.at(offset), fromEmail: offset == 0 ? nil : "hello@mail.acme.com"
        )
    }

    static func enrollment(_ id: String, tenantID: String = "ten_1", sequenceID: String = "seq_1", leadID: String, due: Int64 = Times.base) -> Enrollment {
        Enrollment(
            id: id, tenantID: tenantID, sequenceID: sequenceID, leadID: leadID, status: .active, nextStep: 0, nextStepAtMilliseconds: due,
            enrolledAtMilliseconds: Times.base
        )
    }

    /// A lead's first step, run with `outcome` at `at`, in a sequence and enrollment of its own.
    static func recordAttempt(
        _ s: EngineStore, tenantID: String, leadID: String, outcome: AttemptOutcome, channel: OutreachChannel, recipient: String, at: Int64 = Times.base
    ) async throws {
        try await s.sequences.insert(Self.sequence("seq_\(leadID)", tenantID: tenantID))
        var enrollment = Self.enrollment("enr_\(leadID)", tenantID: tenantID, sequenceID: "seq_\(leadID)", leadID: leadID)
        #expect(try await s.sequences.enroll(enrollment) == nil)
        enrollment.nextStep = 1
        enrollment.lastStepAtMilliseconds = at
        enrollment.nextStepAtMilliseconds = at + 3_600_000
        let attempt = OutreachAttempt(
            id: "out_\(leadID)", tenantID: tenantID, enrollmentID: enrollment.id, sequenceID: enrollment.sequenceID, leadID: leadID, step: 1,
            channel: channel, outcome: outcome, providerID: "SM123", recipient: recipient, attemptedAtMilliseconds: at
        )
        #expect(try await s.sequences.apply(attempt, to: enrollment, expectedNextStep: 0, requireDue: true))
    }

    @Test("sequences read back whole, list newest first, change status, and name their templates; other tenants see none", arguments: StoreUnderTest.all)
    func sequences(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let first = Self.sequence("seq_1")
            let second = Self.sequence("seq_2", templateID: "tpl_other", offset: 10)
            try await s.sequences.insert(first)
            try await s.sequences.insert(second)
            try await s.sequences.insert(Self.sequence("seq_3", tenantID: "ten_2"))
            #expect(try await s.sequences.sequence(id: "seq_1", tenantID: "ten_1") == first)
            #expect(try await s.sequences.sequence(id: "seq_2", tenantID: "ten_1") == second)
            #expect(try await s.sequences.sequence(id: "seq_1", tenantID: "ten_2") == nil)
            let page = try await s.sequences.sequences(tenantID: "ten_1", page: PageRequest(page: 1, perPage: 10))
            #expect(page.items.map(\.id) == ["seq_2", "seq_1"] && page.total == 2)
            #expect(try await s.sequences.sequences(usingTemplate: "tpl_welcome", tenantID: "ten_1") == ["seq_1"])
            #expect(try await s.sequences.sequences(usingTemplate: "tpl_other", tenantID: "ten_1") == ["seq_2"])
            #expect(try await s.sequences.sequences(usingTemplate: "tpl_welcome", tenantID: "ten_2") == ["seq_3"])

            let paused = try #require(try await s.sequences.setStatus(.paused, id: "seq_1", tenantID: "ten_1", nowMilliseconds: Times.base + 5))
            #expect(paused.status == .paused && paused.updatedAt == Times.at(5))
            #expect(try await s.sequences.setStatus(.paused, id: "seq_1", tenantID: "ten_2", nowMilliseconds: Times.base) == nil)
            #expect(try await s.sequences.sequence(id: "seq_1", tenantID: "ten_1")?.status == .paused)
        }
    }

    @Test("a lead is enrolled in a sequence once at a time: the second enrollment returns the active one, even when they race", arguments: StoreUnderTest.all)
    func enrollOnce(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await LeadContractTests.intake(s, "lead_1")
            try await s.sequences.insert(Self.sequence("seq_1"))
            let results = try await withThrowingTaskGroup(of: Enrollment?.self) { group in
                for index in 0..<10 { group.addTask { try await s.sequences.enroll(Self.enrollment("enr_\(index)", leadID: "lead_1")) } }
                return try await group.reduce(into: [Enrollment?]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == nil }.count == 1, "one enrollment stored")
            let active = try #require(try await s.sequences.enrollments(leadID: "lead_1", tenantID: "ten_1").first)
            #expect(try await s.sequences.enrollments(leadID: "lead_1", tenantID: "ten_1").count == 1)
            #expect(results.compactMap { $0 }.allSatisfy { $0 == active }, "the others are answered with it")
            #expect(try await s.sequences.enrollment(id: active.id) == active)

            let removed = try #require(try await s.sequences.remove(sequenceID: "seq_1", leadID: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base + 9))
            #expect(removed.status == .removed && removed.endedAtMilliseconds == Times.base + 9 && removed.nextStepAtMilliseconds == nil)
            #expect(try await s.sequences.remove(sequenceID: "seq_1", leadID: "lead_1", tenantID: "ten_1", nowMilliseconds: Times.base) == nil)
            #expect(try await s.sequences.enroll(Self.enrollment("enr_again", leadID: "lead_1")) == nil, "enrolled again once removed")
            #expect(try await s.sequences.counts(sequenceIDs: ["seq_1"], tenantID: "ten_1")["seq_1"] == SequenceCounts(enrolled: 2, active: 1, removed: 1))
            #expect(try await s.sequences.counts(sequenceIDs: ["seq_1"], tenantID: "ten_2").isEmpty)
        }
    }

    @Test("due enrollments are the active ones of active sequences whose step is due, earliest first", arguments: StoreUnderTest.all)
    func due(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            for index in 1...4 { _ = try await LeadContractTests.intake(s, "lead_\(index)", phone: "+1702555010\(index)", since: Int64.max) }
            try await s.sequences.insert(Self.sequence("seq_1"))
            try await s.sequences.insert(Self.sequence("seq_paused", status: .paused))
            _ = try await s.sequences.enroll(Self.enrollment("enr_1", leadID: "lead_1", due: Times.base + 300))
            _ = try await s.sequences.enroll(Self.enrollment("enr_2", leadID: "lead_2", due: Times.base + 100))
            _ = try await s.sequences.enroll(Self.enrollment("enr_3", leadID: "lead_3", due: Times.base + 900))
            _ = try await s.sequences.enroll(Self.enrollment("enr_4", sequenceID: "seq_paused", leadID: "lead_4", due: Times.base))
            #expect(try await s.sequences.dueEnrollments(nowMilliseconds: Times.base + 300, limit: 10).map(\.id) == ["enr_2", "enr_1"])
            #expect(try await s.sequences.dueEnrollments(nowMilliseconds: Times.base + 300, limit: 1).map(\.id) == ["enr_2"])
            #expect(try await s.sequences.earliestDueMilliseconds() == Times.base + 100)
            _ = try await s.sequences.setStatus(.paused, id: "seq_1", tenantID: "ten_1", nowMilliseconds: Times.base)
            #expect(try await s.sequences.dueEnrollments(nowMilliseconds: Int64.max, limit: 10).isEmpty)
            #expect(try await s.sequences.earliestDueMilliseconds() == nil)
        }
    }

    @Test("a step deferred by one scheduler is no longer due for another that decided the same", arguments: StoreUnderTest.all)
    func deferredOnce(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await LeadContractTests.intake(s, "lead_1", phone: "+17025550100")
            try await s.sequences.insert(Self.sequence("seq_1"))
            let enrolled = Self.enrollment("enr_1", leadID: "lead_1")
            _ = try await s.sequences.enroll(enrolled)

            // Two nodes read the due step at the same moment and both decide to wait an hour.
            func deferral(_ id: String, at now: Int64) -> (OutreachAttempt, Enrollment) {
                var later = enrolled
                later.nextStepAtMilliseconds = now + 3_600_000
                let attempt = OutreachAttempt(
                    id: id, tenantID: "ten_1", enrollmentID: "enr_1", sequenceID: "seq_1", leadID: "lead_1", step: 1, channel: .sms,
                    outcome: .deferred, reason: "outside_calling_window", attemptedAtMilliseconds: now, deferredUntilMilliseconds: now + 3_600_000
                )
                return (attempt, later)
            }
            let (first, firstLater) = deferral("out_a", at: Times.base + 5)
            let (second, secondLater) = deferral("out_b", at: Times.base + 7)
            #expect(try await s.sequences.apply(first, to: firstLater, expectedNextStep: 0, requireDue: true))
            #expect(try await !s.sequences.apply(second, to: secondLater, expectedNextStep: 0, requireDue: true), "no longer due")
            #expect(try await s.sequences.attempts(leadID: "lead_1", tenantID: "ten_1") == [first])
            #expect(try await s.sequences.enrollment(id: "enr_1") == firstLater)
            // Once the hour is up the step is due again, for whichever node comes first.
            let (retry, retryLater) = deferral("out_c", at: Times.base + 5 + 3_600_000)
            #expect(try await s.sequences.apply(retry, to: retryLater, expectedNextStep: 0, requireDue: true))
        }
    }

    @Test("an attempt is written with the enrollment's step only while the enrollment is where the scheduler left it", arguments: StoreUnderTest.all)
    func apply(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let phone = "+17025550100"
            _ = try await LeadContractTests.intake(s, "lead_1", phone: phone)
            try await s.sequences.insert(Self.sequence("seq_1"))
            let enrolled = Self.enrollment("enr_1", leadID: "lead_1")
            _ = try await s.sequences.enroll(enrolled)

            // The claim: recorded before the channel is called, the enrollment taken off the due list.
            var claimed = enrolled
            claimed.nextStepAtMilliseconds = nil
            let claim = OutreachAttempt(
                id: "out_1", tenantID: "ten_1", enrollmentID: "enr_1", sequenceID: "seq_1", leadID: "lead_1", step: 1, channel: .sms, outcome: .claimed,
                recipient: phone, attemptedAtMilliseconds: Times.base
            )
            #expect(try await s.sequences.apply(claim, to: claimed, expectedNextStep: 0, requireDue: true))
            #expect(try await !s.sequences.apply(claim, to: claimed, expectedNextStep: 0, requireDue: true), "claimed once")
            #expect(try await s.sequences.unsettledClaims(claimedBeforeMilliseconds: Int64.max) == [claim])
            #expect(try await s.sequences.unsettledClaims(claimedBeforeMilliseconds: Times.base).isEmpty, "a claim made since is left to its node")
            #expect(try await s.sequences.dueEnrollments(nowMilliseconds: Int64.max, limit: 10).isEmpty)
            #expect(try await s.sequences.contactTimes(phone: phone, tenantID: "ten_1", sinceMilliseconds: 0) == [Times.base])

            // The outcome: the same attempt updated, the enrollment moved to its next step.
            var next = enrolled
            next.nextStep = 1
            next.lastStepAtMilliseconds = Times.base
            next.nextStepAtMilliseconds = Times.base + 3_600_000
            var sent = claim
            sent.outcome = .sent
            sent.providerID = "SM1"
            #expect(try await s.sequences.apply(sent, to: next, expectedNextStep: 0, requireDue: false))
            #expect(try await s.sequences.attempts(leadID: "lead_1", tenantID: "ten_1") == [sent])
            #expect(try await s.sequences.unsettledClaims(claimedBeforeMilliseconds: Int64.max).isEmpty)
            #expect(try await s.sequences.enrollment(id: "enr_1") == next)
            #expect(try await s.sequences.attempts(leadID: "lead_1", tenantID: "ten_2").isEmpty)

            // A stale decision (the enrollment is at step 1 now) is refused and writes nothing.
            var stale = sent
            stale.id = "out_stale"
            #expect(try await !s.sequences.apply(stale, to: next, expectedNextStep: 0, requireDue: false))
            #expect(try await s.sequences.attempts(leadID: "lead_1", tenantID: "ten_1") == [sent])
            #expect(try await s.sequences.contactTimes(phone: phone, tenantID: "ten_1", sinceMilliseconds: Times.base + 1) == [])
            #expect(try await s.sequences.contactTimes(phone: phone, tenantID: "ten_2", sinceMilliseconds: 0) == [])
        }
    }

    @Test("each step's attempts are counted by outcome, per sequence, for its tenant only", arguments: StoreUnderTest.all)
    func stepOutcomes(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.sequences.insert(Self.sequence("seq_1"))
            try await s.sequences.insert(Self.sequence("seq_2"))
            let runs: [(lead: String, sequence: String, outcomes: [AttemptOutcome])] = [
                ("lead_1", "seq_1", [.sent, .deferred]), ("lead_2", "seq_1", [.skipped]), ("lead_3", "seq_1", [.sent, .sent, .failed]),
                ("lead_4", "seq_2", [.blocked]),
            ]
            for (index, run) in runs.enumerated() {
                _ = try await LeadContractTests.intake(s, run.lead, phone: "+1702555020\(index)", email: "\(run.lead)@example.test")
                var enrollment = Self.enrollment("enr_\(run.lead)", sequenceID: run.sequence, leadID: run.lead)
                #expect(try await s.sequences.enroll(enrollment) == nil)
                for (step, outcome) in run.outcomes.enumerated() {
                    var next = enrollment
                    next.nextStep = step + 1
                    next.lastStepAtMilliseconds = Times.base + Int64(step)
                    next.nextStepAtMilliseconds = Times.base + Int64(step) + 1
                    let attempt = OutreachAttempt(
                        id: "out_\(run.lead)_\(step)", tenantID: "ten_1", enrollmentID: enrollment.id, sequenceID: run.sequence, leadID: run.lead,
                        step: step + 1, channel: .sms, outcome: outcome, attemptedAtMilliseconds: Times.base + Int64(step)
                    )
                    #expect(try await s.sequences.apply(attempt, to: next, expectedNextStep: step, requireDue: false))
                    enrollment = next
                }
            }
            let counted = try await s.sequences.stepOutcomes(sequenceIDs: ["seq_1", "seq_2", "seq_none"], tenantID: "ten_1")
            #expect(counted["seq_1"] == [1: [.sent: 2, .skipped: 1], 2: [.deferred: 1, .sent: 1], 3: [.failed: 1]])
            #expect(counted["seq_2"] == [1: [.blocked: 1]])
            #expect(counted["seq_none"] == nil)
            #expect(try await s.sequences.stepOutcomes(sequenceIDs: ["seq_1"], tenantID: "ten_2").isEmpty, "another tenant counts none of them")
            #expect(try await s.sequences.stepOutcomes(sequenceIDs: [], tenantID: "ten_1").isEmpty)
        }
    }

    @Test("an email opt-out is recorded once per tenant and address, and ends the lead's active enrollments", arguments: StoreUnderTest.all)
    func emailOptOut(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await LeadContractTests.intake(s, "lead_1")
            _ = try await LeadContractTests.intake(s, "lead_2", phone: "+17025550102", email: "other@example.test")
            try await s.sequences.insert(Self.sequence("seq_1"))
            try await s.sequences.insert(Self.sequence("seq_2"))
            _ = try await s.sequences.enroll(Self.enrollment("enr_1", leadID: "lead_1"))
            _ = try await s.sequences.enroll(Self.enrollment("enr_2", sequenceID: "seq_2", leadID: "lead_1"))
            _ = try await s.sequences.enroll(Self.enrollment("enr_3", leadID: "lead_2"))

            #expect(try await !s.emailOptOuts.isOptedOut(email: "zoe@example.test", tenantID: "ten_1"))
            let first = try await s.emailOptOuts.optOut(
                email: "zoe@example.test", tenantID: "ten_1", leadID: "lead_1", source: "one_click", nowMilliseconds: Times.base + 7
            )
            #expect(first == (recorded: true, enrollmentsEnded: 2))
            #expect(try await s.emailOptOuts.isOptedOut(email: "zoe@example.test", tenantID: "ten_1"))
            #expect(try await !s.emailOptOuts.isOptedOut(email: "zoe@example.test", tenantID: "ten_2"))
            let ended = try #require(try await s.sequences.enrollment(id: "enr_2"))
            #expect(ended.status == .ended && ended.endReason == "opted_out" && ended.endedAtMilliseconds == Times.base + 7)
            #expect(try await s.sequences.enrollment(id: "enr_3")?.status == .active)
            let again = try await s.emailOptOuts.optOut(
                email: "zoe@example.test", tenantID: "ten_1", leadID: "lead_1", source: "one_click", nowMilliseconds: Times.base + 8
            )
            #expect(again == (recorded: false, enrollmentsEnded: 0))
        }
    }
}
