import Foundation
import GRDB
import LeadEngine

public struct SQLiteDoNotCallStore: DoNotCallStore {
    let database: LeadDatabase

    public init(database: LeadDatabase) {
        self.database = database
    }

    public func list(named name: String) async throws -> DoNotCallList? {
        try await self.database.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dnc_lists WHERE list = ?)", arguments: [name]) == true else { return nil }
            var builder = DoNotCallList.Builder()
            let rows = try Row.fetchCursor(db, sql: "SELECT area_code, numbers FROM dnc_list_areas WHERE list = ? ORDER BY area_code", arguments: [name])
            while let row = try rows.next() {
                let blob: Data = row["numbers"]
                let subscribers = blob.withUnsafeBytes { bytes in
                    stride(from: 0, to: bytes.count, by: 4).map { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: UInt32.self)) }
                }
                builder.insert(areaCode: row["area_code"], subscribers: subscribers)
            }
            return builder.build()
        }
    }

    public func save(_ list: DoNotCallList, named name: String, areaCodes: Set<Int>?, nowMilliseconds: Int64) async throws {
        // Each area code's numbers, ascending, as little-endian UInt32 subscriber numbers.
        var blobs: [Int: [UInt8]] = [:]
        for areaCode in areaCodes.map(Array.init) ?? list.areaCodes {
            let subscribers = list.subscribers(areaCode: areaCode)
            guard !subscribers.isEmpty else { continue }
            var bytes = [UInt8](repeating: 0, count: subscribers.count * 4)
            bytes.withUnsafeMutableBytes { raw in
                for (index, subscriber) in subscribers.enumerated() { raw.storeBytes(of: subscriber.littleEndian, toByteOffset: index * 4, as: UInt32.self) }
            }
            blobs[areaCode] = bytes
        }
        let rows = blobs
        try await self.database.write { db in
            if let areaCodes {
                for areaCode in areaCodes {
                    try db.execute(sql: "DELETE FROM dnc_list_areas WHERE list = ? AND area_code = ?", arguments: [name, areaCode])
                }
            } else {
                try db.execute(sql: "DELETE FROM dnc_list_areas WHERE list = ?", arguments: [name])
            }
            for (areaCode, bytes) in rows {
                try db.execute(
                    sql: "INSERT INTO dnc_list_areas (list, area_code, count, numbers) VALUES (?, ?, ?, ?)",
                    arguments: [name, areaCode, bytes.count / 4, Data(bytes)]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO dnc_lists (list, count, version, imported_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT (list) DO UPDATE SET count = excluded.count, version = version + 1, imported_at = excluded.imported_at
                    """,
                arguments: [name, list.count, nowMilliseconds]
            )
        }
    }

    public func versions() async throws -> [String: Int64] {
        try await self.database.read { db in
            var versions: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT list, version FROM dnc_lists") { versions[row["list"]] = row["version"] }
            return versions
        }
    }

    public func changeInternal(
        tenantID: String, additions: [UInt64], deletions: [UInt64], source: String, nowMilliseconds: Int64
    ) async throws -> (added: Int, removed: Int) {
        try await self.database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tenants WHERE id = ?)", arguments: [tenantID]) == true else {
                throw NotFoundError(entity: "tenant", id: tenantID)
            }
            var added = 0
            var removed = 0
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO internal_dnc (tenant_id, phone, source, created_at) VALUES (?, ?, ?, ?)")
            for number in additions {
                try insert.execute(arguments: [tenantID, "+1\(number)", source, nowMilliseconds])
                added += db.changesCount
            }
            let delete = try db.cachedStatement(sql: "DELETE FROM internal_dnc WHERE tenant_id = ? AND phone = ?")
            for number in deletions {
                try delete.execute(arguments: [tenantID, "+1\(number)"])
                removed += db.changesCount
            }
            return (added, removed)
        }
    }

    public func isOnInternalDoNotCall(tenantID: String, phone: String) async throws -> Bool {
        try await self.database.read { db in
            // Every post and inbound lead asks: a cached statement, not a parse each time.
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM internal_dnc WHERE tenant_id = ? AND phone = ?)"), arguments: [tenantID, phone]
            ) ?? false
        }
    }
}
