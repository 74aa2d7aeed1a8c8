import Foundation
import GRDB
import LeadEngine

/// How values the schema keeps as text or integers are written and read.
enum ColumnCoding {
    static func json(_ strings: [String]) -> String {
        // Encoding an array of strings cannot fail.
        (try? String(decoding: JSONEncoder().encode(strings), as: UTF8.self)) ?? "[]"
    }

    static func strings(fromJSON text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    static func milliseconds(_ date: Date) -> Int64 { date.epochMilliseconds }

    static func date(_ milliseconds: Int64) -> Date { Date(epochMilliseconds: milliseconds) }
}

/// A stored value the domain cannot read back: a schema or data defect, never user input.
struct CorruptRowError: Error, CustomStringConvertible {
    var table: String
    var column: String
    var value: String

    var description: String { "unreadable \(self.table).\(self.column): \(self.value)" }
}

extension Row {
    func required<T: RawRepresentable>(_ type: T.Type, _ column: String, table: String) throws -> T where T.RawValue == String {
        let raw: String = self[column]
        guard let value = T(rawValue: raw) else { throw CorruptRowError(table: table, column: column, value: raw) }
        return value
    }
}

/// SQL for one page of a tenant's rows plus the total, shared by every listing.
struct PagedQuery {
    var table: String
    var conditions: [String] = ["tenant_id = ?"]
    var arguments: StatementArguments

    init(table: String, tenantID: String) {
        self.table = table
        self.arguments = [tenantID]
    }

    mutating func filter(_ condition: String, _ value: some DatabaseValueConvertible) {
        self.conditions.append(condition)
        self.arguments += [value]
    }

    func fetch(_ db: Database, page: PageRequest) throws -> (rows: [Row], total: Int) {
        let whereClause = self.conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(self.table) WHERE \(whereClause)", arguments: self.arguments) ?? 0
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM \(self.table) WHERE \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            arguments: self.arguments + [page.perPage, page.offset]
        )
        return (rows, total)
    }

    /// The next `limit` rows after `after`, oldest first: keyset paging for exports, which reads
    /// each row once however deep it goes.
    func fetchBatch(_ db: Database, after: ExportCursor?, limit: Int) throws -> [Row] {
        var conditions = self.conditions
        var arguments = self.arguments
        if let after {
            // A row value, which SQLite reads as one range of the (tenant_id, created_at, id) index.
            conditions.append("(created_at, id) > (?, ?)")
            arguments += [after.createdAtMilliseconds, after.id]
        }
        return try Row.fetchAll(
            db, sql: "SELECT * FROM \(self.table) WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at, id LIMIT ?",
            arguments: arguments + [limit]
        )
    }
}

extension Database {
    /// Runs a statement compiled once per connection and kept: for the writes every lead and sale
    /// makes, where compiling (and authorising) the SQL each time costs more than running it.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try self.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
