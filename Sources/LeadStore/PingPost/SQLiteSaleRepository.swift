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
    static func insert(_ record: SaleRecord, _ db: Database) throws {
        let writes = SaleWrites(record)
        try SQLitePingRepository.insert(writes.ping, db)
        if let lead = writes.newLead {
            try LeadRows.insert(lead, db)
        }
        if let sold = writes.leadSold {
            try db.executeCached(
                sql: """
                    UPDATE leads SET ping_id = ?, buyer_id = ?, status = ?, sold_price_cents = ?, sold_at = ?, updated_at = ?, delivered_at = ?
                    WHERE id = ? AND tenant_id = ? AND status = ?
                    """,
                arguments: [
                    sold.pingID, sold.buyerID, sold.to.rawValue, sold.priceCents, sold.soldAtMilliseconds, sold.soldAtMilliseconds,
                    sold.deliveredAtMilliseconds, sold.leadID, sold.tenantID, sold.from.rawValue,
                ]
            )
            guard db.changesCount == 1 else { throw StoreRefusal.leadMovedOn(leadID: sold.leadID) }
        }
        if let certificate = writes.certificate { try Self.insert(certificate, db) }
        let sale = writes.sale
        try db.executeCached(
            sql: """
                INSERT INTO sales (id, tenant_id, buyer_id, campaign_id, lead_id, price_cents, status, response_time_ms, sold_at, ping_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                sale.id, sale.tenantID, sale.buyerID, sale.campaignID, sale.leadID, sale.priceCents, sale.status.rawValue, sale.responseMilliseconds,
                sale.soldAtMilliseconds, sale.pingID,
            ]
        )
        if let charge = writes.charge { _ = try LedgerRows.append(charge, db) }
        try LeadRows.insert(writes.events, leadID: sale.leadID, db)
        let delivery = writes.delivery
        try db.executeCached(
            sql: """
                INSERT INTO deliveries (id, tenant_id, lead_id, buyer_id, url, payload, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                """,
            arguments: [
                delivery.id, delivery.tenantID, delivery.leadID, delivery.buyerID, delivery.url, Data(delivery.payload),
                delivery.status.rawValue, delivery.nextAttemptAtMilliseconds, delivery.createdAtMilliseconds, sale.soldAtMilliseconds,
            ]
        )
    }

    public func recordAttempt(_ writes: DeliveryAttemptWrites) async throws {
        try await self.database.write { db in
            let attempt = writes.attempt
            let delivery = writes.delivery
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
                sql: "UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = ?",
                arguments: [
                    delivery.status.rawValue, delivery.attempts, delivery.nextAttemptAtMilliseconds, attempt.attemptedAtMilliseconds, delivery.id,
                    writes.expectedStatus.rawValue,
                ]
            )
            guard db.changesCount == 1, let delivered = writes.leadDelivered else { return }
            let at = delivered.deliveredAtMilliseconds
            try db.executeCached(sql: "UPDATE leads SET status = ? WHERE id = ? AND status = ?", arguments: [delivered.to.rawValue, delivered.leadID, delivered.from.rawValue])
            try db.execute(
                sql: "UPDATE leads SET delivered_at = coalesce(delivered_at, ?), updated_at = ? WHERE id = ?", arguments: [at, at, delivered.leadID]
            )
            try LeadRows.insert([delivered.event], leadID: delivered.leadID, db)
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
