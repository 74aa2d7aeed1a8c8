import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// How leads, their events and their consent certificates are written to and read from their
/// tables, in the caller's transaction: shared by every repository that writes a lead with
/// something else (a sale, a return, a refund). As `LeadRows` does for SQLite.
enum PostgresLeadRows {
    /// The columns `lead(from:)` reads, by name.
    static let columns = """
        id, tenant_id, ping_id, buyer_id, campaign_type, source, first_name, last_name, email, phone, state, zip_code, status, \
        sold_price_cents, consent_certificate_id, created_at, updated_at, score, notes, duplicate_of, rejection_reasons, sold_at, \
        delivered_at, accepted_at, billing_event_id, returned_at, return_reason, return_notes, origin
        """

    /// The columns `certificate(from:)` reads, by name.
    static let certificateColumns = """
        id, tenant_id, lead_id, consent_type, consent_text, ip_address, page_url, user_agent, channel, mechanism, created_at, hash, \
        signature, key_id, revoked_at
        """

    /// The tenant's leads that `filter` keeps, for a page or an export batch.
    static func listing(tenantID: String, filter: LeadFilter) -> PostgresTenantListing {
        var listing = PostgresTenantListing(table: "leads", tenantID: tenantID)
        if let status = filter.status { listing.filter("status = $?", status.rawValue) }
        if let type = filter.campaignType { listing.filter("campaign_type = $?", type.rawValue) }
        if let state = filter.state { listing.filter("state = $?", state) }
        if let buyerID = filter.buyerID { listing.filter("buyer_id = $?", buyerID) }
        if let source = filter.source { listing.filter("source = $?", source) }
        if let after = filter.createdAfter { listing.filter("created_at >= $?", after.epochMilliseconds) }
        if let before = filter.createdBefore { listing.filter("created_at < $?", before.epochMilliseconds) }
        return listing
    }

    /// The tenant's lead `id`, nil when the tenant has none.
    static func fetch(id: String, tenantID: String, on connection: PostgresConnection, logger: Logger) async throws -> Lead? {
        try await Self.leads(
            from: connection.query("SELECT \(unescaped: Self.columns) FROM leads WHERE id = \(id) AND tenant_id = \(tenantID)", logger: logger)
        ).first
    }

    /// The tenant's lead `id`, its row locked until the transaction ends, so a concurrent change
    /// of the same lead waits for this one; nil when the tenant has none.
    static func fetchForUpdate(id: String, tenantID: String, on connection: PostgresConnection, logger: Logger) async throws -> Lead? {
        try await Self.leads(
            from: connection.query(
                "SELECT \(unescaped: Self.columns) FROM leads WHERE id = \(id) AND tenant_id = \(tenantID) FOR UPDATE", logger: logger
            )
        ).first
    }

    static func insert(_ lead: Lead, on connection: PostgresConnection, logger: Logger) async throws {
        let contact = lead.contact
        try await connection.query(
            """
            INSERT INTO leads (id, tenant_id, ping_id, buyer_id, campaign_type, source, first_name, last_name, email, phone, state,
                zip_code, status, sold_price_cents, consent_certificate_id, created_at, updated_at, score, notes, duplicate_of,
                rejection_reasons, sold_at, delivered_at, accepted_at, billing_event_id, returned_at, return_reason, return_notes, origin)
            VALUES (\(lead.id), \(lead.tenantID), \(lead.pingID), \(lead.buyerID), \(lead.campaignType.rawValue), \(lead.source),
                \(contact.firstName), \(contact.lastName), \(contact.email), \(contact.phone), \(contact.state), \(contact.zipCode),
                \(lead.status.rawValue), \(lead.soldPriceCents), \(lead.consentCertificateID), \(lead.createdAt.epochMilliseconds),
                \(lead.updatedAt.epochMilliseconds), \(lead.score), \(lead.notes), \(lead.duplicateOf), \(Self.reasons(lead)),
                \(lead.soldAt?.epochMilliseconds), \(lead.deliveredAt?.epochMilliseconds), \(lead.acceptedAt?.epochMilliseconds),
                \(lead.billingEventID), \(lead.returnedAt?.epochMilliseconds), \(lead.returnReason?.rawValue), \(lead.returnNotes),
                \(lead.origin.rawValue))
            """,
            logger: logger
        )
    }

    /// Writes every field a lead's life changes, and moves its sale row's status as
    /// `Lead.saleStatusChange` says (a delivered sale becomes accepted or returned with its lead).
    static func update(_ lead: Lead, on connection: PostgresConnection, logger: Logger) async throws {
        let contact = lead.contact
        try await connection.query(
            """
            UPDATE leads SET campaign_type = \(lead.campaignType.rawValue), source = \(lead.source), first_name = \(contact.firstName),
                last_name = \(contact.lastName), email = \(contact.email), phone = \(contact.phone), state = \(contact.state),
                zip_code = \(contact.zipCode), status = \(lead.status.rawValue), sold_price_cents = \(lead.soldPriceCents),
                consent_certificate_id = \(lead.consentCertificateID), created_at = \(lead.createdAt.epochMilliseconds),
                updated_at = \(lead.updatedAt.epochMilliseconds), score = \(lead.score), notes = \(lead.notes),
                duplicate_of = \(lead.duplicateOf), rejection_reasons = \(Self.reasons(lead)), sold_at = \(lead.soldAt?.epochMilliseconds),
                delivered_at = \(lead.deliveredAt?.epochMilliseconds), accepted_at = \(lead.acceptedAt?.epochMilliseconds),
                billing_event_id = \(lead.billingEventID), returned_at = \(lead.returnedAt?.epochMilliseconds),
                return_reason = \(lead.returnReason?.rawValue), return_notes = \(lead.returnNotes), ping_id = \(lead.pingID),
                buyer_id = \(lead.buyerID)
            WHERE id = \(lead.id) AND tenant_id = \(lead.tenantID)
            """,
            logger: logger
        )
        if let change = lead.saleStatusChange {
            try await connection.query(
                "UPDATE sales SET status = \(change.to.rawValue) WHERE lead_id = \(lead.id) AND status = \(change.from.rawValue)", logger: logger
            )
        }
    }

    /// Appends `events` to the lead's audit trail, in order, in one statement (their `seq` follows
    /// the order of the VALUES list).
    static func insertEvents(_ events: [LeadEvent], leadID: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        var bindings = PostgresBindings(capacity: events.count * 5)
        var rows: [String] = []
        rows.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            bindings.append(leadID)
            bindings.append(event.kind.rawValue)
            bindings.append(String(decoding: event.detail.encoded(), as: UTF8.self))
            bindings.append(event.actorKeyID)
            bindings.append(event.at.epochMilliseconds)
            let first = index * 5
            rows.append("($\(first + 1), $\(first + 2), $\(first + 3), $\(first + 4), $\(first + 5))")
        }
        // Only placeholders are spliced into the SQL; every value is bound.
        try await connection.query(
            PostgresQuery(
                unsafeSQL: "INSERT INTO lead_events (lead_id, kind, detail, actor_key_id, created_at) VALUES \(rows.joined(separator: ", "))",
                binds: bindings
            ),
            logger: logger
        )
    }

    static func insertCertificate(_ certificate: ConsentCertificate, on connection: PostgresConnection, logger: Logger) async throws {
        let consent = certificate.consent
        try await connection.query(
            """
            INSERT INTO consent_certificates (id, tenant_id, lead_id, consent_type, consent_text, ip_address, page_url, user_agent, channel,
                mechanism, created_at, hash, signature, key_id, revoked_at)
            VALUES (\(certificate.id), \(certificate.tenantID), \(certificate.leadID), \(consent.consentType.rawValue), \(consent.consentText),
                \(consent.ipAddress), \(consent.pageURL), \(consent.userAgent), \(consent.channel), \(consent.mechanism),
                \(certificate.createdAt.epochMilliseconds), \(certificate.hash), \(certificate.signature), \(certificate.keyID),
                \(certificate.revokedAt?.epochMilliseconds))
            """,
            logger: logger
        )
    }

    /// The lead's audit trail, oldest first.
    static func events(leadID: String, on connection: PostgresConnection, logger: Logger) async throws -> [LeadEvent] {
        let rows = try await connection.query(
            "SELECT kind, detail, actor_key_id, created_at FROM lead_events WHERE lead_id = \(leadID) ORDER BY seq", logger: logger
        )
        var events: [LeadEvent] = []
        for try await (raw, detail, actorKeyID, createdAt) in rows.decode((String, String, String?, Int64).self) {
            guard let kind = LeadEvent.Kind(rawValue: raw) else { throw PostgresCorruptRow(table: "lead_events", column: "kind", value: raw) }
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(detail)
            } catch {
                throw PostgresCorruptRow(table: "lead_events", column: "detail", value: String(detail.prefix(200)))
            }
            events.append(LeadEvent(kind, detail: parsed, actorKeyID: actorKeyID, at: Date(epochMilliseconds: createdAt)))
        }
        return events
    }

    /// The leads `rows` holds, selected with `columns`.
    static func leads(from rows: PostgresRowSequence) async throws -> [Lead] {
        var leads: [Lead] = []
        for try await row in rows { leads.append(try Self.lead(from: row.makeRandomAccess())) }
        return leads
    }

    /// One lead from a row holding (at least) `columns`.
    static func lead(from row: PostgresRandomAccessRow) throws -> Lead {
        func date(_ column: String) throws -> Date? { try row[column].decode(Int64?.self).map(Date.init(epochMilliseconds:)) }
        func required<T: RawRepresentable>(_ type: T.Type, _ column: String) throws -> T where T.RawValue == String {
            let raw = try row[column].decode(String.self)
            guard let value = T(rawValue: raw) else { throw PostgresCorruptRow(table: "leads", column: column, value: raw) }
            return value
        }
        var reasons: [QualificationFailure] = []
        if let text = try row["rejection_reasons"].decode(String?.self), case .array(let items) = try? JSONParser.parse(text) {
            for case .object(let item) in items {
                if case .string(let field) = item["field"], case .string(let code) = item["code"], case .string(let message) = item["message"] {
                    reasons.append(QualificationFailure(field: field, code: code, message: message))
                }
            }
        }
        return Lead(
            id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self),
            origin: try required(Lead.Origin.self, "origin"), pingID: try row["ping_id"].decode(String?.self),
            buyerID: try row["buyer_id"].decode(String?.self), campaignType: try required(CampaignType.self, "campaign_type"),
            source: try row["source"].decode(String.self),
            contact: LeadContact(
                firstName: try row["first_name"].decode(String.self), lastName: try row["last_name"].decode(String.self),
                phone: try row["phone"].decode(String.self), email: try row["email"].decode(String.self),
                state: try row["state"].decode(String.self), zipCode: try row["zip_code"].decode(String.self)
            ),
            status: try required(LeadStatus.self, "status"), score: try row["score"].decode(Int?.self), notes: try row["notes"].decode(String?.self),
            soldPriceCents: try row["sold_price_cents"].decode(Int64?.self),
            consentCertificateID: try row["consent_certificate_id"].decode(String?.self), duplicateOf: try row["duplicate_of"].decode(String?.self),
            rejectionReasons: reasons, soldAt: try date("sold_at"), deliveredAt: try date("delivered_at"), acceptedAt: try date("accepted_at"),
            billingEventID: try row["billing_event_id"].decode(String?.self), returnedAt: try date("returned_at"),
            returnReason: try row["return_reason"].decode(String?.self).map { raw in
                guard let reason = ReturnReason(rawValue: raw) else { throw PostgresCorruptRow(table: "leads", column: "return_reason", value: raw) }
                return reason
            },
            returnNotes: try row["return_notes"].decode(String?.self), createdAt: Date(epochMilliseconds: try row["created_at"].decode(Int64.self)),
            updatedAt: Date(epochMilliseconds: try row["updated_at"].decode(Int64.self))
        )
    }

    /// One certificate from a row holding (at least) `certificateColumns`.
    static func certificate(from row: PostgresRandomAccessRow) throws -> ConsentCertificate {
        let rawType = try row["consent_type"].decode(String.self)
        guard let consentType = ConsentType(rawValue: rawType) else {
            throw PostgresCorruptRow(table: "consent_certificates", column: "consent_type", value: rawType)
        }
        let consent = Consent(
            consentType: consentType, consentText: try row["consent_text"].decode(String.self), ipAddress: try row["ip_address"].decode(String.self),
            pageURL: try row["page_url"].decode(String?.self), userAgent: try row["user_agent"].decode(String?.self),
            channel: try row["channel"].decode(String.self), mechanism: try row["mechanism"].decode(String.self)
        )
        return ConsentCertificate(
            id: try row["id"].decode(String.self), tenantID: try row["tenant_id"].decode(String.self), leadID: try row["lead_id"].decode(String?.self),
            consent: consent, createdAt: Date(epochMilliseconds: try row["created_at"].decode(Int64.self)), hash: try row["hash"].decode(String.self),
            signature: try row["signature"].decode(String.self), keyID: try row["key_id"].decode(String.self),
            revokedAt: try row["revoked_at"].decode(Int64?.self).map(Date.init(epochMilliseconds:))
        )
    }

    /// Rejection reasons as SQLite keeps them: a JSON array of {field, code, message}, NULL when none.
    private static func reasons(_ lead: Lead) -> String? {
        guard !lead.rejectionReasons.isEmpty else { return nil }
        return String(
            decoding: JSONValue.array(
                lead.rejectionReasons.map { ["field": .string($0.field), "code": .string($0.code), "message": .string($0.message)] }
            ).encoded(), as: UTF8.self
        )
    }
}
