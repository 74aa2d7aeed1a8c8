import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// Leads and their audit trail in PostgreSQL; behaves as `SQLiteLeadRepository` does.
///
/// SQLite's single writer makes every read-then-write one step; here several nodes write at
/// once, so each one that decides from what it read locks what it decides on first: the
/// dedup key of an inbound lead (an advisory lock), the lead row of an update or a return
/// (`FOR UPDATE`), and the buyer of a return (its monthly return limit).
public struct PostgresLeadRepository: LeadRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    /// Stores an inbound lead, deduplicated atomically across nodes.
    ///
    /// Before the look-up, the transaction takes an advisory lock on the lead's (tenant, phone)
    /// and, when it has an email, (tenant, email), lowest key first so two intakes never wait on
    /// each other in a circle. Two identical leads sent to two nodes at once then queue on the
    /// same lock; the second looks up only once the first committed (READ COMMITTED: a statement
    /// sees what committed before it began) and finds it as its original.
    public func intake(
        tenantID: String, phone: String, email: String, since: Int64, _ decide: @Sendable (_ originalID: String?) -> LeadIntake
    ) async throws -> LeadIntake {
        try await self.store.write { connection in
            let logger = self.store.logger
            var keys = [Self.dedupLock(tenantID: tenantID, field: "phone", value: phone)]
            if !email.isEmpty { keys.append(Self.dedupLock(tenantID: tenantID, field: "email", value: email)) }
            keys.sort()
            if keys.count == 2 {
                try await connection.query("SELECT pg_advisory_xact_lock(\(keys[0])), pg_advisory_xact_lock(\(keys[1]))", logger: logger)
            } else {
                try await connection.query("SELECT pg_advisory_xact_lock(\(keys[0]))", logger: logger)
            }
            var original: String?
            let rows = try await connection.query(
                """
                SELECT id FROM leads
                WHERE tenant_id = \(tenantID) AND (phone = \(phone) OR (\(email) <> '' AND email = \(email))) AND created_at >= \(since)
                    AND status NOT IN ('rejected', 'duplicate')
                ORDER BY created_at, id LIMIT 1
                """,
                logger: logger
            )
            for try await id in rows.decode(String.self) { original = id }
            let intake = decide(original)
            try await PostgresLeadRows.insert(intake.lead, on: connection, logger: logger)
            if let certificate = intake.certificate { try await PostgresLeadRows.insertCertificate(certificate, on: connection, logger: logger) }
            try await PostgresLeadRows.insertEvents(intake.events, leadID: intake.lead.id, on: connection, logger: logger)
            return intake
        }
    }

    public func sourceHistory(tenantID: String, source: String, since: Int64) async throws -> SourceHistory {
        try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT count(*), count(*) FILTER (WHERE status NOT IN ('rejected', 'duplicate')), count(sold_at), count(returned_at)
                FROM leads WHERE tenant_id = \(tenantID) AND source = \(source) AND created_at >= \(since)
                """,
                logger: self.store.logger
            )
            for try await (leads, qualified, sold, returned) in rows.decode((Int, Int, Int, Int).self) {
                return SourceHistory(leads: leads, qualified: qualified, sold: sold, returned: returned)
            }
            return SourceHistory()
        }
    }

    public func appendEvents(_ events: [LeadEvent], leadID: String) async throws {
        try await self.store.write { connection in
            try await PostgresLeadRows.insertEvents(events, leadID: leadID, on: connection, logger: self.store.logger)
        }
    }

    public func lead(id: String, tenantID: String) async throws -> Lead? {
        try await self.store.read { connection in
            try await PostgresLeadRows.fetch(id: id, tenantID: tenantID, on: connection, logger: self.store.logger)
        }
    }

    public func details(id: String, tenantID: String) async throws -> LeadDetails? {
        try await self.store.read { connection in
            let logger = self.store.logger
            guard let lead = try await PostgresLeadRows.fetch(id: id, tenantID: tenantID, on: connection, logger: logger) else { return nil }
            var certificates: [ConsentCertificate] = []
            for try await row in try await connection.query(
                """
                SELECT \(unescaped: PostgresLeadRows.certificateColumns) FROM consent_certificates
                WHERE lead_id = \(id) AND tenant_id = \(tenantID) ORDER BY created_at, id
                """,
                logger: logger
            ) {
                certificates.append(try PostgresLeadRows.certificate(from: row.makeRandomAccess()))
            }
            let deliveries = try await PostgresSaleRepository.deliveries(
                from: connection.query(
                    """
                    SELECT \(unescaped: PostgresSaleRepository.deliveryColumns) FROM deliveries
                    WHERE lead_id = \(id) AND tenant_id = \(tenantID) ORDER BY created_at, id
                    """,
                    logger: logger
                )
            )
            var attempts: [String: [DeliveryAttempt]] = [:]
            if !deliveries.isEmpty {
                let rows = try await connection.query(
                    """
                    SELECT delivery_id, attempted_at, status_code, reason, error, duration_ms FROM delivery_attempts
                    WHERE delivery_id = ANY(\(deliveries.map(\.id))::text[]) ORDER BY attempted_at
                    """,
                    logger: logger
                )
                for try await (deliveryID, attemptedAt, statusCode, reason, error, duration) in rows.decode(
                    (String, Int64, Int?, String?, String?, Int).self
                ) {
                    attempts[deliveryID, default: []].append(
                        DeliveryAttempt(
                            attemptedAtMilliseconds: attemptedAt, statusCode: statusCode, reason: reason.flatMap(DeliveryFailure.init(rawValue:)),
                            error: error, durationMilliseconds: duration
                        )
                    )
                }
            }
            return LeadDetails(
                lead: lead, events: try await PostgresLeadRows.events(leadID: id, on: connection, logger: logger), consentRecords: certificates,
                deliveries: deliveries.map { DeliveryRecord(delivery: $0, attempts: attempts[$0.id] ?? []) }
            )
        }
    }

    public func leads(tenantID: String, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead> {
        try await self.store.read { connection in
            let result = try await PostgresLeadRows.listing(tenantID: tenantID, filter: filter).fetch(
                columns: PostgresLeadRows.columns, page: page, on: connection, logger: self.store.logger, PostgresLeadRows.leads(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    /// Reads the lead locked (`FOR UPDATE`), so a change made on another node at the same time
    /// waits and then starts from this one's result; writes only when the change returned events.
    public func update(id: String, tenantID: String, _ change: @Sendable (inout Lead) throws -> [LeadEvent]) async throws -> Lead? {
        try await self.store.write { connection in
            let logger = self.store.logger
            guard var lead = try await PostgresLeadRows.fetchForUpdate(id: id, tenantID: tenantID, on: connection, logger: logger) else { return nil }
            let events = try change(&lead)
            guard !events.isEmpty else { return lead }
            try await PostgresLeadRows.update(lead, on: connection, logger: logger)
            try await PostgresLeadRows.insertEvents(events, leadID: lead.id, on: connection, logger: logger)
            return lead
        }
    }

    /// Records a return in one transaction, deciding from a context no other node can change
    /// meanwhile: the lead row is locked (one return of a lead), and so is its buyer's row (the
    /// buyer's returns this month, which its return limit counts, change one return at a time).
    /// Both are locked in the order a sale locks them (lead, then buyer), so the two never deadlock.
    public func recordReturn(
        id: String, tenantID: String, nowMilliseconds now: Int64, _ decide: @Sendable (ReturnContext) throws -> ReturnPlan
    ) async throws -> ReturnPlan? {
        try await self.store.write { connection in
            let logger = self.store.logger
            guard let lead = try await PostgresLeadRows.fetchForUpdate(id: id, tenantID: tenantID, on: connection, logger: logger) else { return nil }
            var terms = BillingTerms()
            var purchases = 0
            var returns = 0
            if let buyerID = lead.buyerID {
                try await connection.query("SELECT 1 FROM buyers WHERE id = \(buyerID) FOR NO KEY UPDATE", logger: logger)
                if let buyerTerms = try await PostgresBuyerRows.billingTerms(buyerID: buyerID, on: connection, logger: logger) {
                    terms = buyerTerms
                }
                // The calendar month (UTC) of the return, as invoices count it.
                let period = BillingPeriod(containingMilliseconds: now)
                let counts = try await connection.query(
                    """
                    SELECT count(*), count(returned_at) FROM leads
                    WHERE buyer_id = \(buyerID) AND sold_at >= \(period.startMilliseconds) AND sold_at < \(period.endMilliseconds)
                    """,
                    logger: logger
                )
                for try await (purchased, returned) in counts.decode((Int, Int).self) {
                    purchases = purchased
                    returns = returned
                }
            }
            let charge = try await PostgresLedgerRows.charge(leadID: lead.id, on: connection, logger: logger)
            let plan = try decide(
                ReturnContext(lead: lead, buyerTerms: terms, purchasesThisMonth: purchases, returnsThisMonth: returns, charge: charge)
            )
            try await PostgresLeadRows.update(plan.lead, on: connection, logger: logger)
            try await PostgresLeadRows.insertEvents(plan.events, leadID: plan.lead.id, on: connection, logger: logger)
            if let refund = plan.refund { _ = try await PostgresLedgerRows.append(refund, on: connection, logger: logger) }
            if plan.addToInternalDoNotCall {
                try await connection.query(
                    """
                    INSERT INTO internal_dnc (tenant_id, phone, source, created_at)
                    VALUES (\(tenantID), \(plan.lead.contact.phone), \("return:\(plan.lead.id)"), \(plan.lead.updatedAt.epochMilliseconds))
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
            return plan
        }
    }

    /// The advisory lock key of one dedup field of a tenant's leads: FNV-1a (64-bit) of its name
    /// and value, the same on every node (Swift's own hashing is seeded per process). A collision
    /// with another key only makes two intakes wait for each other, never lets one skip the check.
    static func dedupLock(tenantID: String, field: String, value: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in ["ezleeds.lead-dedup", tenantID, field, value] {
            for byte in part.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            // A separator no UTF-8 text holds, so ("ab", "c") and ("a", "bc") differ.
            hash ^= 0xFF
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: hash)
    }
}
