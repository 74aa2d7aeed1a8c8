import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage API keys.", subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once.")

        @Option(help: "The tenant id.") var tenant: String
        @Option(help: "standard, admin or compliance.") var role: String
        @Option(help: "Requests a minute (and burst), 1 to 100,000,000; default 100.") var rateLimitPerMinute: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = KeyRole(rawValue: self.role) else {
                throw ArgumentParser.ValidationError("--role must be standard, admin or compliance")
            }
            let issued = try await CommandOutput.reportingErrors {
                try await self.store.withTenancy { try await $0.createKey(tenantID: self.tenant, role: role, rateLimitPerMinute: self.rateLimitPerMinute) }
            }
            CommandOutput.emit(try CommandOutput.json(KeyCreated(issued)))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; a running server refuses it within a second.")

        @Argument(help: "The key id (key_…), as `key list` shows it.") var keyID: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let key = try await CommandOutput.reportingErrors {
                try await self.store.withTenancy { try await $0.revokeKey(id: self.keyID) }
            }
            CommandOutput.emit(try CommandOutput.json(KeyListing(key)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's keys, without secrets.")

        @Option(help: "The tenant id.") var tenant: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let keys = try await CommandOutput.reportingErrors {
                try await self.store.withTenancy { try await $0.keys(tenantID: self.tenant) }
            }
            CommandOutput.emit(try CommandOutput.json(["items": keys.map(KeyListing.init)]))
        }
    }
}
