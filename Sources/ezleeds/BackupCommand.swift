import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database, also while a server runs, and verify the copy; exits 1 if the copy fails verification.",
        discussion: """
            The copy holds everything committed before the backup began (every lead and sale already answered) and is \
            one self-contained file. It is checked with PRAGMA integrity_check and the same check as `ezleeds ledger \
            verify` before it replaces --to; a copy that fails is left at --to's path plus .partial. To restore: stop \
            the server, copy the backup over the database file, remove the database's -wal and -shm files, start.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("to"), help: "Path of the copy.") var target: String
    @Flag(help: "Replace --to if it exists.") var force = false

    func run() async throws {
        let started = ContinuousClock.now
        let report = try await CommandOutput.reportingErrors {
            guard case .sqlite(let path) = self.store.location else {
                throw CommandOutput.failure(
                    "a PostgreSQL store is backed up with PostgreSQL's own tools: pg_dump --format=custom --file=\(self.target) '<the --store URL>' "
                        + "(consistent while nodes run), restored with pg_restore; then `ezleeds ledger verify --store …`"
                )
            }
            try self.store.requireExisting()
            return try await DatabaseBackup.make(from: path, to: self.target, replacing: self.force)
        }
        let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
        CommandOutput.emit(try CommandOutput.json(BackupOutput(report, milliseconds: milliseconds)))
        if !report.passed { throw ExitCode(1) }
    }

    struct BackupOutput: Encodable {
        var ok: Bool
        var path: String
        var bytes: Int64
        var durationMs: Int
        var integrityCheck: [String]
        var ledger: LedgerCommand.LedgerReport
        var counts: [String: Int]

        init(_ report: DatabaseBackup.Report, milliseconds: Int) {
            self.ok = report.passed
            self.path = report.path
            self.bytes = report.bytes
            self.durationMs = milliseconds
            self.integrityCheck = report.integrity
            self.ledger = LedgerCommand.LedgerReport(report.ledger)
            self.counts = report.counts
        }

        enum CodingKeys: String, CodingKey {
            case ok, path, bytes
            case durationMs = "duration_ms"
            case integrityCheck = "integrity_check"
            case ledger, counts
        }
    }
}
