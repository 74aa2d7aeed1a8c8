import Foundation
import GRDB
import LeadEngine

/// How leads and their events are written to and read from their tables.
enum LeadRows {
    static func insert(_ lead: Lead, _ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO leads (id, tenant_id, ping_id, buyer_id, campaign_type, source, first_name, last_name, email, phone, state,
                    zip_code, status, sold_price_cents, consent_certificate_id, created_at, updated_at, score, notes, duplicate_of,
                    rejection_reasons, sold_at, delivered_at, accepted_at, billing_event_id, returned_at, return_reason, return_notes, origin)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: StatementArguments(
                [lead.id, lead.tenantID, lead.pingID, lead.buyerID] + Self.mutableValues(lead) + [lead.origin.rawValue]
            )
        )
    }

    /// Writes every field a lead's life changes.
    static func update(_ lead: Lead, _ db: Database) throws {
        try db.executeCached(
            sql: """
                UPDATE leads SET campaign_type = ?, source = ?, first_name = ?, last_name = ?, email = ?, phone = ?, state = ?, zip_code = ?,
                    status = ?, sold_price_cents = ?, consent_certificate_id = ?, created_at = ?, updated_at = ?, score = ?, notes = ?,
                    duplicate_of = ?, rejection_reasons = ?, sold_at = ?, delivered_at = ?, accepted_at = ?, billing_event_id = ?,
                    returned_at = ?, return_reason = ?, return_notes = ?, ping_id = ?, buyer_id = ?
                WHERE id = ? AND tenant_id = ?
                """,
            arguments: StatementArguments(Self.mutableValues(lead) + [lead.pingID, lead.buyerID, lead.id, lead.tenantID])
        )
        if let change = lead.saleStatusChange {
            try db.executeCached(
                sql: "UPDATE sales SET status = ? WHERE lead_id = ? AND status = ?", arguments: [change.to.rawValue, lead.id, change.from.rawValue]
            )
        }
    }

    private static func mutableValues(_ lead: Lead) -> [(any DatabaseValueConvertible)?] {
        let contact = lead.contact
        let reasons: String? =
            lead.rejectionReasons.isEmpty
            ? nil
            : String(
                decoding: JSONValue.array(
                    lead.rejectionReasons.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] }
                ).encoded(), as: UTF8.self
            )
        return [
            lead.campaignType.rawValue, lead.source, contact.firstName, contact.lastName, contact.email, contact.phone, contact.state,
            contact.zipCode, lead.status.rawValue, lead.soldPriceCents, lead.consentCertificateID, lead.createdAt.epochMilliseconds,
            lead.updatedAt.epochMilliseconds, lead.score, lead.notes, lead.duplicateOf, reasons, lead.soldAt?.epochMilliseconds,
            lead.deliveredAt?.epochMilliseconds, lead.acceptedAt?.epochMilliseconds, lead.billingEventID, lead.returnedAt?.epochMilliseconds,
            lead.returnReason?.rawValue, lead.returnNotes,
        ]
    }

    static func lead(from row: Row) throws -> Lead {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(ColumnCoding.date) }
        var reasons: [QualificationFailure] = []
        if let text: String = row["rejection_reasons"], case .array(let items) = try JSONParser.parse(text) {
            for case .object(let item) in items {
                if case .string(let field) = item["field"], case .string(let code) = item["code"], case .string(let message) = item["message"] {
                    reasons.append(QualificationFailure(field: field, code: code, message: message))
                }
            }
        }
        return Lead(
            id: row["id"], tenantID: row["tenant_id"], origin: try row.required(Lead.Origin.self, "origin", table: "leads"), pingID: row["ping_id"],
            buyerID: row["buyer_id"], campaignType: try row.required(CampaignType.self, "campaign_type", table: "leads"), source: row["source"],
            contact: LeadContact(
                firstName: row["first_name"], lastName: row["last_name"], phone: row["phone"], email: row["email"], state: row["state"],
                zipCode: row["zip_code"]
            ),
            status: try row.required(LeadStatus.self, "status", table: "leads"), score: row["score"], notes: row["notes"],
            soldPriceCents: row["sold_price_cents"], consentCertificateID: row["consent_certificate_id"], duplicateOf: row["duplicate_of"],
            rejectionReasons: reasons, soldAt: date("sold_at"), deliveredAt: date("delivered_at"), acceptedAt: date("accepted_at"),
            billingEventID: row["billing_event_id"], returnedAt: date("returned_at"),
            returnReason: try (row["return_reason"] as String?).map { raw in
                guard let reason = ReturnReason(rawValue: raw) else { throw CorruptRowError(table: "leads", column: "return_reason", value: raw) }
                return reason
            },
            returnNotes: row["return_notes"], createdAt: ColumnCoding.date(row["created_at"]), updatedAt: ColumnCoding.date(row["updated_at"])
        )
    }

    /// The tenant's leads that `filter` keeps.
    static func query(tenantID: String, filter: LeadFilter) -> PagedQuery {
        var query = PagedQuery(table: "leads", tenantID: tenantID)
        if let status = filter.status { query.filter("status = ?", status.rawValue) }
        if let type = filter.campaignType { query.filter("campaign_type = ?", type.rawValue) }
        if let state = filter.state { query.filter("state = ?", state) }
        if let buyerID = filter.buyerID { query.filter("buyer_id = ?", buyerID) }
        if let source = filter.source { query.filter("source = ?", source) }
        if let after = filter.createdAfter { query.filter("created_at >= ?", after.epochMilliseconds) }
        if let before = filter.createdBefore { query.filter("created_at < ?", before.epochMilliseconds) }
        return query
    }

    static func fetch(id: String, tenantID: String, _ db: Database) throws -> Lead? {
        try Row.fetchOne(db, sql: "SELECT * FROM leads WHERE id = ? AND tenant_id = ?", arguments: [id, tenantID]).map(Self.lead(from:))
    }

    static func insert(_ events: [LeadEvent], leadID: String, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO lead_events (lead_id, kind, detail, actor_key_id, created_at) VALUES (?, ?, ?, ?, ?)"
        )
        for event in events {
            try statement.execute(arguments: [
                leadID, event.kind.rawValue, String(decoding: event.detail.encoded(), as: UTF8.self), event.actorKeyID, event.at.epochMilliseconds,
            ])
        }
    }

    static func events(leadID: String, _ db: Database) throws -> [LeadEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM lead_events WHERE lead_id = ? ORDER BY seq", arguments: [leadID]).map { row in
            let raw: String = row["kind"]
            guard let kind = LeadEvent.Kind(rawValue: raw) else { throw CorruptRowError(table: "lead_events", column: "kind", value: raw) }
            return LeadEvent(
                kind, detail: try JSONParser.parse(row["detail"] as String), actorKeyID: row["actor_key_id"], at: ColumnCoding.date(row["created_at"])
            )
        }
    }
}
