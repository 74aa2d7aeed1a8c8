import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// How sequences, enrollments and attempts are written to and read from their rows: `SequenceRows`
/// of the SQLite store. The `steps` column holds the same JSON as SQLite's.
enum PostgresSequenceRows {
    /// A step as the `steps` column keeps it, in the API's names.
    struct StoredStep: Codable {
        var channel: String
        var delay_minutes: Int
        var template: String?
        var template_id: String?
        var subject: String?
    }

    static let sequenceColumns = "id, tenant_id, name, steps, status, created_at, updated_at, from_email"

    static let attemptColumns = """
        id, tenant_id, enrollment_id, sequence_id, lead_id, step, channel, outcome, reason, provider_id, recipient, attempted_at, deferred_until
        """

    /// The columns `enrollment(from:)` reads, each prefixed with `table` (`e.`) when given.
    static func enrollmentColumns(_ table: String = "") -> String {
        [
            "id", "tenant_id", "sequence_id", "lead_id", "status", "next_step", "next_step_at", "enrolled_at", "last_step_at", "retries",
            "end_reason", "ended_at",
        ].map { table + $0 }.joined(separator: ", ")
    }

    static func stepsJSON(_ steps: [SequenceStep]) throws -> String {
        let stored = steps.map {
            StoredStep(channel: $0.channel.rawValue, delay_minutes: $0.delayMinutes, template: $0.template, template_id: $0.templateID, subject: $0.subject)
        }
        return String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
    }

    /// Ids of the tenant's sequences with a step naming the template, in the caller's transaction.
    static func sequenceIDs(usingTemplate templateID: String, tenantID: String, on connection: PostgresConnection, logger: Logger) async throws
        -> [String]
    {
        let rows = try await connection.query(
            """
            SELECT DISTINCT s.id FROM sequences s, jsonb_array_elements(s.steps::jsonb) AS step
            WHERE s.tenant_id = \(tenantID) AND step ->> 'template_id' = \(templateID) ORDER BY s.id
            """,
            logger: logger
        )
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    static func sequences(from rows: PostgresRowSequence) async throws -> [OutreachSequence] {
        var sequences: [OutreachSequence] = []
        for try await row in rows { sequences.append(try Self.sequence(from: row.makeRandomAccess())) }
        return sequences
    }

    static func enrollments(from rows: PostgresRowSequence) async throws -> [Enrollment] {
        var enrollments: [Enrollment] = []
        for try await row in rows { enrollments.append(try Self.enrollment(from: row.makeRandomAccess())) }
        return enrollments
    }

    static func attempts(from rows: PostgresRowSequence) async throws -> [OutreachAttempt] {
        var attempts: [OutreachAttempt] = []
        for try await row in rows { attempts.append(try Self.attempt(from: row.makeRandomAccess())) }
        return attempts
    }

    static func sequence(from row: PostgresRandomAccessRow) throws -> OutreachSequence {
        let text = try row["steps"].decode(String.self)
        let stored: [StoredStep]
        do {
            stored = try JSONDecoder().decode([StoredStep].self, from: Data(text.utf8))
        } catch {
            throw PostgresCorruptRow(table: "sequences", column: "steps", value: String(text.prefix(200)))
        }
        let steps = try stored.map { step in
            guard let channel = OutreachChannel(rawValue: step.channel) else {
                throw PostgresCorruptRow(table: "sequences", column: "steps", value: String(text.prefix(200)))
            }
            return SequenceStep(channel: channel, delayMinutes: step.delay_minutes, template: step.template, templateID: step.template_id, subject: step.subject)
        }
        return OutreachSequence(
            id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self), name: try row["name"].decode(String.self),
            steps: steps, status: try Self.required(SequenceStatus.self, row, "status", table: "sequences"),
            createdAt: Date(epochMilliseconds: try row["created_at"].decode(Int64.self)),
            updatedAt: Date(epochMilliseconds: try row["updated_at"].decode(Int64.self)), fromEmail: try row["from_email"].decode(String?.self)
        )
    }

    static func enrollment(from row: PostgresRandomAccessRow) throws -> Enrollment {
        Enrollment(
            id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self),
            sequenceID: try row["sequence_id"].decode(String.self), leadID: try row["lead_id"].decode(String.self),
            status: try Self.required(EnrollmentStatus.self, row, "status", table: "enrollments"), nextStep: try row["next_step"].decode(Int.self),
            nextStepAtMilliseconds: try row["next_step_at"].decode(Int64?.self), enrolledAtMilliseconds: try row["enrolled_at"].decode(Int64.self),
            lastStepAtMilliseconds: try row["last_step_at"].decode(Int64?.self), retries: try row["retries"].decode(Int.self),
            endReason: try row["end_reason"].decode(String?.self), endedAtMilliseconds: try row["ended_at"].decode(Int64?.self)
        )
    }

    static func attempt(from row: PostgresRandomAccessRow) throws -> OutreachAttempt {
        OutreachAttempt(
            id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self),
            enrollmentID: try row["enrollment_id"].decode(String.self), sequenceID: try row["sequence_id"].decode(String.self),
            leadID: try row["lead_id"].decode(String.self), step: try row["step"].decode(Int.self),
            channel: try Self.required(OutreachChannel.self, row, "channel", table: "outreach_attempts"),
            outcome: try Self.required(AttemptOutcome.self, row, "outcome", table: "outreach_attempts"), reason: try row["reason"].decode(String?.self),
            providerID: try row["provider_id"].decode(String?.self), recipient: try row["recipient"].decode(String?.self),
            attemptedAtMilliseconds: try row["attempted_at"].decode(Int64.self), deferredUntilMilliseconds: try row["deferred_until"].decode(Int64?.self)
        )
    }

    static func required<T: RawRepresentable>(_ type: T.Type, _ row: PostgresRandomAccessRow, _ column: String, table: String) throws -> T
    where T.RawValue == String {
        let raw = try row[column].decode(String.self)
        guard let value = T(rawValue: raw) else { throw PostgresCorruptRow(table: table, column: column, value: raw) }
        return value
    }
}
