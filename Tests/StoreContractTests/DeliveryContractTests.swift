import Foundation
import LeadEngine
import Testing

@Suite("Store contract: delivery attempts, due deliveries and sales counts")
struct DeliveryContractTests {
    @Test("a failure is retried later; a success delivers the lead with an event; a late failure undoes nothing", arguments: StoreUnderTest.all)
    func attempts(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let record = SaleFixtures.sale(1)
            let soldAt = record.lead.createdAt.epochMilliseconds
            try await s.sales.commit(record)

            let failure = LeadPlans.failed(record.delivery, at: soldAt + 100, retryAt: soldAt + 10_000)
            try await s.sales.recordAttempt(failure)
            #expect(try await s.leads.lead(id: "lead_1", tenantID: "ten_1")?.status == .sold)
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: soldAt + 9_999, limit: 10).isEmpty)
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: soldAt + 10_000, limit: 10) == [failure.delivery])

            let success = LeadPlans.delivered(failure.delivery, at: soldAt + 10_050)
            try await s.sales.recordAttempt(success)
            let delivered = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(delivered.lead.status == .delivered)
            #expect(delivered.lead.deliveredAt == Date(epochMilliseconds: soldAt + 10_050))
            #expect(delivered.events.last == success.leadDelivered?.event)
            #expect(delivered.events.last?.kind == .delivered)
            #expect(delivered.deliveries.map(\.delivery) == [success.delivery])
            #expect(delivered.deliveries.first?.attempts == [failure.attempt, success.attempt])
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).isEmpty)

            // A retry pass that read the delivery as pending before the success fails afterwards.
            let late = LeadPlans.failed(failure.delivery, at: soldAt + 10_100, retryAt: soldAt + 40_000)
            try await s.sales.recordAttempt(late)
            let after = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(after.lead == delivered.lead)
            #expect(after.events == delivered.events)
            #expect(after.deliveries.map(\.delivery) == [success.delivery])
            #expect(after.deliveries.first?.attempts.count == 3, "the attempt itself is recorded")
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).isEmpty)
        }
    }

    @Test("the last failure fails the delivery for good: no longer due, the lead stays sold", arguments: StoreUnderTest.all)
    func failsForGood(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let record = SaleFixtures.sale(1)
            try await s.sales.commit(record)
            let failure = LeadPlans.failed(record.delivery, at: Times.base + 100, retryAt: nil)
            try await s.sales.recordAttempt(failure)
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Int64.max, limit: 10).isEmpty)
            let details = try #require(try await s.leads.details(id: "lead_1", tenantID: "ten_1"))
            #expect(details.lead.status == .sold && details.lead.deliveredAt == nil)
            #expect(details.deliveries.map(\.delivery.status) == [.failed])
        }
    }

    @Test("a lead people moved on keeps its status when its delivery succeeds, and gets its delivery time", arguments: StoreUnderTest.all)
    func movedOnLeadKeepsStatus(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let record = SaleFixtures.sale(1)
            try await s.sales.commit(record)
            _ = try await s.leads.update(id: "lead_1", tenantID: "ten_1") { lead in
                lead.status = .contacted
                return [LeadEvent(.statusChanged, detail: ["from": "sold", "to": "contacted"], at: Times.at(50))]
            }
            try await s.sales.recordAttempt(LeadPlans.delivered(record.delivery, at: Times.base + 100))
            let lead = try #require(try await s.leads.lead(id: "lead_1", tenantID: "ten_1"))
            #expect(lead.status == .contacted)
            #expect(lead.deliveredAt == Times.at(100))
        }
    }

    @Test("due deliveries: pending ones whose time has come, earliest first, up to the limit", arguments: StoreUnderTest.all)
    func dueDeliveries(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let times: [Int64] = [300, 100, 200, 900]
            for (index, offset) in times.enumerated() { try await s.sales.commit(SaleFixtures.sale(index + 1, at: Times.base + offset)) }
            try await s.sales.commit(SaleFixtures.sale(5, webhook: false, at: Times.base + 50))
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Times.base + 99, limit: 10).isEmpty)
            #expect(try await s.sales.dueDeliveries(nowMilliseconds: Times.base + 300, limit: 2).map(\.id) == ["msg_2", "msg_3"])
            // A shared store handed those two to this caller; one node's store hands them out again.
            let rest = try await s.sales.dueDeliveries(nowMilliseconds: Times.base + 300, limit: 10).map(\.id)
            #expect(rest == (s.connection.isShared ? ["msg_1"] : ["msg_2", "msg_3", "msg_1"]))
        }
    }

    @Test("sales are counted per buyer from each buyer's own instant", arguments: StoreUnderTest.all)
    func salesCount(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s, buyers: [Fixtures.buyer("b1"), Fixtures.buyer("b2"), Fixtures.buyer("b3")])
            try await s.sales.commit(SaleFixtures.sale(1, buyerID: "b1", at: Times.base - Times.day))
            try await s.sales.commit(SaleFixtures.sale(2, buyerID: "b1", at: Times.base))
            try await s.sales.commit(SaleFixtures.sale(3, buyerID: "b1", at: Times.base + 10))
            try await s.sales.commit(SaleFixtures.sale(4, buyerID: "b2", at: Times.base - 10))
            let counts = try await s.sales.salesCount(sinceByBuyer: ["b1": Times.base, "b2": Times.base - Times.day, "b3": 0])
            #expect(counts == ["b1": 2, "b2": 1, "b3": 0])
        }
    }
}
