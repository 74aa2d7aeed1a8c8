import Foundation
import GRDB
import LeadEngine

public struct SQLiteLeadRepository: LeadRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func intake(
        tenantID: String, phone: String, email: String, since: Int64, _ decide: @Sendable (_ originalID: String?) -> LeadIntake
    ) async throws -> LeadIntake {
        // One write transaction: SQLite has a single writer, so two identical leads sent at the
        // same instant are checked and stored one after the other, and only the first qualifies.
        try await self.database.write { db in
            let original = try String.fetchOne(
                db.cachedStatement(sql: """
                    SELECT id FROM leads
                    WHERE tenant_id = ? AND (phone = ? OR (? <> '' AND email = ?)) AND created_at >= ?
                        AND status NOT IN ('rejected', 'duplicate')
                    ORDER BY created_at, id LIMIT 1
                    """),
                arguments: [tenantID, phone, email, email, since]
            )
            let intake = decide(original)
            try LeadRows.insert(intake.lead, db)
            if let certificate = intake.certificate { try SQLiteSaleRepository.insert(certificate, db) }
            try LeadRows.insert(intake.events, leadID: intake.lead.id, db)
            return intake
        }
    }

    public func sourceHistory(tenantID: String, source: String, since: Int64) async throws -> SourceHistory {
        try await self.database.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS leads,
                            coalesce(sum(status NOT IN ('rejected', 'duplicate')), 0) AS qualified,
                            coalesce(sum(sold_at IS NOT NULL), 0) AS sold,
                            coalesce(sum(returned_at IS NOT NULL), 0) AS returned
                        FROM leads WHERE tenant_id = ? AND source = ? AND created_at >= ?
                        """,
                    arguments: [tenantID, source, since]
                )
            else { return SourceHistory() }
            return SourceHistory(leads: row["leads"], qualified: row["qualified"], sold: row["sold"], returned: row["returned"])
        }
    }

    public func appendEvents(_ events: [LeadEvent], leadID: String) async throws {
        try await self.database.write { db in try LeadRows.insert(events, leadID: leadID, db) }
    }

    public func lead(id: String, tenantID: String) async throws -> Lead? {
        try await self.database.read { db in try LeadRows.fetch(id: id, tenantID: tenantID, db) }
    }

    public func details(id: String, tenantID: String) async throws -> LeadDetails? {
        try await self.database.read { db in
            guard let lead = try LeadRows.fetch(id: id, tenantID: tenantID, db) else { return nil }
            let certificates = try Row.fetchAll(
                db, sql: "SELECT * FROM consent_certificates WHERE lead_id = ? AND tenant_id = ? ORDER BY created_at", arguments: [id, tenantID]
            ).map(SQLiteConsentRepository.certificate(from:))
            let deliveries = try Row.fetchAll(
                db, sql: "SELECT * FROM deliveries WHERE lead_id = ? AND tenant_id = ? ORDER BY created_at", arguments: [id, tenantID]
            ).map(SQLiteSaleRepository.delivery(from:))
            let records = try deliveries.map { delivery in
                let attempts = try Row.fetchAll(
                    db, sql: "SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempted_at", arguments: [delivery.id]
                ).map { row in
                    DeliveryAttempt(
                        attemptedAtMilliseconds: row["attempted_at"], statusCode: row["status_code"],
                        reason: (row["reason"] as String?).flatMap(DeliveryFailure.init(rawValue:)), error: row["error"],
                        durationMilliseconds: row["duration_ms"]
                    )
                }
                return DeliveryRecord(delivery: delivery, attempts: attempts)
            }
            return LeadDetails(lead: lead, events: try LeadRows.events(leadID: id, db), consentRecords: certificates, deliveries: records)
        }
    }

    public func leads(tenantID: String, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead> {
        try await self.database.read { db in
            let result = try LeadRows.query(tenantID: tenantID, filter: filter).fetch(db, page: page)
            return Page(items: try result.rows.map(LeadRows.lead(from:)), total: result.total, request: page)
        }
    }

    public func update(id: String, tenantID: String, _ change: @Sendable (inout Lead) throws -> [LeadEvent]) async throws -> Lead? {
        try await self.database.write { db in
            guard var lead = try LeadRows.fetch(id: id, tenantID: tenantID, db) else { return nil }
            let events = try change(&lead)
            guard !events.isEmpty else { return lead }
            try LeadRows.update(lead, db)
            try LeadRows.insert(events, leadID: lead.id, db)
            return lead
        }
    }

    public func recordReturn(id: String, tenantID: String, nowMilliseconds now: Int64, _ decide: @Sendable (ReturnContext) throws -> ReturnPlan) async throws -> ReturnPlan? {
        try await self.database.write { db in
            guard let lead = try LeadRows.fetch(id: id, tenantID: tenantID, db) else { return nil }
            var terms = BillingTerms()
            var purchases = 0
            var returns = 0
            if let buyerID = lead.buyerID {
                if let row = try Row.fetchOne(db, sql: "SELECT * FROM buyers WHERE id = ?", arguments: [buyerID]) {
                    terms = try SQLiteBuyerRepository.billingTerms(from: row)
                }
                // The calendar month (UTC) of the return, as invoices count it.
                let period = BillingPeriod(containingMilliseconds: now)
                let counts = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) AS purchases, coalesce(sum(returned_at IS NOT NULL), 0) AS returns
                        FROM leads WHERE buyer_id = ? AND sold_at >= ? AND sold_at < ?
                        """,
                    arguments: [buyerID, period.startMilliseconds, period.endMilliseconds]
                )
                purchases = counts?["purchases"] ?? 0
                returns = counts?["returns"] ?? 0
            }
            let charge = try LedgerRows.charge(leadID: lead.id, db)
            let plan = try decide(
                ReturnContext(lead: lead, buyerTerms: terms, purchasesThisMonth: purchases, returnsThisMonth: returns, charge: charge)
            )
            try LeadRows.update(plan.lead, db)
            try LeadRows.insert(plan.events, leadID: plan.lead.id, db)
            if let refund = plan.refund { _ = try LedgerRows.append(refund, db) }
            if plan.addToInternalDoNotCall {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO internal_dnc (tenant_id, phone, source, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [tenantID, plan.lead.contact.phone, "return:\(plan.lead.id)", plan.lead.updatedAt.epochMilliseconds]
                )
            }
            return plan
        }
    }
}
