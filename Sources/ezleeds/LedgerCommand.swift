import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Check the billing ledger.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every account's balance equals the sum of its ledger entries; exits 1 if any does not."
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let verification = try await CommandOutput.reportingErrors {
                try await self.store.withStore { try await $0.ledger.verify() }
            }
            CommandOutput.emit(try CommandOutput.json(LedgerReport(verification)))
            if !verification.mismatches.isEmpty { throw ExitCode(1) }
        }
    }

    struct LedgerReport: Encodable {
        var ok: Bool
        var accountsChecked: Int
        var entriesChecked: Int
        var mismatches: [String]

        init(_ verification: LedgerVerification) {
            self.ok = verification.mismatches.isEmpty
            self.accountsChecked = verification.accountsChecked
            self.entriesChecked = verification.entriesChecked
            self.mismatches = verification.mismatches.map(\.description)
        }

        enum CodingKeys: String, CodingKey {
            case ok
            case accountsChecked = "accounts_checked"
            case entriesChecked = "entries_checked"
            case mismatches
        }
    }
}
