import LeadEngine
import PostgresNIO

/// Idempotency keys in PostgreSQL; answers as `SQLiteIdempotencyRepository` does.
///
/// Several nodes may see the same key at once, so a claim is one atomic statement: an insert that,
/// on conflict, takes the row over only when it is the same request, never completed, and its
/// claim is stale. PostgreSQL locks the row for that decision, so two takeovers cannot both win.
/// Only when the claim fails is the row read, to say why.
public struct PostgresIdempotencyRepository: IdempotencyRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    public func claim(_ request: IdempotentRequest, nowMilliseconds: Int64, staleAfterMilliseconds: Int64) async throws -> IdempotencyClaim {
        try await self.store.write { connection in
            // A row that disappears between the two statements (abandoned, pruned) is claimed afresh.
            for _ in 0..<3 {
                let claimed = try await connection.query(
                    """
                    INSERT INTO idempotency_keys AS held (tenant_id, endpoint, key, request_hash, status_code, response, locked_at, created_at)
                    VALUES (\(request.tenantID), \(request.endpoint), \(request.key), \(request.fingerprint), NULL, NULL,
                        \(nowMilliseconds), \(nowMilliseconds))
                    ON CONFLICT (tenant_id, endpoint, key) DO UPDATE SET locked_at = excluded.locked_at
                        WHERE held.request_hash = excluded.request_hash AND held.status_code IS NULL
                            AND excluded.locked_at - held.locked_at >= \(staleAfterMilliseconds)
                    RETURNING 1
                    """,
                    logger: self.store.logger
                ).collect()
                if !claimed.isEmpty { return .proceed }

                let rows = try await connection.query(
                    """
                    SELECT request_hash, status_code, response FROM idempotency_keys
                    WHERE tenant_id = \(request.tenantID) AND endpoint = \(request.endpoint) AND key = \(request.key)
                    """,
                    logger: self.store.logger
                )
                for try await (fingerprint, status, response) in rows.decode((String, Int?, ByteBuffer?).self) {
                    guard fingerprint == request.fingerprint else { return .mismatch }
                    if let status { return .replay(status: status, body: response.map { Array($0.readableBytesView) } ?? []) }
                    return .inProgress
                }
            }
            // Claimed and released by others three times over within one claim: report it busy.
            return .inProgress
        }
    }

    public func complete(_ request: IdempotentRequest, status: Int, body: [UInt8]) async throws {
        try await self.store.write { connection in
            _ = try await connection.query(
                """
                UPDATE idempotency_keys SET status_code = \(status), response = \(ByteBuffer(bytes: body))
                WHERE tenant_id = \(request.tenantID) AND endpoint = \(request.endpoint) AND key = \(request.key)
                """,
                logger: self.store.logger
            )
        }
    }

    public func abandon(_ request: IdempotentRequest) async throws {
        try await self.store.write { connection in
            _ = try await connection.query(
                """
                DELETE FROM idempotency_keys
                WHERE tenant_id = \(request.tenantID) AND endpoint = \(request.endpoint) AND key = \(request.key) AND status_code IS NULL
                """,
                logger: self.store.logger
            )
        }
    }

    public func prune(beforeMilliseconds: Int64) async throws -> Int {
        try await self.store.write { connection in
            let rows = try await connection.query(
                "WITH pruned AS (DELETE FROM idempotency_keys WHERE created_at < \(beforeMilliseconds) RETURNING 1) SELECT count(*) FROM pruned",
                logger: self.store.logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
