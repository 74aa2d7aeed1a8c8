import Foundation
import LeadEngine
import PostgresNIO

/// Sequences, enrollments and outreach attempts in PostgreSQL; behaves as `SQLiteSequenceRepository`
/// does, with every node running the outreach scheduler against it.
///
/// How no step is sent twice, whatever the number of nodes:
/// - A step is sent only after its claim: `apply(claimed, to: inFlight, expectedNextStep: n,
///   requireDue: true)`, one guarded compare-and-set, `UPDATE enrollments … WHERE id = $1 AND status =
///   'active' AND next_step = n AND next_step_at <= <the attempt's time>`, which clears `next_step_at`.
///   Two nodes claiming the same step both run it; PostgreSQL locks the row for the first, and the
///   second, once the first commits, re-checks its `WHERE` against the new row (READ COMMITTED), finds
///   `next_step_at` NULL, updates nothing and answers false: its node does not send. A deferral is
///   the same compare-and-set, and moves `next_step_at` past now: a second node's deferral of the
///   same step finds the step no longer due and writes no second attempt.
/// - `dueEnrollments` is only the list to try; two nodes may read the same one and the claim above
///   decides. It reads with `FOR NO KEY UPDATE OF e SKIP LOCKED` (the lock an `UPDATE` of the row
///   takes), so it passes over enrollments another node's transaction is claiming or settling right
///   then instead of offering them for a claim bound to fail; its locks end with its own transaction,
///   when it returns.
/// - One active enrollment per sequence and lead: the partial unique index `enrollments_active`. Of
///   two `enroll`s racing, the second's `INSERT … ON CONFLICT … DO NOTHING` waits for the first to
///   commit, and then answers with the enrollment the first stored.
public struct PostgresSequenceRepository: SequenceRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    /// Locks (`FOR KEY SHARE`) the tenant's templates its steps name, so a template being deleted
    /// meanwhile either waits for this sequence and sees it, or was deleted before: a sequence never
    /// slips past `PostgresTemplateRepository.delete`'s check, as none can under SQLite's one writer.
    public func insert(_ sequence: OutreachSequence) async throws {
        let steps = try PostgresSequenceRows.stepsJSON(sequence.steps)
        let templateIDs = Array(Set(sequence.steps.compactMap(\.templateID))).sorted()
        try await self.store.write { connection in
            if !templateIDs.isEmpty {
                try await connection.query(
                    "SELECT 1 FROM message_templates WHERE tenant_id = \(sequence.tenantID) AND id = ANY(\(templateIDs)) FOR KEY SHARE",
                    logger: self.store.logger
                )
            }
            try await connection.query(
                """
                INSERT INTO sequences (id, tenant_id, name, steps, status, created_at, updated_at, from_email)
                VALUES (\(sequence.id), \(sequence.tenantID), \(sequence.name), \(steps), \(sequence.status.rawValue),
                    \(sequence.createdAt.epochMilliseconds), \(sequence.updatedAt.epochMilliseconds), \(sequence.fromEmail))
                """,
                logger: self.store.logger
            )
        }
    }

    public func sequence(id: String, tenantID: String) async throws -> OutreachSequence? {
        try await self.store.read { connection in
            try await PostgresSequenceRows.sequences(
                from: connection.query(
                    "SELECT \(unescaped: PostgresSequenceRows.sequenceColumns) FROM sequences WHERE id = \(id) AND tenant_id = \(tenantID)",
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func sequences(tenantID: String, page: PageRequest) async throws -> Page<OutreachSequence> {
        try await self.store.read { connection in
            let result = try await PostgresTenantListing(table: "sequences", tenantID: tenantID).fetch(
                columns: PostgresSequenceRows.sequenceColumns, page: page, on: connection, logger: self.store.logger,
                PostgresSequenceRows.sequences(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func setStatus(_ status: SequenceStatus, id: String, tenantID: String, nowMilliseconds: Int64) async throws -> OutreachSequence? {
        try await self.store.write { connection in
            try await PostgresSequenceRows.sequences(
                from: connection.query(
                    """
                    UPDATE sequences SET status = \(status.rawValue), updated_at = \(nowMilliseconds) WHERE id = \(id) AND tenant_id = \(tenantID)
                    RETURNING \(unescaped: PostgresSequenceRows.sequenceColumns)
                    """,
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func counts(sequenceIDs: [String], tenantID: String) async throws -> [String: SequenceCounts] {
        guard !sequenceIDs.isEmpty else { return [:] }
        return try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT e.sequence_id, count(*),
                    count(*) FILTER (WHERE e.status = 'active'), count(*) FILTER (WHERE e.status = 'completed'),
                    count(*) FILTER (WHERE e.status = 'ended'), count(*) FILTER (WHERE e.status = 'removed'),
                    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM lead_events ev WHERE ev.lead_id = e.lead_id AND ev.kind = 'status_changed'
                        AND ev.detail::jsonb ->> 'to' = 'converted' AND ev.created_at >= e.enrolled_at))
                FROM enrollments e WHERE e.tenant_id = \(tenantID) AND e.sequence_id = ANY(\(sequenceIDs))
                GROUP BY e.sequence_id
                """,
                logger: self.store.logger
            )
            var result: [String: SequenceCounts] = [:]
            for try await (sequenceID, enrolled, active, completed, ended, removed, converted) in rows.decode(
                (String, Int, Int, Int, Int, Int, Int).self
            ) {
                result[sequenceID] = SequenceCounts(
                    enrolled: enrolled, active: active, completed: completed, ended: ended, removed: removed, converted: converted
                )
            }
            return result
        }
    }

    public func stepOutcomes(sequenceIDs: [String], tenantID: String) async throws -> [String: [Int: [AttemptOutcome: Int]]] {
        guard !sequenceIDs.isEmpty else { return [:] }
        return try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT sequence_id, step, outcome, count(*) FROM outreach_attempts
                WHERE tenant_id = \(tenantID) AND sequence_id = ANY(\(sequenceIDs)) GROUP BY sequence_id, step, outcome
                """,
                logger: self.store.logger
            )
            var result: [String: [Int: [AttemptOutcome: Int]]] = [:]
            for try await (sequenceID, step, outcome, attempts) in rows.decode((String, Int, String, Int).self) {
                guard let outcome = AttemptOutcome(rawValue: outcome) else { continue }
                result[sequenceID, default: [:]][step, default: [:]][outcome] = attempts
            }
            return result
        }
    }

    public func sequences(usingTemplate templateID: String, tenantID: String) async throws -> [String] {
        try await self.store.read { connection in
            try await PostgresSequenceRows.sequenceIDs(usingTemplate: templateID, tenantID: tenantID, on: connection, logger: self.store.logger)
        }
    }

    public func enroll(_ enrollment: Enrollment) async throws -> Enrollment? {
        try await self.store.write { connection -> Enrollment? in
            // The active one found, or the insert made: a round ends unless the active enrollment its
            // insert collided with ended before it could be read, which the next round sees.
            for _ in 0..<3 {
                if let active = try await PostgresSequenceRows.enrollments(
                    from: connection.query(
                        """
                        SELECT \(unescaped: PostgresSequenceRows.enrollmentColumns()) FROM enrollments
                        WHERE sequence_id = \(enrollment.sequenceID) AND lead_id = \(enrollment.leadID) AND status = 'active'
                        """,
                        logger: self.store.logger
                    )
                ).first {
                    return active
                }
                if try await self.insert(enrollment, onConflict: "ON CONFLICT (sequence_id, lead_id) WHERE status = 'active' DO NOTHING", connection) {
                    return nil
                }
            }
            // Enrollments started and ended three times over meanwhile: a plain insert, which a
            // fourth collision fails with the index's unique violation.
            _ = try await self.insert(enrollment, onConflict: "", connection)
            return nil
        }
    }

    /// Inserts the enrollment; false when `onConflict` (a literal clause) skipped it.
    private func insert(_ enrollment: Enrollment, onConflict: StaticString, _ connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            """
            INSERT INTO enrollments (id, tenant_id, sequence_id, lead_id, enrolled_at, status, next_step, next_step_at, last_step_at,
                retries, end_reason, ended_at)
            VALUES (\(enrollment.id), \(enrollment.tenantID), \(enrollment.sequenceID), \(enrollment.leadID),
                \(enrollment.enrolledAtMilliseconds), \(enrollment.status.rawValue), \(enrollment.nextStep), \(enrollment.nextStepAtMilliseconds),
                \(enrollment.lastStepAtMilliseconds), \(enrollment.retries), \(enrollment.endReason), \(enrollment.endedAtMilliseconds))
            \(unescaped: onConflict.description)
            RETURNING 1
            """,
            logger: self.store.logger
        ).collect().count == 1
    }

    public func remove(sequenceID: String, leadID: String, tenantID: String, nowMilliseconds: Int64) async throws -> Enrollment? {
        try await self.store.write { connection in
            try await PostgresSequenceRows.enrollments(
                from: connection.query(
                    """
                    UPDATE enrollments SET status = \(EnrollmentStatus.removed.rawValue), next_step_at = NULL, ended_at = \(nowMilliseconds)
                    WHERE sequence_id = \(sequenceID) AND lead_id = \(leadID) AND tenant_id = \(tenantID) AND status = 'active'
                    RETURNING \(unescaped: PostgresSequenceRows.enrollmentColumns())
                    """,
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func enrollment(id: String) async throws -> Enrollment? {
        try await self.store.read { connection in
            try await PostgresSequenceRows.enrollments(
                from: connection.query(
                    "SELECT \(unescaped: PostgresSequenceRows.enrollmentColumns()) FROM enrollments WHERE id = \(id)", logger: self.store.logger
                )
            ).first
        }
    }

    public func enrollments(leadID: String, tenantID: String) async throws -> [Enrollment] {
        try await self.store.read { connection in
            try await PostgresSequenceRows.enrollments(
                from: connection.query(
                    """
                    SELECT \(unescaped: PostgresSequenceRows.enrollmentColumns()) FROM enrollments
                    WHERE lead_id = \(leadID) AND tenant_id = \(tenantID) ORDER BY enrolled_at, id
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    public func attempts(leadID: String, tenantID: String) async throws -> [OutreachAttempt] {
        try await self.store.read { connection in
            try await PostgresSequenceRows.attempts(
                from: connection.query(
                    """
                    SELECT \(unescaped: PostgresSequenceRows.attemptColumns) FROM outreach_attempts
                    WHERE lead_id = \(leadID) AND tenant_id = \(tenantID) ORDER BY attempted_at, id
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    /// A write transaction, for its row locks: see the type's comment.
    public func dueEnrollments(nowMilliseconds: Int64, limit: Int) async throws -> [Enrollment] {
        try await self.store.write { connection in
            try await PostgresSequenceRows.enrollments(
                from: connection.query(
                    """
                    SELECT \(unescaped: PostgresSequenceRows.enrollmentColumns("e.")) FROM enrollments e JOIN sequences s ON s.id = e.sequence_id
                    WHERE e.status = 'active' AND e.next_step_at IS NOT NULL AND e.next_step_at <= \(nowMilliseconds) AND s.status = 'active'
                    ORDER BY e.next_step_at, e.id LIMIT \(limit)
                    FOR NO KEY UPDATE OF e SKIP LOCKED
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    public func earliestDueMilliseconds() async throws -> Int64? {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT min(e.next_step_at) FROM enrollments e JOIN sequences s ON s.id = e.sequence_id
                WHERE e.status = 'active' AND e.next_step_at IS NOT NULL AND s.status = 'active'
                """,
                logger: self.store.logger
            )
            var earliest: Int64?
            for try await value in rows.decode(Int64?.self) { earliest = value }
            return earliest
        }
    }

    /// The guarded compare-and-set the type's comment describes: the enrollment moves only from
    /// where the scheduler read it.
    public func apply(_ attempt: OutreachAttempt, to enrollment: Enrollment, expectedNextStep: Int, requireDue: Bool) async throws -> Bool {
        try await self.store.write { connection -> Bool in
            let moved = try await connection.query(
                """
                UPDATE enrollments SET status = \(enrollment.status.rawValue), next_step = \(enrollment.nextStep),
                    next_step_at = \(enrollment.nextStepAtMilliseconds), last_step_at = \(enrollment.lastStepAtMilliseconds),
                    retries = \(enrollment.retries), end_reason = \(enrollment.endReason), ended_at = \(enrollment.endedAtMilliseconds)
                WHERE id = \(enrollment.id) AND status = 'active' AND next_step = \(expectedNextStep)
                    AND (NOT \(requireDue) OR next_step_at <= \(attempt.attemptedAtMilliseconds))
                RETURNING 1
                """,
                logger: self.store.logger
            ).collect()
            guard moved.count == 1 else {
                // The enrollment moved on (removed, ended by an opt-out) while its step was sent: the outcome is still recorded.
                try await connection.query(
                    """
                    UPDATE outreach_attempts SET outcome = \(attempt.outcome.rawValue), reason = \(attempt.reason), provider_id = \(attempt.providerID)
                    WHERE id = \(attempt.id) AND outcome = 'claimed'
                    """,
                    logger: self.store.logger
                )
                return false
            }
            try await connection.query(
                """
                INSERT INTO outreach_attempts (id, tenant_id, enrollment_id, sequence_id, lead_id, step, channel, outcome, reason, provider_id,
                    recipient, attempted_at, deferred_until)
                VALUES (\(attempt.id), \(attempt.tenantID), \(attempt.enrollmentID), \(attempt.sequenceID), \(attempt.leadID), \(attempt.step),
                    \(attempt.channel.rawValue), \(attempt.outcome.rawValue), \(attempt.reason), \(attempt.providerID), \(attempt.recipient),
                    \(attempt.attemptedAtMilliseconds), \(attempt.deferredUntilMilliseconds))
                ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, provider_id = excluded.provider_id,
                    deferred_until = excluded.deferred_until
                """,
                logger: self.store.logger
            )
            return true
        }
    }

    /// Oldest first; ties by id (SQLite leaves them in insertion order).
    public func unsettledClaims(claimedBeforeMilliseconds: Int64) async throws -> [OutreachAttempt] {
        try await self.store.read { connection in
            try await PostgresSequenceRows.attempts(
                from: connection.query(
                    """
                    SELECT \(unescaped: PostgresSequenceRows.attemptColumns) FROM outreach_attempts
                    WHERE outcome = 'claimed' AND attempted_at < \(claimedBeforeMilliseconds) ORDER BY attempted_at, id
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    /// Oldest first, as SQLite's index gives them.
    public func contactTimes(phone: String, tenantID: String, sinceMilliseconds: Int64) async throws -> [Int64] {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT attempted_at FROM outreach_attempts
                WHERE recipient = \(phone) AND tenant_id = \(tenantID) AND attempted_at >= \(sinceMilliseconds) AND channel IN ('sms', 'call')
                    AND outcome IN ('claimed', 'sent', 'unknown')
                ORDER BY attempted_at
                """,
                logger: self.store.logger
            )
            var times: [Int64] = []
            for try await time in rows.decode(Int64.self) { times.append(time) }
            return times
        }
    }
}
