import Foundation
import LeadEngine
import Testing

@Suite("Store contract: committing sales")
struct SaleContractTests {
    @Test("a sale of a new lead writes what SaleWrites plans: lead, events, certificate, ping, charge, delivery", arguments: StoreUnderTest.all)
    func newLead(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let key = try await SaleFixtures.signingKey(s)
            let record = SaleFixtures.sale(1, key: key)
            let writes = SaleWrites(record)
            try await s.sales.commit(record)

            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1") == writes.newLead)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_2") == nil)
            let details = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(details.events == writes.events)
            #expect(details.events.map(\.kind) == [.received, .consentCertified, .doNotCallChecked, .scored, .sold])
            #expect(details.consentRecords == [try #require(record.certificate)])
            #expect(details.deliveries.map(\.delivery) == [record.delivery])
            #expect(details.deliveries.first?.attempts == [])
            #expect(try await s.consents.certificate(id: "cert_1", tenantID: "ten_1") == record.certificate)

            var charge = try #require(writes.charge)
            charge.balanceAfterCents = -2_500
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).items == [charge])
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -2_500)
            #expect(try await s.ledger.verify().mismatches.isEmpty)

            let ping = try #require(try await s.pings.ping(id: record.ping.id, tenantID: "ten_1"))
            #expect(ping.bids == record.ping.bids && ping.soldTo == ["b1"])
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: record.lead.createdAt.epochMilliseconds, limit: 10) == [record.delivery])
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": Times.base]) == ["b1": 1])
        }
    }

    @Test("a free lead (price 0) is sold without a charge: a charge of nothing is not an entry", arguments: StoreUnderTest.all)
    func freeLead(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let record = SaleFixtures.sale(1, priceCents: 0)
            try await s.sales.commit(record)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1")?.soldPriceCents == 0)
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.events == SaleWrites(record).events)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).total == 0)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 1])
        }
    }

    @Test("a buyer without a webhook gets its lead delivered at the sale; nothing waits to be sent", arguments: StoreUnderTest.all)
    func noWebhook(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let record = SaleFixtures.sale(1, webhook: false)
            try await s.sales.commit(record)
            let lead = try #require(try await s.leads.lead(id: "lead_1", tenantID: "ten_1"))
            #expect(lead.status == .delivered)
            #expect(lead.deliveredAt == record.lead.soldAt)
            #expect(lead == SaleWrites(record).newLead)
            #expect(try await s.leads.details(id: "lead_1", tenantID: "ten_1")?.deliveries.map(\.delivery.status) == [.notConfigured])
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).isEmpty)
        }
    }

    @Test("an inbound lead still qualified is sold in place: marked sold, charged, its events kept", arguments: StoreUnderTest.all)
    func inboundSale(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let intake = SaleFixtures.inbound("lead_in")
            _ = try await s.leads.intake(tenantID: "ten_1", phone: intake.lead.contact.phone, email: intake.lead.contact.email, since: 0) { _ in intake }
            let record = SaleFixtures.inboundSale(of: intake.lead, at: Times.base + 5_000)
            try await s.sales.commit(record)

            let details = try #require(try await s.leads.details(id: "lead_in", tenantID: "ten_1"))
            #expect(details.lead.status == .sold)
            #expect(details.lead.buyerID == "b1" && details.lead.soldPriceCents == 2_500 && details.lead.pingID == record.ping.id)
            #expect(details.lead.soldAt == Times.at(5_000))
            #expect(details.lead.origin == .inbound && details.lead.createdAt == intake.lead.createdAt)
            #expect(details.events == intake.events + SaleWrites(record).events)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -2_500)
        }
    }

    @Test("selling an inbound lead that moved on is refused with leadMovedOn, and writes nothing", arguments: StoreUnderTest.all)
    func leadMovedOn(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let intake = SaleFixtures.inbound("lead_in")
            _ = try await s.leads.intake(tenantID: "ten_1", phone: intake.lead.contact.phone, email: intake.lead.contact.email, since: 0) { _ in intake }
            let closed = try #require(
                try await s.leads.update(id: "lead_in", tenantID: "ten_1") { lead in
                    lead.status = .closed
                    return [LeadEvent(.statusChanged, detail: ["from": "qualified", "to": "closed"], at: Times.at(1_000))]
                }
            )
            let before = try #require(try await s.leads.details(id: "lead_in", tenantID: "ten_1"))
            let record = SaleFixtures.inboundSale(of: intake.lead, at: Times.base + 5_000)

            await #expect(throws: StoreRefusal.leadMovedOn(leadID: "lead_in")) { try await s.sales.commit(record) }

            let after = try #require(try await s.leads.details(id: "lead_in", tenantID: "ten_1"))
            #expect(after.lead == closed)
            #expect(after.events == before.events)
            #expect(after.deliveries.isEmpty)
            #expect(try await s.pings.ping(id: record.ping.id, tenantID: "ten_1") == nil)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).total == 0)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == 0)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 0])
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).isEmpty)
        }
    }

    @Test("two buyers buying one inbound lead at once: one sale, the other refused with leadMovedOn", arguments: StoreUnderTest.all)
    func inboundSoldOnce(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2")])
            let intake = SaleFixtures.inbound("lead_in")
            _ = try await s.leads.intake(tenantID: "ten_1", phone: intake.lead.contact.phone, email: intake.lead.contact.email, since: 0) { _ in intake }
            var second = SaleFixtures.inboundSale(of: intake.lead, buyerID: "b2", at: Times.base + 5_000)
            second.ping.id = "ping_second"
            second.saleID = "sale_second"
            second.chargeID = "txn_second"
            second.delivery.id = "msg_second"
            let records = [SaleFixtures.inboundSale(of: intake.lead, buyerID: "b1", at: Times.base + 5_000), second]
            let refusals = try await withThrowingTaskGroup(of: Int.self) { group in
                for record in records {
                    group.addTask {
                        do {
                            try await s.sales.commit(record)
                            return 0
                        } catch let refusal as StoreRefusal {
                            #expect(refusal == .leadMovedOn(leadID: "lead_in"))
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(refusals == 1)
            let lead = try #require(try await s.leads.lead(id: "lead_in", tenantID: "ten_1"))
            let counts = try await s.sales.salesCount(sinceByBuyer: ["b1": 0, "b2": 0])
            #expect(counts.values.reduce(0, +) == 1)
            #expect(counts[try #require(lead.buyerID)] == 1)
            #expect(try await s.ledger.entries(tenantID: "ten_1", filter: LedgerFilter(), page: PageRequest()).total == 1)
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a ping sells once to a buyer: a second sale of it to the same buyer is refused and writes nothing", arguments: StoreUnderTest.all)
    func oncePerPingAndBuyer(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let ping = SaleFixtures.ping("ping_1")
            try await s.sales.commit(SaleFixtures.sale(1, ping: ping))
            await #expect(throws: (any Error).self) { try await s.sales.commit(SaleFixtures.sale(2, ping: ping)) }
            #expect(try await s.leads.lead(id: "lead_2", tenantID: "ten_1") == nil)
            #expect(try await s.ledger.balance(tenantID: "ten_1", buyerID: "b1") == -2_500)
            #expect(try await s.sales.salesCount(sinceByBuyer: ["b1": 0]) == ["b1": 1])
            #expect(try await s.ledger.verify().mismatches.isEmpty)
        }
    }
}
