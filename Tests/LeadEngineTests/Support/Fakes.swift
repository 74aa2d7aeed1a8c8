import Foundation
import LeadEngine
import Synchronization

/// Identifiers `<prefix>_1`, `<prefix>_2`, … so tests can predict and read them.
final class SequentialIdentifiers: IdentifierSource {
    private let counter = Mutex(0)

    func make(_ prefix: IdentifierPrefix) -> String {
        let next = self.counter.withLock { value in
            value += 1
            return value
        }
        return "\(prefix.rawValue)_\(next)"
    }
}

struct FakeStoreError: Error, Equatable {
    var message: String
}

/// Tenants and keys in memory, with a change sequence raised on every insert and revocation,
/// as the SQLite repository does.
actor InMemoryTenantRepository: TenantRepository {
    private var tenants: [String: Tenant] = [:]
    private var keysByID: [String: APIKey] = [:]
    private var changeSequenceByKeyID: [String: Int64] = [:]
    private var sequence: Int64 = 0

    func insert(_ tenant: Tenant, keys: [APIKey]) throws {
        guard self.tenants[tenant.id] == nil else { throw FakeStoreError(message: "duplicate tenant \(tenant.id)") }
        self.tenants[tenant.id] = tenant
        for key in keys { try self.insert(key) }
    }

    func insertFirst(_ tenant: Tenant, keys: [APIKey]) throws -> Bool {
        guard self.tenants.isEmpty else { return false }
        try self.insert(tenant, keys: keys)
        return true
    }

    func insert(_ key: APIKey) throws {
        guard self.tenants[key.tenantID] != nil else { throw FakeStoreError(message: "no tenant \(key.tenantID)") }
        guard self.keysByID[key.id] == nil else { throw FakeStoreError(message: "duplicate key \(key.id)") }
        self.keysByID[key.id] = key
        self.bump(key.id)
    }

    func tenant(id: String) -> Tenant? {
        self.tenants[id]
    }

    func tenantCount() -> Int {
        self.tenants.count
    }

    func tenantSummaries() -> [TenantSummary] {
        self.tenants.values
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map { tenant in
                let live = self.keysByID.values.filter { $0.tenantID == tenant.id && !$0.isRevoked }
                return TenantSummary(tenant: tenant, activeKeys: Dictionary(grouping: live, by: \.role).mapValues(\.count))
            }
    }

    func keys(tenantID: String) -> [APIKey] {
        self.keysByID.values
            .filter { $0.tenantID == tenantID }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func revokeKey(id: String, at date: Date) -> APIKey? {
        guard var key = self.keysByID[id] else { return nil }
        if key.revokedAt == nil { key.revokedAt = date }
        self.keysByID[id] = key
        self.bump(id)
        return key
    }

    private(set) var postalAddresses: [String: String] = [:]

    func setPostalAddress(_ address: String?, tenantID: String) -> Bool {
        guard self.tenants[tenantID] != nil else { return false }
        self.postalAddresses[tenantID] = address
        return true
    }

    func identity(tenantID: String) -> (name: String, postalAddress: String?)? {
        self.tenants[tenantID].map { (name: $0.name, postalAddress: self.postalAddresses[tenantID]) }
    }

    func keysChanged(after sequence: Int64) -> (keys: [APIKey], sequence: Int64) {
        let changed = self.changeSequenceByKeyID
            .filter { $0.value > sequence }
            .sorted { $0.value < $1.value }
        return (changed.compactMap { self.keysByID[$0.key] }, changed.last?.value ?? sequence)
    }

    private func bump(_ keyID: String) {
        self.sequence += 1
        self.changeSequenceByKeyID[keyID] = self.sequence
    }
}

/// Buyers in memory; `update` is atomic because the actor runs it in one step.
actor InMemoryBuyerRepository: BuyerRepository {
    private(set) var stored: [String: Buyer] = [:]

    func insert(_ buyer: Buyer) throws {
        guard self.stored[buyer.id] == nil else { throw FakeStoreError(message: "duplicate buyer \(buyer.id)") }
        self.stored[buyer.id] = buyer
    }

    func update(id: String, tenantID: String, _ transform: @Sendable (inout Buyer) throws -> Void) throws -> Buyer? {
        guard var buyer = self.stored[id], buyer.tenantID == tenantID else { return nil }
        try transform(&buyer)
        self.stored[id] = buyer
        return buyer
    }

    func buyer(id: String, tenantID: String) -> Buyer? {
        guard let buyer = self.stored[id], buyer.tenantID == tenantID else { return nil }
        return buyer
    }

    func buyers(tenantID: String, filter: BuyerFilter, page: PageRequest) -> Page<Buyer> {
        let all = self.stored.values
            .filter { $0.tenantID == tenantID }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return Page(items: Array(all.dropFirst(page.offset).prefix(page.perPage)), total: all.count, request: page)
    }

    func allBuyers() -> [Buyer] {
        Array(self.stored.values)
    }

    func performance(buyerIDs: [String], tenantID: String) -> [String: BuyerPerformance] {
        [:]
    }
}

actor InMemoryCampaignRepository: CampaignRepository {
    private(set) var stored: [String: Campaign] = [:]

    func insert(_ campaign: Campaign) throws {
        guard self.stored[campaign.id] == nil else { throw FakeStoreError(message: "duplicate campaign \(campaign.id)") }
        self.stored[campaign.id] = campaign
    }

    func update(id: String, tenantID: String, _ transform: @Sendable (inout Campaign) throws -> Void) throws -> Campaign? {
        guard var campaign = self.stored[id], campaign.tenantID == tenantID else { return nil }
        try transform(&campaign)
        self.stored[id] = campaign
        return campaign
    }

    func campaign(id: String, tenantID: String) -> Campaign? {
        guard let campaign = self.stored[id], campaign.tenantID == tenantID else { return nil }
        return campaign
    }

    func campaigns(tenantID: String, filter: CampaignFilter, page: PageRequest) -> Page<Campaign> {
        let all = self.stored.values
            .filter { $0.tenantID == tenantID }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return Page(items: Array(all.dropFirst(page.offset).prefix(page.perPage)), total: all.count, request: page)
    }

    func performance(campaignIDs: [String], tenantID: String) -> [String: CampaignPerformance] {
        [:]
    }

    func fundedCampaigns(todayStartMilliseconds: Int64) -> [(campaign: Campaign, spentCents: Int64, soldToday: Int)] {
        self.stored.values.filter { $0.buyerID != nil }.map { ($0, 0, 0) }
    }
}

/// The field names of a validation answer, in order, for compact assertions.
func fieldNames(_ errors: [FieldError]) -> [String] {
    errors.map(\.field)
}

func fieldNames(_ error: ValidationError?) -> [String] {
    (error?.fields ?? []).map(\.field)
}
