import Foundation
import GRDB
import LeadEngine

/// An online copy of a database, safe beside a running server, checked before it is trusted.
///
/// SQLite's backup API copies every page in one read transaction: the copy is the database as of
/// the moment that transaction began, so it holds every commit acknowledged before then (posts
/// commit before they answer). The server keeps writing meanwhile (WAL readers never block the
/// writer). The copy is made beside the target and renamed over it only once it has passed.
public enum DatabaseBackup {
    /// Tables counted in the report, so an operator sees at a glance that the copy is not empty.
    static let countedTables = ["tenants", "buyers", "campaigns", "leads", "sales", "consent_certificates", "ledger_entries"]

    public struct Report: Sendable {
        /// Where the copy is: the target when it passed, the `.partial` file beside it when not.
        public var path: String
        public var bytes: Int64
        /// `PRAGMA integrity_check`'s answer: `ok`, or the first problems found.
        public var integrity: [String]
        public var ledger: LedgerVerification
        public var counts: [String: Int]

        public var passed: Bool { self.integrity == ["ok"] && self.ledger.mismatches.isEmpty }
    }

    /// The target exists and `replacing` was not asked for.
    public struct TargetExists: Error, CustomStringConvertible {
        public let path: String

        public var description: String { "\(self.path) exists; pass --force to replace it" }
    }

    /// `copy` on a dispatch thread: it is blocking file I/O, as long as the database is big.
    public static func make(from source: String, to target: String, replacing: Bool) async throws -> Report {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.copy(from: source, to: target, replacing: replacing) })
            }
        }
    }

    /// Copies the database at `source` to `target` and verifies the copy. Blocking file I/O.
    public static func copy(from source: String, to target: String, replacing: Bool) throws -> Report {
        try LeadDatabase.requireExisting(at: source)
        let target = LeadDatabase.absolutePath(target)
        // A journal or WAL left beside the target would be replayed into the copy when it is opened.
        let sidecars = ["-journal", "-wal", "-shm"].map { target + $0 }
        if !replacing, let existing = ([target] + sidecars).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw TargetExists(path: existing)
        }
        let partial = target + ".partial"
        for path in [partial] + ["-journal", "-wal", "-shm"].map({ partial + $0 }) { try? FileManager.default.removeItem(atPath: path) }

        try Self.copyPages(from: source, to: partial)
        try Self.makeSelfContained(partial)
        var report = try Self.verify(partial)
        guard report.passed else { return report }
        for path in sidecars { try? FileManager.default.removeItem(atPath: path) }
        guard rename(partial, target) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        report.path = target
        return report
    }

    private static func copyPages(from source: String, to destination: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let from = try DatabaseQueue(path: source, configuration: configuration)
        let to = try DatabaseQueue(path: destination)
        try from.backup(to: to)
        try to.close()
        try from.close()
    }

    /// The pages carry the source's WAL flag; a rollback-journal copy is one file, nothing beside it.
    private static func makeSelfContained(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
    }

    private static func verify(_ path: String) throws -> Report {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        let report = try queue.read { db in
            Report(
                path: path,
                bytes: 0,
                integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check(10)"),
                ledger: try SQLiteLedgerRepository.verify(db),
                counts: try Dictionary(
                    uniqueKeysWithValues: Self.countedTables.map { table in (table, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0) }
                )
            )
        }
        try queue.close()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return Report(path: report.path, bytes: size, integrity: report.integrity, ledger: report.ledger, counts: report.counts)
    }
}
