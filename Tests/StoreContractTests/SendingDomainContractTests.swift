import Foundation
import LeadEngine
import Testing

@Suite("Store contract: sending domains")
struct SendingDomainContractTests {
    static func domain(_ id: String, tenantID: String = "ten_1", name: String = "mail.acme.com", offset: Int64 = 0) -> SendingDomain {
        SendingDomain(id: id, tenantID: tenantID, name: DomainName(ascii: name), dkimPublicKey: "MIIBkey\(id)", createdAt: Times.at(offset))
    }

    static func verified(_ domain: SendingDomain, at offset: Int64) -> SendingDomain {
        var checked = domain
        checked.status = .verified
        checked.spfValid = true
        checked.dkimValid = true
        checked.dmarcValid = true
        checked.checks = [
            DomainCheck(record: .spf, name: domain.name.ascii, outcome: .pass, found: ["v=spf1 a mx ~all"]),
            DomainCheck(record: .dmarc, name: "_dmarc.acme.com", outcome: .fail, found: [], reason: "no record \"quoted\""),
        ]
        checked.checkedAt = Times.at(offset)
        checked.verifiedAt = Times.at(offset)
        return checked
    }

    @Test("one name per tenant; a check is recorded and read back whole; the key stays apart; delete frees the name", arguments: StoreUnderTest.all)
    func lifecycle(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let domains = s.domains
            #expect(try await domains.insert(Self.domain("dom_1"), privateKeyPEM: "PEM1"))
            #expect(try await !domains.insert(Self.domain("dom_2"), privateKeyPEM: "PEM2"))
            #expect(try await domains.domain(id: "dom_2", tenantID: "ten_1") == nil)
            #expect(try await domains.insert(Self.domain("dom_3", tenantID: "ten_2"), privateKeyPEM: "PEM3"))
            #expect(try await domains.insert(Self.domain("dom_4", name: "news.acme.com", offset: 10), privateKeyPEM: "PEM4"))
            #expect(try await domains.domain(id: "dom_1", tenantID: "ten_1") == Self.domain("dom_1"))
            #expect(try await domains.domain(id: "dom_1", tenantID: "ten_2") == nil)
            let page = try await domains.domains(tenantID: "ten_1", page: PageRequest(page: 1, perPage: 10))
            #expect(page.items.map(\.id) == ["dom_4", "dom_1"] && page.total == 2)
            #expect(try await domains.isRegistered(DomainName(ascii: "mail.acme.com"), tenantID: "ten_1"))
            #expect(try await !domains.isRegistered(DomainName(ascii: "other.acme.com"), tenantID: "ten_1"))
            #expect(try await domains.dkimPrivateKey(domainID: "dom_1", tenantID: "ten_1") == "PEM1")
            #expect(try await domains.dkimPrivateKey(domainID: "dom_1", tenantID: "ten_2") == nil)

            let checked = Self.verified(Self.domain("dom_3", tenantID: "ten_2"), at: 100)
            #expect(try await domains.recordCheck(checked))
            #expect(try await domains.domain(id: "dom_3", tenantID: "ten_2") == checked)
            #expect(try await domains.isVerified(DomainName(ascii: "mail.acme.com"), byTenantOtherThan: "ten_1"))
            #expect(try await !domains.isVerified(DomainName(ascii: "mail.acme.com"), byTenantOtherThan: "ten_2"))
            #expect(try await domains.verifiedDomain(named: DomainName(ascii: "mail.acme.com"), tenantID: "ten_2") == checked)
            #expect(try await domains.verifiedDomain(named: DomainName(ascii: "mail.acme.com"), tenantID: "ten_1") == nil)
            #expect(try await !domains.recordCheck(Self.domain("dom_missing")))

            #expect(try await domains.delete(id: "dom_1", tenantID: "ten_2") == nil)
            #expect(try await domains.delete(id: "dom_1", tenantID: "ten_1")?.id == "dom_1")
            #expect(try await domains.domain(id: "dom_1", tenantID: "ten_1") == nil)
            #expect(try await domains.dkimPrivateKey(domainID: "dom_1", tenantID: "ten_1") == nil)
            #expect(try await domains.insert(Self.domain("dom_5"), privateKeyPEM: "PEM5"), "the name is free again")
        }
    }

    @Test("the latest verified domain, and verified domains due for a re-check, oldest check first", arguments: StoreUnderTest.all)
    func verifiedDomains(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let domains = s.domains
            let registered = [("dom_1", "a.acme.com", "ten_1"), ("dom_2", "b.acme.com", "ten_1"), ("dom_3", "c.acme.com", "ten_2"), ("dom_4", "d.acme.com", "ten_1")]
            for (id, name, tenant) in registered {
                _ = try await domains.insert(Self.domain(id, tenantID: tenant, name: name), privateKeyPEM: "PEM")
            }
            #expect(try await domains.latestVerifiedDomain(tenantID: "ten_1") == nil)
            _ = try await domains.recordCheck(Self.verified(Self.domain("dom_1", name: "a.acme.com"), at: 300))
            _ = try await domains.recordCheck(Self.verified(Self.domain("dom_2", name: "b.acme.com"), at: 500))
            _ = try await domains.recordCheck(Self.verified(Self.domain("dom_3", tenantID: "ten_2", name: "c.acme.com"), at: 100))
            #expect(try await domains.latestVerifiedDomain(tenantID: "ten_1")?.id == "dom_2")
            #expect(try await domains.verifiedDomains(checkedBefore: Times.at(400), limit: 10).map(\.id) == ["dom_3", "dom_1"])
            #expect(try await domains.verifiedDomains(checkedBefore: Times.at(1_000), limit: 2).map(\.id) == ["dom_3", "dom_1"])
            #expect(try await domains.verifiedDomains(checkedBefore: Times.at(100), limit: 10).isEmpty)
        }
    }
}
