import ArgumentParser
import Foundation
import LeadEngine
import LeadStore

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tenant", abstract: "Manage tenants.", subcommands: [Create.self, List.self, PostalAddress.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant with a standard, an admin and a compliance key.")

        @Argument(help: "The tenant's name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let provisioned = try await CommandOutput.reportingErrors {
                try await self.store.withTenancy(createIfMissing: true) { try await $0.createTenant(name: self.name) }
            }
            CommandOutput.emit(try CommandOutput.json(TenantCreated(provisioned)))
        }
    }

    struct PostalAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "postal-address", abstract: "Set the postal address every email of the tenant carries (CAN-SPAM); email steps wait for it."
        )

        @Option(help: "The tenant's id (ten_…).") var tenant: String
        @Argument(help: "The address, e.g. \"Acme Legal, 100 Main St, Las Vegas, NV 89101\".") var address: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await CommandOutput.reportingErrors {
                try await self.store.withTenancy { try await $0.setPostalAddress(self.address, tenantID: self.tenant) }
            }
            CommandOutput.emit(try CommandOutput.json(["tenant_id": self.tenant, "postal_address": self.address.trimmingCharacters(in: .whitespacesAndNewlines)]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants with their live keys counted by role; never secrets.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tenants = try await CommandOutput.reportingErrors {
                try await self.store.withTenancy { try await $0.tenants() }
            }
            CommandOutput.emit(try CommandOutput.json(["items": tenants.map(TenantListing.init)]))
        }
    }
}

/// A tenant as `tenant list` shows it; every role is counted, zero included.
struct TenantListing: Encodable {
    var id: String
    var name: String
    var createdAt: Date
    var activeKeys: [String: Int]

    init(_ summary: TenantSummary) {
        self.id = summary.tenant.id
        self.name = summary.tenant.name
        self.createdAt = summary.tenant.createdAt
        self.activeKeys = Dictionary(uniqueKeysWithValues: KeyRole.allCases.map { ($0.rawValue, summary.activeKeys[$0] ?? 0) })
    }

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt = "created_at", activeKeys = "active_keys"
    }
}
