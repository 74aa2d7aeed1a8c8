import Synchronization

/// The lowest bid a tenant accepts per campaign type (default 0), held in memory for the ping path.
public final class FloorPrices: Sendable {
    struct Key: Hashable {
        var tenantID: String
        var campaignType: CampaignType
    }

    private let floors = Mutex<[Key: Int64]>([:])

    public init(_ entries: [FloorPrice] = []) {
        for entry in entries { self.set(entry) }
    }

    public func floor(tenantID: String, campaignType: CampaignType) -> Int64 {
        self.floors.withLock { $0[Key(tenantID: tenantID, campaignType: campaignType)] ?? 0 }
    }

    public func set(_ entry: FloorPrice) {
        self.floors.withLock { $0[Key(tenantID: entry.tenantID, campaignType: entry.campaignType)] = entry.floorPriceCents }
    }

    public func all(tenantID: String) -> [FloorPrice] {
        self.floors.withLock { floors in
            CampaignType.allCases.map { type in
                FloorPrice(tenantID: tenantID, campaignType: type, floorPriceCents: floors[Key(tenantID: tenantID, campaignType: type)] ?? 0)
            }
        }
    }
}

public struct FloorPrice: Sendable, Equatable {
    public var tenantID: String
    public var campaignType: CampaignType
    public var floorPriceCents: Int64

    public init(tenantID: String, campaignType: CampaignType, floorPriceCents: Int64) {
        self.tenantID = tenantID
        self.campaignType = campaignType
        self.floorPriceCents = floorPriceCents
    }
}

/// A tenant's ping-post settings — floor prices per vertical and how many buyers may share a
/// lead — validated, stored, then live for the next ping or post.
public struct PingPostSettings: Sendable {
    let floors: FloorPrices
    let sharing: SharedSaleLimits
    let repository: any PingRepository

    public init(floors: FloorPrices, sharing: SharedSaleLimits, repository: any PingRepository) {
        self.floors = floors
        self.sharing = sharing
        self.repository = repository
    }

    public func loadAll() async throws {
        for floor in try await self.repository.floorPrices() { self.floors.set(floor) }
        for (tenantID, value) in try await self.repository.maxSharedBuyers() { self.sharing.set(tenantID: tenantID, maxSharedBuyers: value) }
    }

    public func maxSharedBuyers(tenantID: String) -> Int {
        self.sharing.maxSharedBuyers(tenantID: tenantID)
    }

    public func setMaxSharedBuyers(_ value: Int?, tenantID: String) async throws -> Int {
        guard let value, SharedSaleLimits.allowedRange.contains(value) else {
            throw ValidationError(
                field: "max_shared_buyers",
                message: "must be an integer from \(SharedSaleLimits.allowedRange.lowerBound) to \(SharedSaleLimits.allowedRange.upperBound)"
            )
        }
        try await self.repository.saveMaxSharedBuyers(value, tenantID: tenantID)
        self.sharing.set(tenantID: tenantID, maxSharedBuyers: value)
        return value
    }

    public func list(tenantID: String) -> [FloorPrice] {
        self.floors.all(tenantID: tenantID)
    }

    public func set(tenantID: String, campaignType: String, floorPriceCents: Int64?) async throws -> FloorPrice {
        var errors = FieldErrors()
        let type = FieldRules.campaignType(campaignType, field: "campaign_type", into: &errors)
        if let cents = floorPriceCents {
            FieldRules.cents(cents, field: "floor_price_cents", into: &errors)
        } else {
            errors.add("floor_price_cents", "is required")
        }
        try errors.throwIfAny()
        let floor = FloorPrice(tenantID: tenantID, campaignType: type ?? .legalPI, floorPriceCents: floorPriceCents ?? 0)
        try await self.repository.saveFloorPrice(floor)
        self.floors.set(floor)
        return floor
    }
}
