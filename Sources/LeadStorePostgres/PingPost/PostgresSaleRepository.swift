import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// Sales and their deliveries in PostgreSQL; behaves as `SQLiteSaleRepository` does.
///
/// A sale is executed as `SaleWrites` plans it, in one transaction: the balance moves in one
/// `UPDATE … RETURNING` (`PostgresLedgerRows.append`), an inbound lead is taken with
/// `UPDATE … WHERE status = from`, so two nodes selling one lead, or charging one prepaid
/// account, at the same moment are serialised by PostgreSQL's row locks, not by a single writer.
public struct PostgresSaleRepository: SaleRepository {
    let store: PostgresStore

    /// How long a delivery claimed by `dueDeliveries` stays hidden from the other nodes.
    public static let deliveryLeaseMilliseconds: Int64 = 30_000

    public init(store: PostgresStore) {
        self.store = store
    }

    public func commit(_ sale: SaleRecord) async throws {
        try await self.store.write { connection in try await Self.insert(sale, on: connection, logger: self.store.logger) }
    }

    /// Every row of one sale, in the caller's transaction: the ping (if the journal has not
    /// written it yet), lead, certificate, sale, charge, events and delivery. Throws
    /// `StoreRefusal.leadMovedOn` when an inbound lead is no longer in the status the sale expects,
    /// `StoreRefusal.balanceBelowFloor` when the charge would overdraw the buyer; the caller's
    /// transaction then rolls back whole.
    static func insert(_ record: SaleRecord, on connection: PostgresConnection, logger: Logger) async throws {
        let writes = SaleWrites(record)
        try await PostgresPingRepository.insert([writes.ping], on: connection, logger: logger)
        try await PostgresSaleLimits.hold(record, on: connection, logger: logger)
        if let lead = writes.newLead {
            try await PostgresLeadRows.insert(lead, on: connection, logger: logger)
        }
        if let sold = writes.leadSold {
            let moved = try await connection.query(
                """
                UPDATE leads SET ping_id = \(sold.pingID), buyer_id = \(sold.buyerID), status = \(sold.to.rawValue),
                    sold_price_cents = \(sold.priceCents), sold_at = \(sold.soldAtMilliseconds), updated_at = \(sold.soldAtMilliseconds),
                    delivered_at = \(sold.deliveredAtMilliseconds)
                WHERE id = \(sold.leadID) AND tenant_id = \(sold.tenantID) AND status = \(sold.from.rawValue)
                RETURNING 1
                """,
                logger: logger
            ).collect()
            guard moved.count == 1 else { throw StoreRefusal.leadMovedOn(leadID: sold.leadID) }
        }
        if let certificate = writes.certificate { try await PostgresLeadRows.insertCertificate(certificate, on: connection, logger: logger) }
        let sale = writes.sale
        try await connection.query(
            """
            INSERT INTO sales (id, tenant_id, buyer_id, campaign_id, lead_id, price_cents, status, response_time_ms, sold_at, ping_id)
            VALUES (\(sale.id), \(sale.tenantID), \(sale.buyerID), \(sale.campaignID), \(sale.leadID), \(sale.priceCents), \(sale.status.rawValue),
                \(sale.responseMilliseconds), \(sale.soldAtMilliseconds), \(sale.pingID))
            """,
            logger: logger
        )
        if let charge = writes.charge { _ = try await PostgresLedgerRows.append(charge, on: connection, logger: logger) }
        try await PostgresLeadRows.insertEvents(writes.events, leadID: sale.leadID, on: connection, logger: logger)
        let delivery = writes.delivery
        try await connection.query(
            """
            INSERT INTO deliveries (id, tenant_id, lead_id, buyer_id, url, payload, status, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(delivery.id), \(delivery.tenantID), \(delivery.leadID), \(delivery.buyerID), \(delivery.url), \(ByteBuffer(bytes: delivery.payload)),
                \(delivery.status.rawValue), 0, \(delivery.nextAttemptAtMilliseconds), \(delivery.createdAtMilliseconds), \(sale.soldAtMilliseconds))
            """,
            logger: logger
        )
    }

    public func recordAttempt(_ writes: DeliveryAttemptWrites) async throws {
        try await self.store.write { connection in
            let logger = self.store.logger
            let attempt = writes.attempt
            let delivery = writes.delivery
            try await connection.query(
                """
                INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, reason, error, duration_ms)
                VALUES (\(delivery.id), \(attempt.attemptedAtMilliseconds), \(attempt.statusCode), \(attempt.reason?.rawValue), \(attempt.error),
                    \(attempt.durationMilliseconds))
                """,
                logger: logger
            )
            // Only while still in the expected state: a late failure never undoes a success.
            let changed = try await connection.query(
                """
                UPDATE deliveries SET status = \(delivery.status.rawValue), attempts = \(delivery.attempts),
                    next_attempt_at = \(delivery.nextAttemptAtMilliseconds), updated_at = \(attempt.attemptedAtMilliseconds)
                WHERE id = \(delivery.id) AND status = \(writes.expectedStatus.rawValue)
                RETURNING 1
                """,
                logger: logger
            ).collect()
            guard changed.count == 1, let delivered = writes.leadDelivered else { return }
            let at = delivered.deliveredAtMilliseconds
            // A lead people moved on keeps its status, and gets its delivery time all the same.
            try await connection.query(
                """
                UPDATE leads SET status = CASE WHEN status = \(delivered.from.rawValue) THEN \(delivered.to.rawValue) ELSE status END,
                    delivered_at = coalesce(delivered_at, \(at)), updated_at = \(at)
                WHERE id = \(delivered.leadID)
                """,
                logger: logger
            )
            try await PostgresLeadRows.insertEvents([delivered.event], leadID: delivered.leadID, on: connection, logger: logger)
        }
    }

    /// Pending deliveries whose next attempt is due, oldest first, each claimed for this node.
    ///
    /// Several nodes run the courier, and two of them must never send one delivery at once. A
    /// `SELECT … FOR UPDATE SKIP LOCKED` cannot do it alone: its row locks end with the
    /// transaction, that is as soon as this returns, long before the webhook answers. So the claim
    /// is a lease written into the row: the due deliveries (skipping rows another node is claiming
    /// this instant) get `next_attempt_at = now + 30 s`, and the other nodes no longer see them as
    /// due. The attempt's own `recordAttempt` then sets the real next time (or the final status);
    /// a node that dies holding a lease only delays its deliveries by 30 s, after which any node
    /// takes them. The deliveries are returned as they were before the lease (their due time).
    ///
    /// Unlike SQLite's read, this writes: asking twice within the lease returns a delivery once.
    public func dueDeliveries(nowMilliseconds: Int64, limit: Int) async throws -> [Delivery] {
        let leaseUntil =
            nowMilliseconds > Int64.max - Self.deliveryLeaseMilliseconds ? Int64.max : nowMilliseconds + Self.deliveryLeaseMilliseconds
        return try await self.store.write { connection in
            let rows = try await connection.query(
                """
                WITH due AS (
                    SELECT id, next_attempt_at FROM deliveries
                    WHERE status = 'pending' AND next_attempt_at <= \(nowMilliseconds)
                    ORDER BY next_attempt_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE deliveries d SET next_attempt_at = \(leaseUntil)
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.tenant_id, d.lead_id, d.buyer_id, d.url, d.payload, d.status, d.attempts, due.next_attempt_at, d.created_at
                """,
                logger: self.store.logger
            )
            return try await Self.deliveries(from: rows).sorted {
                ($0.nextAttemptAtMilliseconds ?? 0, $0.createdAtMilliseconds, $0.id) < ($1.nextAttemptAtMilliseconds ?? 0, $1.createdAtMilliseconds, $1.id)
            }
        }
    }

    public func salesCount(sinceByBuyer: [String: Int64]) async throws -> [String: Int] {
        guard !sinceByBuyer.isEmpty else { return [:] }
        let buyerIDs = Array(sinceByBuyer.keys)
        let since = buyerIDs.map { sinceByBuyer[$0] ?? 0 }
        return try await self.store.read { connection in
            let rows = try await connection.query(
                """
                SELECT b.buyer_id, (SELECT count(*) FROM sales s WHERE s.buyer_id = b.buyer_id AND s.sold_at >= b.since)
                FROM unnest(\(buyerIDs)::text[], \(since)::bigint[]) AS b(buyer_id, since)
                """,
                logger: self.store.logger
            )
            var counts: [String: Int] = [:]
            for try await (buyerID, count) in rows.decode((String, Int).self) { counts[buyerID] = count }
            return counts
        }
    }

    /// The oldest signing key, or, when there is none, the one `make` makes, stored.
    ///
    /// Nodes starting together must end up signing with one key: the key is made under an
    /// exclusive lock on `signing_keys` (readers still read), taken only when no key is found, so
    /// the second node waits for the first one's commit, then finds its key and makes none.
    public func signingKey(orMake make: @Sendable () -> CertificateSigningKey) async throws -> CertificateSigningKey {
        if let key = try await self.store.read({ connection in try await Self.oldestKey(on: connection, logger: self.store.logger) }) {
            return key
        }
        return try await self.store.write { connection in
            try await connection.query("LOCK TABLE signing_keys IN EXCLUSIVE MODE", logger: self.store.logger)
            if let key = try await Self.oldestKey(on: connection, logger: self.store.logger) { return key }
            let key = make()
            try await connection.query(
                """
                INSERT INTO signing_keys (id, private_key, created_at)
                VALUES (\(key.id), \(ByteBuffer(bytes: key.rawPrivateKey)), \(Date().epochMilliseconds))
                """,
                logger: self.store.logger
            )
            return key
        }
    }

    private static func oldestKey(on connection: PostgresConnection, logger: Logger) async throws -> CertificateSigningKey? {
        let rows = try await connection.query("SELECT id, private_key FROM signing_keys ORDER BY created_at, id LIMIT 1", logger: logger)
        for try await (id, raw) in rows.decode((String, ByteBuffer).self) {
            return try CertificateSigningKey(id: id, rawPrivateKey: Array(raw.readableBytesView))
        }
        return nil
    }
}

// MARK: - Rows

extension PostgresSaleRepository {
    /// The columns `deliveries(from:)` reads, in its order.
    static let deliveryColumns = "id, tenant_id, lead_id, buyer_id, url, payload, status, attempts, next_attempt_at, created_at"

    /// The deliveries `rows` holds, selected with `deliveryColumns` (in that order).
    static func deliveries(from rows: PostgresRowSequence) async throws -> [Delivery] {
        var deliveries: [Delivery] = []
        for try await (id, tenantID, leadID, buyerID, url, payload, status, attempts, nextAttempt, createdAt) in rows.decode(
            (String, String, String, String, String?, ByteBuffer, String, Int, Int64?, Int64).self
        ) {
            guard let status = Delivery.Status(rawValue: status) else { throw PostgresCorruptRow(table: "deliveries", column: "status", value: status) }
            deliveries.append(
                Delivery(
                    id: id, tenantID: tenantID, leadID: leadID, buyerID: buyerID, url: url, payload: Array(payload.readableBytesView), status: status,
                    attempts: attempts, nextAttemptAtMilliseconds: nextAttempt, createdAtMilliseconds: createdAt
                )
            )
        }
        return deliveries
    }
}
