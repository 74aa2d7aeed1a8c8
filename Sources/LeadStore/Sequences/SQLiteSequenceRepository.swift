import Foundation
import GRDB
import LeadEngine

public struct SQLiteSequenceRepository: SequenceRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ sequence: OutreachSequence) async throws {
        let steps = try SequenceRows.stepsJSON(sequence.steps)
        try await self.database.write { db in
            try db.execute(
                sql: "INSERT INTO sequences (id, tenant_id, name, steps, status, created_at, updated_at, from_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    sequence.id, sequence.tenantID, sequence.name, steps, sequence.status.rawValue, ColumnCoding.milliseconds(sequence.createdAt),
                    ColumnCoding.milliseconds(sequence.updatedAt), sequence.fromEmail,
                ]
            )
        }
    }

    public func sequence(id: String, tenantID: String) async throws -> OutreachSequence? {
        try await self.database.read { db in try Self.fetchSequence(id: id, tenantID: tenantID, db) }
    }

    public func sequences(tenantID: String, page: PageRequest) async throws -> Page<OutreachSequence> {
        try await self.database.read { db in
            let result = try PagedQuery(table: "sequences", tenantID: tenantID).fetch(db, page: page)
            return Page(items: try result.rows.map(SequenceRows.sequence(from:)), total: result.total, request: page)
        }
    }

    public func setStatus(_ status: SequenceStatus, id: String, tenantID: String, nowMilliseconds: Int64) async throws -> OutreachSequence? {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE sequences SET status = ?, updated_at = ? WHERE id = ? AND tenant_id = ?",
                arguments: [status.rawValue, nowMilliseconds, id, tenantID]
            )
            return try Self.fetchSequence(id: id, tenantID: tenantID, db)
        }
    }

    public func counts(sequenceIDs: [String], tenantID: String) async throws -> [String: SequenceCounts] {
        guard !sequenceIDs.isEmpty else { return [:] }
        return try await self.database.read { db in
            let placeholders = Array(repeating: "?", count: sequenceIDs.count).joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.sequence_id, count(*) AS enrolled,
                        sum(e.status = 'active') AS active, sum(e.status = 'completed') AS completed,
                        sum(e.status = 'ended') AS ended, sum(e.status = 'removed') AS removed,
                        sum(EXISTS (SELECT 1 FROM lead_events ev WHERE ev.lead_id = e.lead_id AND ev.kind = 'status_changed'
                            AND json_extract(ev.detail, '$.to') = 'converted' AND ev.created_at >= e.enrolled_at)) AS converted
                    FROM enrollments e WHERE e.tenant_id = ? AND e.sequence_id IN (\(placeholders))
                    GROUP BY e.sequence_id
                    """,
                arguments: StatementArguments([tenantID] + sequenceIDs)
            )
            var result: [String: SequenceCounts] = [:]
            for row in rows {
                result[row["sequence_id"]] = SequenceCounts(
                    enrolled: row["enrolled"], active: row["active"], completed: row["completed"], ended: row["ended"], removed: row["removed"],
                    converted: row["converted"]
                )
            }
            return result
        }
    }

    public func stepOutcomes(sequenceIDs: [String], tenantID: String) async throws -> [String: [Int: [AttemptOutcome: Int]]] {
        guard !sequenceIDs.isEmpty else { return [:] }
        return try await self.database.read { db in
            let placeholders = Array(repeating: "?", count: sequenceIDs.count).joined(separator: ", ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence_id, step, outcome, count(*) AS attempts FROM outreach_attempts
                    WHERE tenant_id = ? AND sequence_id IN (\(placeholders)) GROUP BY sequence_id, step, outcome
                    """,
                arguments: StatementArguments([tenantID] + sequenceIDs)
            )
            var result: [String: [Int: [AttemptOutcome: Int]]] = [:]
            for row in rows {
                guard let outcome = AttemptOutcome(rawValue: row["outcome"]) else { continue }
                result[row["sequence_id"], default: [:]][row["step"], default: [:]][outcome] = row["attempts"]
            }
            return result
        }
    }

    public func sequences(usingTemplate templateID: String, tenantID: String) async throws -> [String] {
        try await self.database.read { db in try SequenceRows.sequenceIDs(usingTemplate: templateID, tenantID: tenantID, db) }
    }

    public func enroll(_ enrollment: Enrollment) async throws -> Enrollment? {
        try await self.database.write { db -> Enrollment? in
            if let active = try Row.fetchOne(
                db, sql: "SELECT * FROM enrollments WHERE sequence_id = ? AND lead_id = ? AND status = 'active'",
                arguments: [enrollment.sequenceID, enrollment.leadID]
            ) {
                return try SequenceRows.enrollment(from: active)
            }
            try db.execute(
                sql: """
                    INSERT INTO enrollments (id, tenant_id, sequence_id, lead_id, enrolled_at, status, next_step, next_step_at, last_step_at,
                        retries, end_reason, ended_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(
                    [enrollment.id, enrollment.tenantID, enrollment.sequenceID, enrollment.leadID, enrollment.enrolledAtMilliseconds]
                        + SequenceRows.enrollmentValues(enrollment)
                )
            )
            return nil
        }
    }

    public func remove(sequenceID: String, leadID: String, tenantID: String, nowMilliseconds: Int64) async throws -> Enrollment? {
        try await self.database.write { db -> Enrollment? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM enrollments WHERE sequence_id = ? AND lead_id = ? AND tenant_id = ? AND status = 'active'",
                    arguments: [sequenceID, leadID, tenantID]
                )
            else { return nil }
            var enrollment = try SequenceRows.enrollment(from: row)
            enrollment.status = .removed
            enrollment.nextStepAtMilliseconds = nil
            enrollment.endedAtMilliseconds = nowMilliseconds
            try Self.update(enrollment, db)
            return enrollment
        }
    }

    public func enrollment(id: String) async throws -> Enrollment? {
        try await self.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM enrollments WHERE id = ?", arguments: [id]).map(SequenceRows.enrollment(from:))
        }
    }

    public func enrollments(leadID: String, tenantID: String) async throws -> [Enrollment] {
        try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM enrollments WHERE lead_id = ? AND tenant_id = ? ORDER BY enrolled_at, id", arguments: [leadID, tenantID]
            ).map(SequenceRows.enrollment(from:))
        }
    }

    public func attempts(leadID: String, tenantID: String) async throws -> [OutreachAttempt] {
        try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outreach_attempts WHERE lead_id = ? AND tenant_id = ? ORDER BY attempted_at, id", arguments: [leadID, tenantID]
            ).map(SequenceRows.attempt(from:))
        }
    }

    public func dueEnrollments(nowMilliseconds: Int64, limit: Int) async throws -> [Enrollment] {
        try await self.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.* FROM enrollments e JOIN sequences s ON s.id = e.sequence_id
                    WHERE e.status = 'active' AND e.next_step_at IS NOT NULL AND e.next_step_at <= ? AND s.status = 'active'
                    ORDER BY e.next_step_at, e.id LIMIT ?
                    """,
                arguments: [nowMilliseconds, limit]
            ).map(SequenceRows.enrollment(from:))
        }
    }

    public func earliestDueMilliseconds() async throws -> Int64? {
        try await self.database.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT min(e.next_step_at) FROM enrollments e JOIN sequences s ON s.id = e.sequence_id
                    WHERE e.status = 'active' AND e.next_step_at IS NOT NULL AND s.status = 'active'
                    """
            )
        }
    }

    public func apply(_ attempt: OutreachAttempt, to enrollment: Enrollment, expectedNextStep: Int, requireDue: Bool) async throws -> Bool {
        try await self.database.write { db -> Bool in
            try db.execute(
                sql: """
                    UPDATE enrollments SET status = ?, next_step = ?, next_step_at = ?, last_step_at = ?, retries = ?, end_reason = ?, ended_at = ?
                    WHERE id = ? AND status = 'active' AND next_step = ?\(requireDue ? " AND next_step_at <= ?" : "")
                    """,
                arguments: StatementArguments(SequenceRows.enrollmentValues(enrollment)) + [enrollment.id, expectedNextStep]
                    + (requireDue ? [attempt.attemptedAtMilliseconds] : [])
            )
            guard db.changesCount == 1 else {
                // The enrollment moved on (removed, ended by an opt-out) while its step was sent: the outcome is still recorded.
                try db.execute(
                    sql: "UPDATE outreach_attempts SET outcome = ?, reason = ?, provider_id = ? WHERE id = ? AND outcome = 'claimed'",
                    arguments: [attempt.outcome.rawValue, attempt.reason, attempt.providerID, attempt.id]
                )
                return false
            }
            try db.execute(
                sql: """
                    INSERT INTO outreach_attempts (id, tenant_id, enrollment_id, sequence_id, lead_id, step, channel, outcome, reason, provider_id,
                        recipient, attempted_at, deferred_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, provider_id = excluded.provider_id,
                        deferred_until = excluded.deferred_until
                    """,
                arguments: StatementArguments(SequenceRows.attemptValues(attempt))
            )
            return true
        }
    }

    public func unsettledClaims(claimedBeforeMilliseconds: Int64) async throws -> [OutreachAttempt] {
        try await self.database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outreach_attempts WHERE outcome = 'claimed' AND attempted_at < ? ORDER BY attempted_at",
                arguments: [claimedBeforeMilliseconds]
            ).map(SequenceRows.attempt(from:))
        }
    }

    public func contactTimes(phone: String, tenantID: String, sinceMilliseconds: Int64) async throws -> [Int64] {
        try await self.database.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT attempted_at FROM outreach_attempts
                    WHERE recipient = ? AND tenant_id = ? AND attempted_at >= ? AND channel IN ('sms', 'call')
                        AND outcome IN ('claimed', 'sent', 'unknown')
                    """,
                arguments: [phone, tenantID, sinceMilliseconds]
            )
        }
    }

    private static func fetchSequence(id: String, tenantID: String, _ db: Database) throws -> OutreachSequence? {
        try Row.fetchOne(db, sql: "SELECT * FROM sequences WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]).map(SequenceRows.sequence(from:))
    }

    private static func update(_ enrollment: Enrollment, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE enrollments SET status = ?, next_step = ?, next_step_at = ?, last_step_at = ?, retries = ?, end_reason = ?, ended_at = ? WHERE id = ?",
            arguments: StatementArguments(SequenceRows.enrollmentValues(enrollment)) + [enrollment.id]
        )
    }
}
