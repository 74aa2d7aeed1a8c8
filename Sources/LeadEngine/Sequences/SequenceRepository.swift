/// Storage of sequences, enrollments and outreach attempts. The scheduler decides every change;
/// the store writes each decision in one transaction, and refuses it (answering false) when the
/// enrollment moved on meanwhile (removed, ended by an opt-out, or already at another step).
public protocol SequenceRepository: RecordedContacts {
    func insert(_ sequence: OutreachSequence) async throws
    func sequence(id: String, tenantID: String) async throws -> OutreachSequence?
    func sequences(tenantID: String, page: PageRequest) async throws -> Page<OutreachSequence>
    func setStatus(_ status: SequenceStatus, id: String, tenantID: String, nowMilliseconds: Int64) async throws -> OutreachSequence?
    func counts(sequenceIDs: [String], tenantID: String) async throws -> [String: SequenceCounts]
    /// Ids of the tenant's sequences with a step naming `templateID`.
    /// The attempts at the sequences' steps by outcome: sequence id → step (from 1) → outcome → count.
    func stepOutcomes(sequenceIDs: [String], tenantID: String) async throws -> [String: [Int: [AttemptOutcome: Int]]]
    func sequences(usingTemplate templateID: String, tenantID: String) async throws -> [String]

    /// Stores the enrollment unless the lead already has an active one in the sequence; then returns that one.
    func enroll(_ enrollment: Enrollment) async throws -> Enrollment?
    /// Marks the lead's active enrollment in the sequence removed; nil when it has none.
    func remove(sequenceID: String, leadID: String, tenantID: String, nowMilliseconds: Int64) async throws -> Enrollment?
    func enrollment(id: String) async throws -> Enrollment?
    func enrollments(leadID: String, tenantID: String) async throws -> [Enrollment]
    func attempts(leadID: String, tenantID: String) async throws -> [OutreachAttempt]

    /// Active enrollments of active sequences whose next step is due, earliest first.
    func dueEnrollments(nowMilliseconds: Int64, limit: Int) async throws -> [Enrollment]
    /// When the earliest active enrollment of an active sequence falls due; nil when none will.
    func earliestDueMilliseconds() async throws -> Int64?
    /// Writes an attempt (inserted, or updated by id) and the enrollment's new state together,
    /// provided the enrollment is still active at `expectedNextStep` (and, with `requireDue`, still
    /// due at the attempt's time: not claimed, nor deferred by another node meanwhile); false, and
    /// nothing written, otherwise.
    func apply(_ attempt: OutreachAttempt, to enrollment: Enrollment, expectedNextStep: Int, requireDue: Bool) async throws -> Bool
    /// Attempts left `claimed` (a send cut off between its claim and its outcome) that were
    /// claimed before `claimedBeforeMilliseconds`, oldest first.
    func unsettledClaims(claimedBeforeMilliseconds: Int64) async throws -> [OutreachAttempt]
}
