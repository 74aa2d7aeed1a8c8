import Foundation
import LeadEngine
import Testing

@Suite("Sale limits: what a store several nodes share holds when a sale commits")
struct SaleLimitsTests {
    static func bid(_ buyerID: String, _ exclusivity: Exclusivity) -> Bid {
        Bid(buyerID: buyerID, buyerName: buyerID, bidCents: 1_000, exclusivity: exclusivity, source: .static)
    }

    @Test("a ping sells once to each buyer; an exclusive lead once; a shared one up to the tenant's limit, never after an exclusive sale")
    func pingRule() {
        let bids = [Self.bid("x", .exclusive), Self.bid("s1", .shared), Self.bid("s2", .shared), Self.bid("s3", .shared)]
        #expect(PingSales.refusal(bids: bids, soldTo: [], buyerID: "x", maxSharedBuyers: 2) == nil)
        #expect(PingSales.refusal(bids: bids, soldTo: ["s1"], buyerID: "s1", maxSharedBuyers: 2) == "this buyer has already bought this lead")
        #expect(PingSales.refusal(bids: bids, soldTo: ["s1"], buyerID: "x", maxSharedBuyers: 2) != nil, "an exclusive bid needs an unsold ping")
        #expect(PingSales.refusal(bids: bids, soldTo: ["x"], buyerID: "s1", maxSharedBuyers: 2) != nil, "nothing sells after an exclusive sale")
        #expect(PingSales.refusal(bids: bids, soldTo: ["s1"], buyerID: "s2", maxSharedBuyers: 2) == nil)
        #expect(PingSales.refusal(bids: bids, soldTo: ["s1", "s2"], buyerID: "s3", maxSharedBuyers: 2) != nil)
    }

    @Test("the buyer's daily cap and the paying campaign's budget and daily volume count what the store holds")
    func capAndBudget() throws {
        var limits = SaleLimits(maxSharedBuyers: 3, dailyCap: 2, dayStartMilliseconds: 0, campaign: nil)
        let sale = try Self.sale(buyerID: "s1", priceCents: 1_000)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: [], buyerSalesToday: 1)) == nil)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: [], buyerSalesToday: 2)) == .dailyCapReached)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: ["s1"], buyerSalesToday: 0)) == .pingSold("this buyer has already bought this lead"))
        limits.campaign = SaleLimits.Campaign(id: "c", budgetCents: 5_000, maxLeadsPerDay: 3, dayStartMilliseconds: 0)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: [], buyerSalesToday: 0, campaignSpentCents: 4_000, campaignSalesToday: 2)) == nil)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: [], buyerSalesToday: 0, campaignSpentCents: 4_001)) == .budgetExhausted)
        #expect(limits.refusal(of: sale, given: .init(pingSoldTo: [], buyerSalesToday: 0, campaignSalesToday: 3)) == .budgetExhausted)
        #expect(StoreRefusal.budgetExhausted.postRejection == .budgetExhausted)
        #expect(StoreRefusal.balanceBelowFloor.postRejection == .insufficientFunds)
    }

    static func sale(buyerID: String, priceCents: Int64) throws -> SaleRecord {
        let request = PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s")
        let ping = Ping(id: "ping_1", tenantID: "t", request: request, floorPriceCents: 0, bids: [Self.bid(buyerID, .shared)], outcomes: [], createdAtMilliseconds: 0)
        let lead = Lead(
            id: "lead_1", tenantID: "t", pingID: ping.id, buyerID: buyerID, campaignType: .legalPI, source: "s",
            contact: LeadContact(firstName: "A", lastName: "B", phone: "+17025550100", email: "", state: "NV", zipCode: "89101"), status: .sold,
            soldPriceCents: priceCents, consentCertificateID: nil, createdAt: Date(epochMilliseconds: 0)
        )
        let delivery = Delivery(
            id: "d", tenantID: "t", leadID: lead.id, buyerID: buyerID, url: nil, payload: [], status: .notConfigured, attempts: 0,
            nextAttemptAtMilliseconds: nil, createdAtMilliseconds: 0
        )
        return SaleRecord(
            ping: ping, lead: lead, certificate: nil, saleID: "s", priceCents: priceCents, responseMilliseconds: 1, chargeID: "c", delivery: delivery
        )
    }
}
