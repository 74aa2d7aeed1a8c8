import Foundation
import GRDB
import LeadEngine

public struct SQLiteSaleRepository: SaleRepository {
    let database: LeadDatabase
    /// Concurrent posts share transactions (and fsyncs); each sale still commits or fails alone.
    private let sales: GroupCommit<SaleRecord, Void>

    public init(database: LeadDatabase) {
        self.database = database
        self.sales = GroupCommit(writer: database.writer, writeItem: Self.insert(_:_:))
    }

    public func commit(_ sale: SaleRecord) async throws {
        try await self.database.guarded(writing: true) { try await self.sales.commit(sale) }
    }

    /// Every row of one sale: the ping (if the journal has not written it yet), lead, certificate,
    /// sale, charge and delivery.
    static func insert(_ sale: SaleRecord, _ db: Database) throws {
        let lead = sale.lead
        let now = (lead.soldAt ?? lead.createdAt).epochMilliseconds
        // The journal may not have written the ping yet; the sale needs it now.
        try SQLitePingRepository.insert(sale.ping, db)
        let at = lead.createdAt
        if sale.leadIsNew {
            try LeadRows.insert(lead, db)
            if let certificate = sale.certificate { try Self.insert(certificate, db) }
            var events = [
                LeadEvent(.received, detail: ["origin": "post", "ping_id": .string(sale.ping.id)], at: at),
                LeadEvent(.consentCertified, detail: ["certificate_id": .optional(lead.consentCertificateID)], at: at),
            ]
            if let match = sale.doNotCall { events.append(.doNotCallChecked(match, at: at)) }
            if let scored = sale.scored { events.append(scored) }
            try LeadRows.insert(events, leadID: lead.id, db)
        } else {
            // An inbound lead stored at intake: it sells only if nothing moved it on meanwhile.
            try db.executeCached(
                sql: """
                    UPDATE leads SET ping_id = ?, buyer_id = ?, status = 'sold', sold_price_cents = ?, sold_at = ?, updated_at = ?
                    WHERE id = ? AND tenant_id = ? AND status = 'qualified'
                    """,
                arguments: [sale.ping.id, lead.buyerID, sale.priceCents, now, now, lead.id, lead.tenantID]
            )
            guard db.changesCount == 1 else {
                throw ConflictError(code: "lead_not_for_sale", detail: "The lead is no longer qualified and unsold.")
            }
        }
        try db.executeCached(
            sql: """
                INSERT INTO sales (id, tenant_id, buyer_id, campaign_id, lead_id, price_cents, status, response_time_ms, sold_at, ping_id)
                VALUES (?, ?, ?, ?, ?, ?, 'delivered', ?, ?, ?)
                """,
            arguments: [
                sale.saleID, lead.tenantID, lead.buyerID, sale.campaignID, lead.id, sale.priceCents, sale.responseMilliseconds, now, sale.ping.id,
            ]
        )
        if sale.delivery.status == .notConfigured {
            // No webhook: the buyer reads its leads from the API, so the lead counts as delivered
            // now, and its return window runs from the sale.
            try db.executeCached(
                sql: "UPDATE leads SET status = 'delivered', delivered_at = ? WHERE id = ? AND status = 'sold'", arguments: [now, lead.id]
            )
        }
        var chargeID: String?
        if sale.priceCents > 0 {
            let charge = try LedgerRows.append(
                LedgerEntry(
                    id: sale.chargeID, tenantID: lead.tenantID, buyerID: lead.buyerID, leadID: lead.id, kind: .charge, amountCents: sale.priceCents,
                    description: "Lead #\(lead.id.prefix(8)) delivered", createdAt: Date(epochMilliseconds: now)
                ),
                db
            )
            chargeID = charge.id
        }
        try LeadRows.insert(
            [
                LeadEvent(
                    .sold,
                    detail: [
                        "buyer_id": .optional(lead.buyerID), "price_cents": .integer(sale.priceCents), "ping_id": .string(sale.ping.id),
                        "charge_id": .optional(chargeID), "campaign_id": .optional(sale.campaignID),
                    ],
                    at: Date(epochMilliseconds: now)
                )
            ],
            leadID: lead.id, db
        )
        let delivery = sale.delivery
        try db.executeCached(
            sql: """
                INSERT INTO deliveries (id, tenant_id, lead_id, buyer_id, url, payload, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                """,
            arguments: [
                delivery.id, delivery.tenantID, delivery.leadID, delivery.buyerID, delivery.url, Data(delivery.payload),
                delivery.status.rawValue, delivery.nextAttemptAtMilliseconds, delivery.createdAtMilliseconds, now,
            ]
        )
    }

    public func recordAttempt(_ attempt: DeliveryAttempt, of delivery: Delivery) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, reason, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    delivery.id, attempt.attemptedAtMilliseconds, attempt.statusCode, attempt.reason?.rawValue, attempt.error,
                    attempt.durationMilliseconds,
                ]
            )
            try db.execute(
                // Only a pending delivery changes: a late failure never undoes a success.
                sql: "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                arguments: [
                    delivery.status.rawValue, delivery.attempts, delivery.nextAttemptAtMilliseconds, attempt.attemptedAtMilliseconds, delivery.id,
                ]
            )
            if delivery.status == .delivered && db.changesCount == 1 {
                // The return window runs from here; a lead people already moved on keeps its status.
                try db.execute(
                    sql: """
                        UPDATE leads SET status = CASE status WHEN 'sold' THEN 'delivered' ELSE status END,
                            delivered_at = coalesce(delivered_at, ?), updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [attempt.attemptedAtMilliseconds, attempt.attemptedAtMilliseconds, delivery.leadID]
                )
                try LeadRows.insert(
                    [
                        LeadEvent(
                            .delivered, detail: ["delivery_id": .string(delivery.id), "status_code": .optional(attempt.statusCode)],
                            at: Date(epochMilliseconds: attempt.attemptedAtMilliseconds)
                        )
                    ],
                    leadID: delivery.leadID, db
                )
            }
        }
    }

    public func dueDeliveries(nowMilliseconds: Int64, limit: Int) async throws -> [Delivery] {
        try await self.database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
                arguments: [nowMilliseconds, limit]
            ).map(Self.delivery(from:))
        }
    }

    public func salesCount(sinceByBuyer: [String: Int64]) async throws -> [String: Int] {
        try await self.database.read { db in
            let statement = try db.cachedStatement(sql: "SELECT count(*) FROM sales WHERE buyer_id = ? AND sold_at >= ?")
            var counts: [String: Int] = [:]
            for (buyerID, since) in sinceByBuyer {
                counts[buyerID] = try Int.fetchOne(statement, arguments: [buyerID, since]) ?? 0
            }
            return counts
        }
    }

    public func signingKey(orMake make: @Sendable () -> CertificateSigningKey) async throws -> CertificateSigningKey {
        try await self.database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM signing_keys ORDER BY created_at LIMIT 1") {
                let raw: Data = row["private_key"]
                return try CertificateSigningKey(id: row["id"], rawPrivateKey: Array(raw))
            }
            let key = make()
            try db.execute(
                sql: "INSERT INTO signing_keys (id, private_key, created_at) VALUES (?, ?, ?)",
                arguments: [key.id, Data(key.rawPrivateKey), Date().epochMilliseconds]
            )
            return key
        }
    }

    static func insert(_ certificate: ConsentCertificate, _ db: Database) throws {
        let consent = certificate.consent
        try db.executeCached(
            sql: """
                INSERT INTO consent_certificates (id, tenant_id, lead_id, consent_type, consent_text, ip_address, page_url, user_agent, channel,
                    mechanism, created_at, hash, signature, key_id, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                certificate.id, certificate.tenantID, certificate.leadID, consent.consentType.rawValue, consent.consentText, consent.ipAddress,
                consent.pageURL, consent.userAgent, consent.channel, consent.mechanism, certificate.createdAt.epochMilliseconds, certificate.hash,
                certificate.signature, certificate.keyID, certificate.revokedAt?.epochMilliseconds,
            ]
        )
    }

    static func delivery(from row: Row) throws -> Delivery {
        let payload: Data = row["payload"]
        return Delivery(
            id: row["id"], tenantID: row["tenant_id"], leadID: row["lead_id"], buyerID: row["buyer_id"], url: row["url"], payload: Array(payload),
            status: try row.required(Delivery.Status.self, "status", table: "deliveries"), attempts: row["attempts"],
            nextAttemptAtMilliseconds: row["next_attempt_at"], createdAtMilliseconds: row["created_at"]
        )
    }
}
