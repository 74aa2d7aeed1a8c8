import Foundation
import LeadEngine
import PostgresNIO

/// The tenants' message templates in PostgreSQL; behaves as `SQLiteTemplateRepository` does.
///
/// `delete` locks the template's row before it looks for sequences naming it, and
/// `PostgresSequenceRepository.insert` locks the templates a new sequence names, so a sequence
/// stored concurrently is either seen by the check or stored after the template is gone, as with
/// SQLite's single writer; never both missed and kept.
public struct PostgresTemplateRepository: TemplateRepository {
    let store: PostgresStore

    static let columns = "tenant_id, id, name, channel, subject, body, created_at, updated_at"

    public init(store: PostgresStore) {
        self.store = store
    }

    public func insert(_ template: MessageTemplate) async throws -> Bool {
        try await self.store.write { connection in
            try await connection.query(
                """
                INSERT INTO message_templates (tenant_id, id, name, channel, subject, body, created_at, updated_at)
                VALUES (\(template.tenantID), \(template.id), \(template.name), \(template.channel.rawValue), \(template.subject), \(template.body),
                    \(template.createdAt.epochMilliseconds), \(template.updatedAt.epochMilliseconds))
                ON CONFLICT (tenant_id, id) DO NOTHING
                RETURNING 1
                """,
                logger: self.store.logger
            ).collect().count == 1
        }
    }

    public func template(id: String, tenantID: String) async throws -> MessageTemplate? {
        try await self.store.read { connection in
            try await Self.templates(
                from: connection.query(
                    "SELECT \(unescaped: Self.columns) FROM message_templates WHERE tenant_id = \(tenantID) AND id = \(id)", logger: self.store.logger
                )
            ).first
        }
    }

    public func templates(tenantID: String, page: PageRequest) async throws -> Page<MessageTemplate> {
        try await self.store.read { connection in
            let result = try await PostgresTenantListing(table: "message_templates", tenantID: tenantID).fetch(
                columns: Self.columns, page: page, on: connection, logger: self.store.logger, Self.templates(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func replace(_ template: MessageTemplate) async throws -> Bool {
        try await self.store.write { connection in
            try await connection.query(
                """
                UPDATE message_templates SET name = \(template.name), channel = \(template.channel.rawValue), subject = \(template.subject),
                    body = \(template.body), updated_at = \(template.updatedAt.epochMilliseconds)
                WHERE tenant_id = \(template.tenantID) AND id = \(template.id)
                RETURNING 1
                """,
                logger: self.store.logger
            ).collect().count == 1
        }
    }

    public func delete(id: String, tenantID: String) async throws -> TemplateRemoval {
        try await self.store.write { connection in
            guard
                let template = try await Self.templates(
                    from: connection.query(
                        "SELECT \(unescaped: Self.columns) FROM message_templates WHERE tenant_id = \(tenantID) AND id = \(id) FOR UPDATE",
                        logger: self.store.logger
                    )
                ).first
            else { return .notFound }
            let users = try await PostgresSequenceRows.sequenceIDs(usingTemplate: id, tenantID: tenantID, on: connection, logger: self.store.logger)
            guard users.isEmpty else { return .inUse(sequenceIDs: users) }
            try await connection.query("DELETE FROM message_templates WHERE tenant_id = \(tenantID) AND id = \(id)", logger: self.store.logger)
            return .removed(template)
        }
    }

    static func templates(from rows: PostgresRowSequence) async throws -> [MessageTemplate] {
        var templates: [MessageTemplate] = []
        for try await row in rows {
            let row = row.makeRandomAccess()
            templates.append(
                MessageTemplate(
                    id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self), name: try row["name"].decode(String.self),
                    channel: try PostgresSequenceRows.required(OutreachChannel.self, row, "channel", table: "message_templates"),
                    subject: try row["subject"].decode(String?.self), body: try row["body"].decode(String.self),
                    createdAt: Date(epochMilliseconds: try row["created_at"].decode(Int64.self)),
                    updatedAt: Date(epochMilliseconds: try row["updated_at"].decode(Int64.self))
                )
            )
        }
        return templates
    }
}
