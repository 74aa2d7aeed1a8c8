import Foundation

/// A buyer with the facts computed about it.
public struct BuyerProfile: Sendable {
    public var buyer: Buyer
    public var performance: BuyerPerformance

    public init(buyer: Buyer, performance: BuyerPerformance) {
        self.buyer = buyer
        self.performance = performance
    }
}

/// The buyer use cases: validate, store, and keep the matching index current.
public struct BuyerRegistry: Sendable {
    let repository: any BuyerRepository
    public let index: BuyerIndex
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    /// Told of every buyer's billing terms, so the auction knows who can pay.
    let funds: BuyerFunds
    /// `bid_url` and `webhook_url` are called: they must be targets the policy allows.
    let targets: any TargetVetting

    public init(
        repository: any BuyerRepository, index: BuyerIndex, clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers(),
        funds: BuyerFunds = BuyerFunds(), targets: any TargetVetting = LiteralTargetVetting(policy: OutboundTargetPolicy())
    ) {
        self.funds = funds
        self.targets = targets
        self.repository = repository
        self.index = index
        self.clock = clock
        self.identifiers = identifiers
    }

    /// Loads every stored buyer into the index, with its billing terms: at start, and when another node changed buyers.
    public func loadIndex() async throws {
        for buyer in try await self.repository.allBuyers() {
            self.index.upsert(buyer)
            self.funds.setTerms(buyerID: buyer.id, terms: buyer.billing)
        }
    }

    public func create(_ draft: BuyerDraft, tenantID: String) async throws -> Buyer {
        let buyer = try BuyerRules.make(from: draft, id: self.identifiers.make(.buyer), tenantID: tenantID, now: self.clock.now())
        try await self.vetTargets(bidURL: buyer.bidURL, webhookURL: buyer.webhookURL)
        try await self.repository.insert(buyer)
        self.funds.setTerms(buyerID: buyer.id, terms: buyer.billing)
        self.index.upsert(buyer)
        return buyer
    }

    public func update(id: String, tenantID: String, changes: BuyerChanges) async throws -> Buyer {
        let (bidURL, webhookURL) = (changes.bidURL.newValue ?? nil, changes.webhookURL.newValue ?? nil)
        if bidURL != nil || webhookURL != nil {
            // Another tenant's buyer is a 404 whatever the URL; only then is the URL judged.
            guard try await self.repository.buyer(id: id, tenantID: tenantID) != nil else { throw NotFoundError(entity: "buyer", id: id) }
            try await self.vetTargets(bidURL: bidURL, webhookURL: webhookURL)
        }
        let now = self.clock.now()
        guard
            let buyer = try await self.repository.update(id: id, tenantID: tenantID, { buyer in
                try BuyerRules.apply(changes, to: &buyer)
                buyer.revision += 1
                buyer.updatedAt = now
            })
        else { throw NotFoundError(entity: "buyer", id: id) }
        self.funds.setTerms(buyerID: buyer.id, terms: buyer.billing)
        self.index.upsert(buyer)
        return buyer
    }

    private func vetTargets(bidURL: String?, webhookURL: String?) async throws {
        let refusals = await self.targets.fieldErrors([("bid_url", bidURL), ("webhook_url", webhookURL)])
        if !refusals.isEmpty { throw ValidationError(refusals) }
    }

    public func profile(id: String, tenantID: String) async throws -> BuyerProfile {
        guard let buyer = try await self.repository.buyer(id: id, tenantID: tenantID) else {
            throw NotFoundError(entity: "buyer", id: id)
        }
        let performance = try await self.repository.performance(buyerIDs: [id], tenantID: tenantID)
        return BuyerProfile(buyer: buyer, performance: performance[id] ?? .none)
    }

    public func list(tenantID: String, filter: BuyerFilter, page: PageRequest) async throws -> Page<BuyerProfile> {
        let buyers = try await self.repository.buyers(tenantID: tenantID, filter: filter, page: page)
        let performance = try await self.repository.performance(buyerIDs: buyers.items.map(\.id), tenantID: tenantID)
        return buyers.map { BuyerProfile(buyer: $0, performance: performance[$0.id] ?? .none) }
    }

    /// Buyers that would be asked for a lead of this profile, highest bid first.
    public func match(tenantID: String, campaignType: CampaignType, state: String, zipCode: String?) -> [Buyer] {
        self.index.match(tenantID: tenantID, campaignType: campaignType, state: state, zipCode: zipCode)
    }
}

extension BuyerRegistry {
    /// Every rule a create request breaks, without storing anything.
    public static func problems(in draft: BuyerDraft) -> [FieldError] {
        do {
            _ = try BuyerRules.make(from: draft, id: "", tenantID: "", now: .distantPast)
            return []
        } catch {
            return error.fields
        }
    }

    /// Every rule an update breaks on its own, whatever the buyer it is applied to.
    public static func problems(in changes: BuyerChanges) -> [FieldError] {
        var placeholder = Buyer(id: "", tenantID: "", name: "", campaignTypes: [], states: [], maxPriceCents: 0, createdAt: .distantPast, updatedAt: .distantPast)
        do {
            try BuyerRules.apply(changes, to: &placeholder)
            return []
        } catch {
            return error.fields
        }
    }
}
