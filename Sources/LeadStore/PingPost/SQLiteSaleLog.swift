import Foundation
import GRDB
import LeadEngine
import LeadStoreRecords

/// The sale log in SQLite: a post's commit appends one row to `sale_log` (a B-tree append: a
/// batch of grouped sales shares a few pages and one fsync), and a fold fills the lead,
/// certificate, events, sale, ledger and delivery rows from it behind the answer.
///
/// A fold commits with `synchronous=NORMAL`: it is not fsynced itself, because the log row it
/// removes goes in the same transaction. If the machine loses the fold, it loses the removal too,
/// and the sale is folded again; the next post's commit (`FULL`) fsyncs the WAL and every frame before it.
public struct SQLiteSaleLog: SaleLog {
    let database: LeadDatabase
    private let appends: GroupCommit<[UInt8], Int64>

    public init(database: LeadDatabase) {
        self.database = database
        self.appends = GroupCommit(writer: database.writer) { record, db in
            try db.executeCached(sql: "INSERT INTO sale_log (record) VALUES (?)", arguments: [Data(record)])
            return db.lastInsertedRowID
        }
    }

    public func append(_ sale: SaleRecord) async throws -> Int64 {
        // Encoded here, on the caller's thread, not on the writer's, which every commit waits for.
        let record = SaleLogRecord.encode(sale)
        return try await self.database.guarded(writing: true) { try await self.appends.commit(record) }
    }

    public func materialise(limit: Int) async throws -> SaleLogFold {
        try await self.database.writeWithoutSync { db in try Self.fold(limit: limit, db) }
    }

    public func backlog() async throws -> Int {
        try await self.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sale_log") ?? 0 }
    }

    private static func fold(limit: Int, _ db: Database) throws -> SaleLogFold {
        var fold = SaleLogFold(materialised: 0, through: nil)
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT position, record FROM sale_log ORDER BY position LIMIT ?"), arguments: [limit])
        for row in rows {
            let position: Int64 = row["position"]
            let record: Data = row["record"]
            var leadID: String?
            do {
                let sale = try SaleLogRecord.decode(Array(record))
                leadID = sale.lead.id
                try db.inSavepoint {
                    try SQLiteSaleRepository.insert(sale, db)
                    return .commit
                }
                fold.materialised += 1
            } catch where LeadDatabase.storageFailure(error) == nil {
                // The disk is fine and the tables said no: kept aside with the reason, not retried
                // forever ahead of every later sale, and never dropped.
                let reason = String(describing: error)
                try db.executeCached(
                    sql: "INSERT INTO sale_log_refused (position, record, reason, refused_at) VALUES (?, ?, ?, ?)",
                    arguments: [position, record, reason, Date().epochMilliseconds]
                )
                fold.refused.append(RefusedSale(position: position, leadID: leadID, reason: reason))
            }
            fold.through = position
        }
        if let through = fold.through {
            try db.executeCached(sql: "DELETE FROM sale_log WHERE position <= ?", arguments: [through])
        }
        return fold
    }
}
