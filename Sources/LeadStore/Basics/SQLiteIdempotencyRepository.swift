import Foundation
import GRDB
import LeadEngine

public struct SQLiteIdempotencyRepository: IdempotencyRepository {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func claim(_ request: IdempotentRequest, nowMilliseconds: Int64, staleAfterMilliseconds: Int64) async throws -> IdempotencyClaim {
        try await self.database.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM idempotency_keys WHERE tenant_id = ? AND endpoint = ? AND key = ?",
                arguments: [request.tenantID, request.endpoint, request.key]
            )
            guard let row else {
                try db.execute(
                    sql: """
                        INSERT INTO idempotency_keys (tenant_id, endpoint, key, request_hash, status_code, response, locked_at, created_at)
                        VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)
                        """,
                    arguments: [request.tenantID, request.endpoint, request.key, request.fingerprint, nowMilliseconds, nowMilliseconds]
                )
                return .proceed
            }
            guard (row["request_hash"] as String) == request.fingerprint else { return .mismatch }
            if let status: Int = row["status_code"] {
                let body: Data = row["response"] ?? Data()
                return .replay(status: status, body: Array(body))
            }
            guard nowMilliseconds - (row["locked_at"] as Int64) >= staleAfterMilliseconds else { return .inProgress }
            try db.execute(
                sql: "UPDATE idempotency_keys SET locked_at = ? WHERE tenant_id = ? AND endpoint = ? AND key = ?",
                arguments: [nowMilliseconds, request.tenantID, request.endpoint, request.key]
            )
            return .proceed
        }
    }

    public func complete(_ request: IdempotentRequest, status: Int, body: [UInt8]) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: "UPDATE idempotency_keys SET status_code = ?, response = ? WHERE tenant_id = ? AND endpoint = ? AND key = ?",
                arguments: [status, Data(body), request.tenantID, request.endpoint, request.key]
            )
        }
    }

    public func abandon(_ request: IdempotentRequest) async throws {
        try await self.database.write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE tenant_id = ? AND endpoint = ? AND key = ? AND status_code IS NULL",
                arguments: [request.tenantID, request.endpoint, request.key]
            )
        }
    }

    public func prune(beforeMilliseconds: Int64) async throws -> Int {
        try await self.database.write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [beforeMilliseconds])
            return db.changesCount
        }
    }
}
