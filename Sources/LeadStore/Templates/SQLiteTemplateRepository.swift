import Foundation
import GRDB
import LeadEngine

public struct SQLiteTemplateRepository: TemplateRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func insert(_ template: MessageTemplate) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO message_templates (tenant_id, id, name, channel, subject, body, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING
                    """,
                arguments: StatementArguments(Self.values(template))
            )
            return db.changesCount == 1
        }
    }

    public func template(id: String, tenantID: String) async throws -> MessageTemplate? {
        try await self.database.read { db in try Self.fetch(id: id, tenantID: tenantID, db) }
    }

    public func templates(tenantID: String, page: PageRequest) async throws -> Page<MessageTemplate> {
        try await self.database.read { db in
            let result = try PagedQuery(table: "message_templates", tenantID: tenantID).fetch(db, page: page)
            return Page(items: try result.rows.map(Self.template(from:)), total: result.total, request: page)
        }
    }

    public func replace(_ template: MessageTemplate) async throws -> Bool {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE message_templates SET name = ?, channel = ?, subject = ?, body = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                arguments: [
                    template.name, template.channel.rawValue, template.subject, template.body, ColumnCoding.milliseconds(template.updatedAt),
                    template.tenantID, template.id,
                ]
            )
            return db.changesCount == 1
        }
    }

    public func delete(id: String, tenantID: String) async throws -> TemplateRemoval {
        try await self.database.write { db in
            guard let template = try Self.fetch(id: id, tenantID: tenantID, db) else { return .notFound }
            let users = try SequenceRows.sequenceIDs(usingTemplate: id, tenantID: tenantID, db)
            guard users.isEmpty else { return .inUse(sequenceIDs: users) }
            try db.execute(sql: "DELETE FROM message_templates WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            return .removed(template)
        }
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> MessageTemplate? {
        try Row.fetchOne(db, sql: "SELECT * FROM message_templates WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id]).map(Self.template(from:))
    }

    static func template(from row: Row) throws -> MessageTemplate {
        MessageTemplate(
            id: row["id"], tenantID: row["tenant_id"], name: row["name"],
            channel: try row.required(OutreachChannel.self, "channel", table: "message_templates"), subject: row["subject"], body: row["body"],
            createdAt: ColumnCoding.date(row["created_at"]), updatedAt: ColumnCoding.date(row["updated_at"])
        )
    }

    static func values(_ t: MessageTemplate) -> [(any DatabaseValueConvertible)?] {
        [t.tenantID, t.id, t.name, t.channel.rawValue, t.subject, t.body, ColumnCoding.milliseconds(t.createdAt), ColumnCoding.milliseconds(t.updatedAt)]
    }
}
