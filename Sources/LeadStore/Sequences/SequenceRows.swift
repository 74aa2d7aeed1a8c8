import Foundation
import GRDB
import LeadEngine

/// How sequences, enrollments and attempts are written to and read from their rows.
enum SequenceRows {
    /// A step as the `steps` column keeps it, in the API's names.
    struct StoredStep: Codable {
        var channel: String
        var delay_minutes: Int
        var template: String?
        var template_id: String?
        var subject: String?
    }

    static func stepsJSON(_ steps: [SequenceStep]) throws -> String {
        let stored = steps.map {
            StoredStep(channel: $0.channel.rawValue, delay_minutes: $0.delayMinutes, template: $0.template, template_id: $0.templateID, subject: $0.subject)
        }
        return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
    }

    /// Ids of the tenant's sequences with a step naming the template.
    static func sequenceIDs(usingTemplate templateID: String, tenantID: String, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT s.id FROM sequences s, json_each(s.steps) step
                WHERE s.tenant_id = ? AND json_extract(step.value, '$.template_id') = ? ORDER BY s.id
                """,
            arguments: [tenantID, templateID]
        )
    }

    static func sequence(from row: Row) throws -> OutreachSequence {
        let text: String = row["steps"]
        let stored = try JSONDecoder().decode([StoredStep].self, from: Data(text.utf8))
        let steps = try stored.map { step in
            guard let channel = OutreachChannel(rawValue: step.channel) else { throw CorruptRowError(table: "sequences", column: "steps", value: text) }
            return SequenceStep(channel: channel, delayMinutes: step.delay_minutes, template: step.template, templateID: step.template_id, subject: step.subject)
        }
        return OutreachSequence(
            id: row["id"], tenantID: row["tenant_id"], name: row["name"], steps: steps,
            status: try row.required(SequenceStatus.self, "status", table: "sequences"),
            createdAt: ColumnCoding.date(row["created_at"]), updatedAt: ColumnCoding.date(row["updated_at"]), fromEmail: row["from_email"]
        )
    }

    static func enrollment(from row: Row) throws -> Enrollment {
        Enrollment(
            id: row["id"], tenantID: row["tenant_id"], sequenceID: row["sequence_id"], leadID: row["lead_id"],
            status: try row.required(EnrollmentStatus.self, "status", table: "enrollments"), nextStep: row["next_step"],
            nextStepAtMilliseconds: row["next_step_at"], enrolledAtMilliseconds: row["enrolled_at"], lastStepAtMilliseconds: row["last_step_at"],
            retries: row["retries"], endReason: row["end_reason"], endedAtMilliseconds: row["ended_at"]
        )
    }

    static func attempt(from row: Row) throws -> OutreachAttempt {
        OutreachAttempt(
            id: row["id"], tenantID: row["tenant_id"], enrollmentID: row["enrollment_id"], sequenceID: row["sequence_id"], leadID: row["lead_id"],
            step: row["step"], channel: try row.required(OutreachChannel.self, "channel", table: "outreach_attempts"),
            outcome: try row.required(AttemptOutcome.self, "outcome", table: "outreach_attempts"), reason: row["reason"],
            providerID: row["provider_id"], recipient: row["recipient"], attemptedAtMilliseconds: row["attempted_at"],
            deferredUntilMilliseconds: row["deferred_until"]
        )
    }

    static func enrollmentValues(_ e: Enrollment) -> [(any DatabaseValueConvertible)?] {
        [e.status.rawValue, e.nextStep, e.nextStepAtMilliseconds, e.lastStepAtMilliseconds, e.retries, e.endReason, e.endedAtMilliseconds]
    }

    static func attemptValues(_ a: OutreachAttempt) -> [(any DatabaseValueConvertible)?] {
        [
            a.id, a.tenantID, a.enrollmentID, a.sequenceID, a.leadID, a.step, a.channel.rawValue, a.outcome.rawValue, a.reason, a.providerID,
            a.recipient, a.attemptedAtMilliseconds, a.deferredUntilMilliseconds,
        ]
    }
}
