import Foundation
import LeadEngine
import PostgresNIO

/// The do-not-call lists in PostgreSQL; behaves as `SQLiteDoNotCallStore` does.
///
/// A federal or state list is one row per area code holding its sorted subscriber numbers (at most
/// 800 rows, the largest 32 MB), so saving the federal registry moves about a gigabyte in a few
/// hundred rows. `save` sends them as multi-row `INSERT … SELECT … FROM unnest(…)` statements of
/// about 16 MB each, the blobs bound as a binary `bytea[]`, built batch by batch so no more than one
/// batch is held beside the list. Not `COPY FROM STDIN`: PostgresNIO 1.33.2 has it, but only in text
/// format, where every blob byte travels as two hex digits for the server to decode; with a few
/// hundred rows, the per-row cost `COPY` saves is nothing next to that. A tenant's internal list is
/// one row per number: its changes go 5,000 numbers a statement, as text arrays, with
/// `ON CONFLICT DO NOTHING` counting what was new (which `COPY` cannot do).
public struct PostgresDoNotCallStore: DoNotCallStore {
    let store: PostgresStore

    /// About this many blob bytes in one `INSERT` of a list's area codes.
    static let batchBytes = 16 << 20
    /// Numbers in one statement changing a tenant's internal list.
    static let internalBatch = 5_000

    public init(store: PostgresStore) {
        self.store = store
    }

    public func list(named name: String) async throws -> DoNotCallList? {
        try await self.store.read { connection in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM dnc_lists WHERE list = \(name)", logger: self.store.logger) {
                exists = true
            }
            guard exists else { return nil }
            var builder = DoNotCallList.Builder()
            // Streamed: one area code's row at a time.
            let rows = try await connection.query(
                "SELECT area_code, numbers FROM dnc_list_areas WHERE list = \(name) ORDER BY area_code", logger: self.store.logger
            )
            for try await (areaCode, numbers) in rows.decode((Int, ByteBuffer).self) {
                builder.insert(areaCode: areaCode, subscribers: Self.subscribers(numbers))
            }
            return builder.build()
        }
    }

    /// The list's row in `dnc_lists` is written first: its row lock makes a second save of the same
    /// list (another node importing) wait for this one to commit, then replace what it wrote,
    /// instead of both deleting the old rows and colliding on the new ones.
    public func save(_ list: DoNotCallList, named name: String, areaCodes: Set<Int>?, nowMilliseconds: Int64) async throws {
        let written = areaCodes.map { $0.sorted() } ?? list.areaCodes
        try await self.store.write { connection in
            try await connection.query(
                """
                INSERT INTO dnc_lists (list, count, version, imported_at) VALUES (\(name), \(list.count), 1, \(nowMilliseconds))
                ON CONFLICT (list) DO UPDATE SET count = excluded.count, version = dnc_lists.version + 1, imported_at = excluded.imported_at
                """,
                logger: self.store.logger
            )
            if let areaCodes {
                try await connection.query(
                    "DELETE FROM dnc_list_areas WHERE list = \(name) AND area_code = ANY(\(areaCodes.sorted()))", logger: self.store.logger
                )
            } else {
                try await connection.query("DELETE FROM dnc_list_areas WHERE list = \(name)", logger: self.store.logger)
            }
            var batch = AreaBatch()
            for areaCode in written {
                let subscribers = list.subscribers(areaCode: areaCode)
                guard !subscribers.isEmpty else { continue }
                batch.append(areaCode: areaCode, subscribers: subscribers)
                if batch.bytes >= Self.batchBytes {
                    try await self.insert(batch, list: name, on: connection)
                    batch = AreaBatch()
                }
            }
            if !batch.areaCodes.isEmpty { try await self.insert(batch, list: name, on: connection) }
        }
    }

    public func versions() async throws -> [String: Int64] {
        try await self.store.read { connection in
            var versions: [String: Int64] = [:]
            let rows = try await connection.query("SELECT list, version FROM dnc_lists", logger: self.store.logger)
            for try await (list, version) in rows.decode((String, Int64).self) { versions[list] = version }
            return versions
        }
    }

    public func changeInternal(
        tenantID: String, additions: [UInt64], deletions: [UInt64], source: String, nowMilliseconds: Int64
    ) async throws -> (added: Int, removed: Int) {
        try await self.store.write { connection in
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM tenants WHERE id = \(tenantID)", logger: self.store.logger) {
                exists = true
            }
            guard exists else { throw NotFoundError(entity: "tenant", id: tenantID) }
            var added = 0
            var removed = 0
            // Additions first, then deletions, as SQLite does them; a number repeated counts once.
            for start in stride(from: 0, to: additions.count, by: Self.internalBatch) {
                let phones = additions[start..<min(start + Self.internalBatch, additions.count)].map { "+1\($0)" }
                added += try await Self.count(
                    connection.query(
                        """
                        WITH added AS (
                            INSERT INTO internal_dnc (tenant_id, phone, source, created_at)
                            SELECT \(tenantID), number.phone, \(source), \(nowMilliseconds) FROM unnest(\(phones)) AS number(phone)
                            ON CONFLICT (tenant_id, phone) DO NOTHING
                            RETURNING 1
                        )
                        SELECT count(*) FROM added
                        """,
                        logger: self.store.logger
                    )
                )
            }
            for start in stride(from: 0, to: deletions.count, by: Self.internalBatch) {
                let phones = deletions[start..<min(start + Self.internalBatch, deletions.count)].map { "+1\($0)" }
                removed += try await Self.count(
                    connection.query(
                        """
                        WITH removed AS (DELETE FROM internal_dnc WHERE tenant_id = \(tenantID) AND phone = ANY(\(phones)) RETURNING 1)
                        SELECT count(*) FROM removed
                        """,
                        logger: self.store.logger
                    )
                )
            }
            return (added, removed)
        }
    }

    /// Every post and inbound lead asks: one prepared statement on a pooled connection, without the
    /// `BEGIN`/`COMMIT` a read snapshot would add (one statement is its own snapshot).
    public func isOnInternalDoNotCall(tenantID: String, phone: String) async throws -> Bool {
        try await self.store.guarded(writing: false) {
            var listed = false
            for try await value in try await self.store.client.execute(InternalListed(tenantID: tenantID, phone: phone), logger: self.store.logger) {
                listed = value
            }
            return listed
        }
    }

    /// Area codes' rows for one `INSERT`.
    private struct AreaBatch {
        var areaCodes: [Int] = []
        var counts: [Int] = []
        var blobs: [ByteBuffer] = []
        var bytes = 0

        /// Adds an area code's numbers, ascending, as little-endian UInt32s (SQLite's blob).
        mutating func append(areaCode: Int, subscribers: [UInt32]) {
            let size = subscribers.count * 4
            var blob = ByteBufferAllocator().buffer(capacity: size)
            blob.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
                for (index, subscriber) in subscribers.enumerated() {
                    raw.storeBytes(of: subscriber.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                }
                return size
            }
            self.areaCodes.append(areaCode)
            self.counts.append(subscribers.count)
            self.blobs.append(blob)
            self.bytes += size
        }
    }

    private func insert(_ batch: AreaBatch, list name: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO dnc_list_areas (list, area_code, count, numbers)
            SELECT \(name), area.code, area.count, area.numbers FROM unnest(\(batch.areaCodes), \(batch.counts), \(batch.blobs)) AS area(code, count, numbers)
            """,
            logger: self.store.logger
        )
    }

    /// A blob's little-endian UInt32 subscriber numbers.
    private static func subscribers(_ blob: ByteBuffer) -> [UInt32] {
        blob.withUnsafeReadableBytes { bytes in
            stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: UInt32.self)) }
        }
    }

    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await value in rows.decode(Int.self) { count = value }
        return count
    }

    /// Whether the tenant's internal list holds the number.
    private struct InternalListed: PostgresPreparedStatement {
        typealias Row = Bool
        static let sql = "SELECT EXISTS (SELECT 1 FROM internal_dnc WHERE tenant_id = $1 AND phone = $2)"

        var tenantID: String
        var phone: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(self.tenantID)
            bindings.append(self.phone)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Bool {
            try row.decode(Bool.self)
        }
    }
}
