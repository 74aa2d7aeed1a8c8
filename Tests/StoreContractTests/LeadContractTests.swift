import Foundation
import LeadEngine
import Testing

@Suite("Store contract: leads, intake dedup, updates and returns")
struct LeadContractTests {
    /// Stores an inbound lead the way `LeadDesk` does: a duplicate of the original the store finds.
    static func intake(
        _ s: EngineStore, _ id: String, tenantID: String = "ten_1", phone: String = "+17025550100", email: String = "zoe@example.test",
        at: Int64 = Times.base, since: Int64 = 0
    ) async throws -> Lead {
        try await s.leads.intake(tenantID: tenantID, phone: phone, email: email, since: since) { originalID in
            SaleFixtures.inbound(id, tenantID: tenantID, phone: phone, email: email, originalID: originalID, at: at)
        }.lead
    }

    @Test("20 concurrent intakes of one phone: exactly one original, the other 19 point to it", arguments: StoreUnderTest.all)
    func concurrentIntakeDedup(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let leads = try await withThrowingTaskGroup(of: Lead.self) { group in
                for index in 0..<20 {
                    group.addTask { try await Self.intake(s, "lead_\(index)", email: "person\(index)@example.test") }
                }
                return try await group.reduce(into: [Lead]()) { $0.append($1) }
            }
            let originals = leads.filter { $0.status == .qualified }
            #expect(originals.count == 1)
            let original = try #require(originals.first)
            #expect(leads.filter { $0.status == .duplicate }.allSatisfy { $0.duplicateOf == original.id })
            let stored = try await s.leads.leads(tenantID: "ten_1", filter: LeadFilter(status: .duplicate), page: PageRequest(page: 1, perPage: 100))
            #expect(stored.total == 19)
            #expect(stored.items.allSatisfy { $0.duplicateOf == original.id })
        }
    }

    @Test("the original is the oldest live lead with the phone or the email, of the tenant, inside the window", arguments: StoreUnderTest.all)
    func dedupRules(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            // Two live leads with one phone, the later-created one stored first.
            _ = try await Self.intake(s, "lead_late", at: Times.base + 100, since: Int64.max)
            _ = try await Self.intake(s, "lead_early", at: Times.base, since: Int64.max)
            #expect(try await Self.intake(s, "lead_dup", at: Times.base + 200).duplicateOf == "lead_early")
            // The same email with another phone.
            #expect(try await Self.intake(s, "lead_by_email", phone: "+17025550199", at: Times.base + 300).duplicateOf == "lead_early")
            // An empty email matches nothing.
            _ = try await Self.intake(s, "lead_noemail_1", phone: "+17025550111", email: "", at: Times.base + 400)
            #expect(try await Self.intake(s, "lead_noemail_2", phone: "+17025550122", email: "", at: Times.base + 500).status == .qualified)
            // Outside the window, in another tenant: no original.
            #expect(try await Self.intake(s, "lead_window", at: Times.base + 600, since: Times.base + 301).status == .qualified)
            #expect(try await Self.intake(s, "lead_other", tenantID: "ten_2", at: Times.base + 700).status == .qualified)

            // A rejected lead is never an original.
            _ = try await s.leads.intake(tenantID: "ten_1", phone: "+17025550177", email: "r@example.test", since: 0) { _ in
                var intake = SaleFixtures.inbound("lead_rejected", phone: "+17025550177", email: "r@example.test", at: Times.base + 800)
                intake.lead.status = .rejected
                intake.lead.rejectionReasons = [QualificationFailure(field: "email", code: "invalid", message: "is not an address")]
                return intake
            }
            #expect(try await Self.intake(s, "lead_after_rejected", phone: "+17025550177", email: "x@example.test", at: Times.base + 900).status == .qualified)
            let rejected = try #require(try await s.leads.lead(id: "lead_rejected", tenantID: "ten_1"))
            #expect(rejected.rejectionReasons == [QualificationFailure(field: "email", code: "invalid", message: "is not an address")])
        }
    }

    @Test("an intake stores the lead, its certificate and its events together", arguments: StoreUnderTest.all)
    func intakeStoresEverything(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let key = try await SaleFixtures.signingKey(s)
            let certificate = key.certify(id: "cert_in", tenantID: "ten_1", leadID: "lead_in", consent: SaleFixtures.consent, createdAt: Times.at(0))
            var intake = SaleFixtures.inbound("lead_in")
            intake.lead.consentCertificateID = certificate.id
            intake.lead.notes = "call after 5"
            intake.certificate = certificate
            intake.events.append(LeadEvent(.consentCertified, detail: ["certificate_id": "cert_in"], at: Times.at(0)))
            let stored = intake
            _ = try await s.leads.intake(tenantID: "ten_1", phone: intake.lead.contact.phone, email: intake.lead.contact.email, since: 0) { _ in stored }
            let details = try #require(try await s.leads.details(id: "lead_in", tenantID: "ten_1"))
            #expect(details.lead == intake.lead)
            #expect(details.events == intake.events)
            #expect(details.consentRecords == [certificate])
            #expect(try await s.consents.certificate(id: "cert_in", tenantID: "ten_1") == certificate)
            #expect(try await s.leads.details(id: "lead_in", tenantID: "ten_2") == nil)
        }
    }

    @Test("an update writes the changed lead and its events in one transaction; a change that throws writes nothing", arguments: StoreUnderTest.all)
    func update(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let original = try await Self.intake(s, "lead_1")
            let event = LeadEvent(.statusChanged, detail: ["from": "qualified", "to": "contacted"], actorKeyID: "key_1", at: Times.at(10))
            let updated = try await s.leads.update(id: "lead_1", tenantID: "ten_1") { lead in
                lead.status = .contacted
                lead.notes = "left a message"
                lead.updatedAt = Times.at(10)
                return [event]
            }
            var expected = original
            expected.status = .contacted
            expected.notes = "left a message"
            expected.updatedAt = Times.at(10)
            #expect(updated == expected)
            let details = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(details.lead == expected)
            #expect(details.events.last == event)

            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await s.leads.update(id: "lead_1", tenantID: "ten_1") { lead in
                    lead.status = .closed
                    throw Refused()
                }
            }
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.events == details.events)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") == expected)
            #expect(try await s.leads.update(id: "lead_1", tenantID: "ten_2") { _ in [event] } == nil)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") == expected)
        }
    }

    @Test("listing pages newest first, filtered by status, buyer, source and creation time, within the tenant", arguments: StoreUnderTest.all)
    func listing(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2")])
            try await s.buyers.insert(Fixtures.buyer("b_other", tenantID: "ten_2"))
            try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b1", at: Times.base + 10))
            try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b2", webhook: false, at: Times.base + 20))
            _ = try await Self.intake(s, "lead_in", phone: "+17025550999", email: "in@example.test", at: Times.base + 30)
            try await s.sales.commit(SaleFixtures.sale(3, tenantID: "ten_2", buyerID: "b_other", at: Times.base + 40))

            func ids(_ filter: LeadFilter, page: PageRequest = PageRequest(page: 1, perPage: 100)) async throws -> [String] {
                let result = try await s.leads.leads(tenantID: "ten_1", filter: filter, page: page)
                return result.items.map(\.id) + ["total \(result.total)"]
            }
            #expect(try await ids(LeadFilter()) == ["lead_in", "lead_2", "lead_1", "total 3"])
            #expect(try await ids(LeadFilter(), page: PageRequest(page: 2, perPage: 2)) == ["lead_1", "total 3"])
            #expect(try await ids(LeadFilter(status: .delivered)) == ["lead_2", "total 1"])
            #expect(try await ids(LeadFilter(campaignType: .legalPI, state: "CA")) == ["lead_in", "lead_2", "lead_1", "total 3"])
            #expect(try await ids(LeadFilter(state: "NY")) == ["total 0"])
            #expect(try await ids(LeadFilter(buyerID: "b1")) == ["lead_1", "total 1"])
            #expect(try await ids(LeadFilter(source: "web")) == ["lead_in", "total 1"])
            #expect(try await ids(LeadFilter(createdAfter: Times.at(20), createdBefore: Times.at(30))) == ["lead_2", "total 1"], "after inclusive, before exclusive")
            #expect(try await ids(LeadFilter(buyerID: "b_other")) == ["total 0"])
        }
    }

    @Test("events append in order; source history counts a source's leads, qualified, sold and returned", arguments: StoreUnderTest.all)
    func eventsAndSourceHistory(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await Self.intake(s, "lead_a", phone: "+17025550101", email: "a@example.test", at: Times.base)
            _ = try await Self.intake(s, "lead_b", phone: "+17025550101", email: "b@example.test", at: Times.base + 10)
            _ = try await Self.intake(s, "lead_c", phone: "+17025550103", email: "c@example.test", at: Times.base + 20)
            let extra = [
                LeadEvent(.routed, detail: ["ping_id": "ping_x"], at: Times.at(30)),
                LeadEvent(.unsold, detail: ["reason": "no buyer bid on the lead", "bids": 0], at: Times.at(31)),
            ]
            try await s.leads.appendEvents(extra, leadID: "lead_c")
            #expect(try await s.leads.details(id: "lead_c", tenantID: "ten_1")?.events.suffix(2) == extra[...])

            let c = try #require(try await s.leads.lead(id: "lead_c", tenantID: "ten_1"))
            try await s.sales.commit(SaleFixtures.inboundSale(of: c, at: Times.base + 40))
            _ = try await s.leads.recordReturn(id: "lead_c", tenantID: "ten_1", nowMilliseconds: Times.base + 50) { context in
                try LeadPlans.returned(context, at: Times.base + 50, refundID: "ref_c")
            }
            #expect(
                try await s.leads.sourceHistory(tenantID: "ten_1", source: "web", since: 0) == SourceHistory(leads: 3, qualified: 2, sold: 1, returned: 1)
            )
            #expect(
                try await s.leads.sourceHistory(tenantID: "ten_1", source: "web", since: Times.base + 1)
                    == SourceHistory(leads: 2, qualified: 1, sold: 1, returned: 1)
            )
            #expect(try await s.leads.sourceHistory(tenantID: "ten_2", source: "web", since: 0) == SourceHistory())
        }
    }
}
