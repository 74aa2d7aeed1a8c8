import Foundation
import LeadEngine

/// Fixed, millisecond-exact times, so rows read back compare equal. `base` is 2026-04-12 13:20 UTC.
enum Times {
    static let base: Int64 = 1_776_000_000_000
    static let minute: Int64 = 60_000
    static let day: Int64 = 86_400_000

    static func at(_ offsetMilliseconds: Int64) -> Date {
        Date(epochMilliseconds: Self.base + offsetMilliseconds)
    }
}

/// Tenants, keys, buyers and campaigns, built the same way in every test.
enum Fixtures {
    static func tenant(_ id: String, offset: Int64 = 0) -> Tenant {
        Tenant(id: id, name: "Tenant \(id)", createdAt: Times.at(offset))
    }

    static func key(_ id: String, tenantID: String, role: KeyRole = .standard, rateLimit: Int = 100, offset: Int64 = 0) -> APIKey {
        let secret = KeySecret(role: role)
        return APIKey(
            id: id, tenantID: tenantID, role: role, secretHash: secret.hash, displayPrefix: secret.displayPrefix, rateLimitPerMinute: rateLimit,
            createdAt: Times.at(offset)
        )
    }

    static func buyer(
        _ id: String, tenantID: String = "ten_1", types: [CampaignType] = [.legalPI], states: [String] = ["CA"], price: Int64 = 1_000,
        billing: BillingTerms = BillingTerms(), status: BuyerStatus = .active, offset: Int64 = 0
    ) -> Buyer {
        Buyer(
            id: id, tenantID: tenantID, name: "Buyer \(id)", campaignTypes: types, states: states, maxPriceCents: price, billing: billing,
            status: status, createdAt: Times.at(offset), updatedAt: Times.at(offset)
        )
    }

    static func campaign(
        _ id: String, tenantID: String = "ten_1", type: CampaignType = .legalPI, states: [String] = ["CA"], budget: Int64 = 100_000,
        status: CampaignStatus = .active, buyerID: String? = nil, offset: Int64 = 0
    ) -> Campaign {
        Campaign(
            id: id, tenantID: tenantID, name: "Campaign \(id)", campaignType: type, states: states, budgetCents: budget, buyerID: buyerID,
            status: status, createdAt: Times.at(offset), updatedAt: Times.at(offset)
        )
    }

    /// Tenants without keys, which everything else belongs to.
    static func insertTenants(_ ids: [String], into store: EngineStore) async throws {
        for id in ids { try await store.tenants.insert(Self.tenant(id), keys: []) }
    }

    /// Tenants `ten_1` and `ten_2`, and buyers in `ten_1` (invoiced, no limit, unless told).
    static func seed(_ store: EngineStore, buyers: [Buyer] = [Fixtures.buyer("b1")]) async throws {
        try await Self.insertTenants(["ten_1", "ten_2"], into: store)
        for buyer in buyers { try await store.buyers.insert(buyer) }
    }

    /// A ledger credit as `Ledger.addCredit` makes it.
    static func credit(_ id: String, cents: Int64, buyerID: String?, tenantID: String = "ten_1", offset: Int64 = 0) -> LedgerEntry {
        LedgerEntry(
            id: id, tenantID: tenantID, buyerID: buyerID, leadID: nil, kind: .credit, amountCents: cents, description: "Credit", reason: "top-up",
            createdAt: Times.at(offset)
        )
    }
}
