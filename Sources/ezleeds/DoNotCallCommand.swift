import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct DoNotCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dnc", abstract: "Manage do-not-call lists.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an FTC do-not-call file: a full list replaces the list, --changes adds and deletes.",
            discussion: """
                Lines are 10-digit numbers (7025551234) or area code and number (702,5551234); blank lines are skipped \
                and invalid ones counted. A change list (--changes) flags each line A (add) or D (delete): A,7025551234 \
                or 702,5551234,A. Importing the same file again leaves the same list. A running server picks the list \
                up within 5 seconds; look-ups never wait for an import.
                """
        )

        @Option(help: "federal, state:XX (a state's own list) or internal (a tenant's, with --tenant).") var list: String
        @Option(help: "The tenant, for --list internal.") var tenant: String?
        @Flag(help: "The file is a change list (A/D per line), not a full list.") var changes = false
        @Argument(help: "The file to import.") var file: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let target = DoNotCallListTarget.parse(self.list, tenantID: self.tenant) else {
                throw ArgumentParser.ValidationError("--list must be federal, state:XX (a state code) or internal with --tenant")
            }
            try await CommandOutput.reportingErrors { try self.store.requireExisting() }
            guard let handle = FileHandle(forReadingAtPath: self.file) else {
                throw ArgumentParser.ValidationError("cannot read \(self.file)")
            }
            let started = ContinuousClock.now
            var parser = DoNotCallFileParser(mode: self.changes ? .changes : .additions)
            // A full federal or state list is built as it streams, 4 bytes a number at most.
            let buildsAsItStreams = !self.changes && target.storedName != nil
            var builder = DoNotCallList.Builder()
            var nextProgress = 1_000_000
            // Streams a megabyte at a time; progress goes to stderr so stdout stays one JSON object.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { parser.consume($0) }
                if buildsAsItStreams { builder.insert(contentsOf: parser.takeNumbers().additions) }
                if parser.report.lines >= nextProgress {
                    FileHandle.standardError.write(Data("  \(parser.report.lines) lines read\n".utf8))
                    nextProgress += 1_000_000
                }
            }
            try handle.close()
            parser.finish()
            if buildsAsItStreams { builder.insert(contentsOf: parser.takeNumbers().additions) }
            let list = buildsAsItStreams ? builder.build() : nil
            let report = try await CommandOutput.reportingErrors {
                try await self.store.withStore { store in
                    let importer = DoNotCallImport(store: store.doNotCall, clock: SystemClock())
                    if let list { return try await importer.replace(target, with: list, parse: parser.report) }
                    return try await importer.apply(&parser, to: target, changes: self.changes)
                }
            }
            let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
            CommandOutput.emit(try CommandOutput.json(ImportOutput(report, milliseconds: milliseconds)))
        }
    }

    struct ImportOutput: Encodable {
        var list: String
        var changes: Bool
        var lines: Int
        var accepted: Int
        var invalid: Int
        var firstInvalidLines: [Int]
        var added: Int?
        var removed: Int?
        var countBefore: Int?
        var countAfter: Int?
        var durationMs: Int

        init(_ report: DoNotCallImportReport, milliseconds: Int) {
            self.list = report.list
            self.changes = report.changes
            self.lines = report.parse.lines
            self.accepted = report.parse.accepted
            self.invalid = report.parse.invalid
            self.firstInvalidLines = report.parse.firstInvalidLines
            self.added = report.added
            self.removed = report.removed
            self.countBefore = report.countBefore
            self.countAfter = report.countAfter
            self.durationMs = milliseconds
        }

        enum CodingKeys: String, CodingKey {
            case list, changes, lines, accepted, invalid
            case firstInvalidLines = "first_invalid_lines"
            case added, removed
            case countBefore = "count_before"
            case countAfter = "count_after"
            case durationMs = "duration_ms"
        }
    }
}
