import Foundation
import Synchronization
import LeadEngine
import Testing

@testable import LeadStore

@Suite("Sending domains in SQLite: one name per tenant, checks read back whole, the private key kept apart")
struct SQLiteSendingDomainRepositoryTests {
    static func domain(_ id: String, tenant: String, name: String = "mail.acme.com", offset: Int64 = 0) -> SendingDomain {
        SendingDomain(id: id, tenantID: tenant, name: DomainName(ascii: name), dkimPublicKey: "MIIBkey\(id)", createdAt: Times.at(offset))
    }

    @Test("insert, read, list, a second insert of the name refused, a check recorded and read back, delete")
    func lifecycle() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_a", "ten_b"], into: database)
            let repository = SQLiteSendingDomainRepository(database: database)
            #expect(try await repository.insert(Self.domain("dom_1", tenant: "ten_a"), privateKeyPEM: "PEM1"))
            #expect(try await !repository.insert(Self.domain("dom_2", tenant: "ten_a"), privateKeyPEM: "PEM2"))
            #expect(try await repository.insert(Self.domain("dom_3", tenant: "ten_b"), privateKeyPEM: "PEM3"))
            #expect(try await repository.insert(Self.domain("dom_4", tenant: "ten_a", name: "news.acme.com", offset: 10), privateKeyPEM: "PEM4"))
            #expect(try await repository.domain(id: "dom_1", tenantID: "ten_a") == Self.domain("dom_1", tenant: "ten_a"))
            #expect(try await repository.domain(id: "dom_1", tenantID: "ten_b") == nil)
            let page = try await repository.domains(tenantID: "ten_a", page: PageRequest(page: 1, perPage: 10))
            #expect(page.items.map(\.id) == ["dom_4", "dom_1"] && page.total == 2)

            var checked = Self.domain("dom_3", tenant: "ten_b")
            checked.status = .verified
            checked.spfValid = true
            checked.dkimValid = true
            checked.dmarcValid = true
            checked.checks = [DomainCheck(record: .spf, name: "mail.acme.com", outcome: .pass, found: ["v=spf1 a mx ~all"])]
            checked.checkedAt = Times.at(100)
            checked.verifiedAt = Times.at(100)
            #expect(try await repository.recordCheck(checked))
            #expect(try await repository.domain(id: "dom_3", tenantID: "ten_b") == checked)
            #expect(try await repository.isVerified(DomainName(ascii: "mail.acme.com"), byTenantOtherThan: "ten_a"))
            #expect(try await !repository.isVerified(DomainName(ascii: "mail.acme.com"), byTenantOtherThan: "ten_b"))
            #expect(try await repository.verifiedDomains(checkedBefore: Times.at(101), limit: 10).map(\.id) == ["dom_3"])
            #expect(try await repository.verifiedDomains(checkedBefore: Times.at(100), limit: 10).isEmpty)

            #expect(try await repository.delete(id: "dom_1", tenantID: "ten_b") == nil)
            #expect(try await repository.delete(id: "dom_1", tenantID: "ten_a")?.id == "dom_1")
            #expect(try await repository.domain(id: "dom_1", tenantID: "ten_a") == nil)
            // The name is free again in that tenant.
            #expect(try await repository.insert(Self.domain("dom_5", tenant: "ten_a"), privateKeyPEM: "PEM5"))
        }
    }

    /// Counts the keys made; a fixed pair, since the count is the point.
    final class CountingKeys: DKIMKeySource {
        let made = Mutex(0)
        func makeKey() throws -> DKIMKeyPair {
            self.made.withLock { $0 += 1 }
            return DKIMKeyPair(privateKeyPEM: "PEM", publicKey: "MIIBkey")
        }
    }

    struct NoRecords: TXTResolver {
        func txtRecords(at name: String) async -> TXTLookup { .nonexistent }
    }

    @Test("a name the tenant already has is refused before a key is made: a key costs the better part of a second of CPU")
    func duplicateMakesNoKey() async throws {
        try await withTemporaryDatabase { database in
            try await Fixtures.insertTenants(["ten_a", "ten_b"], into: database)
            let repository = SQLiteSendingDomainRepository(database: database)
            let keys = CountingKeys()
            let registry = DomainRegistry(
                repository: repository, verifier: DomainVerifier(resolver: NoRecords(), suffixes: .defaultRuleOnly, spfInclude: nil),
                spfInclude: nil, keys: keys, clock: ManualClock()
            )
            _ = try await registry.register("mail.acme.com", tenantID: "ten_a")
            #expect(try await repository.isRegistered(DomainName(ascii: "mail.acme.com"), tenantID: "ten_a"))
            #expect(try await !repository.isRegistered(DomainName(ascii: "mail.acme.com"), tenantID: "ten_b"))
            let error = await #expect(throws: ConflictError.self) { try await registry.register("MAIL.acme.com", tenantID: "ten_a") }
            #expect(error?.code == "domain_exists")
            #expect(keys.made.withLock { $0 } == 1)
            _ = try await registry.register("mail.acme.com", tenantID: "ten_b")
            #expect(keys.made.withLock { $0 } == 2)
        }
    }
}
