import Foundation

public struct CampaignProfile: Sendable {
    public var campaign: Campaign
    public var performance: CampaignPerformance

    public init(campaign: Campaign, performance: CampaignPerformance) {
        self.campaign = campaign
        self.performance = performance
    }

    public var budgetRemainingCents: Int64 { self.performance.budgetRemainingCents(of: self.campaign) }
}

/// The campaign use cases: validate, check references within the tenant, store.
public struct CampaignRegistry: Sendable {
    let repository: any CampaignRepository
    let buyers: any BuyerRepository
    public let budgets: CampaignBudgets
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    /// `delivery_webhook` is called: it must be a target the policy allows.
    let targets: any TargetVetting

    public init(
        repository: any CampaignRepository, buyers: any BuyerRepository, budgets: CampaignBudgets = CampaignBudgets(), clock: any EngineClock,
        identifiers: any IdentifierSource = TimeOrderedIdentifiers(), targets: any TargetVetting = LiteralTargetVetting(policy: OutboundTargetPolicy())
    ) {
        self.targets = targets
        self.repository = repository
        self.buyers = buyers
        self.budgets = budgets
        self.clock = clock
        self.identifiers = identifiers
    }

    public func create(_ draft: CampaignDraft, tenantID: String) async throws -> Campaign {
        // The buyer reference is checked first so that its error joins the field errors, not after them.
        let referenceErrors = try await self.buyerReferenceErrors(draft.buyerID, tenantID: tenantID)
        let campaign: Campaign
        do {
            campaign = try CampaignRules.make(from: draft, id: self.identifiers.make(.campaign), tenantID: tenantID, now: self.clock.now())
        } catch {
            throw ValidationError(error.fields + referenceErrors)
        }
        let refusals = await self.targets.fieldErrors([("delivery_webhook", campaign.deliveryWebhook)])
        if !referenceErrors.isEmpty || !refusals.isEmpty { throw ValidationError(referenceErrors + refusals) }
        try await self.repository.insert(campaign)
        self.budgets.upsert(campaign)
        return campaign
    }

    public func update(id: String, tenantID: String, changes: CampaignChanges) async throws -> Campaign {
        var referenceErrors: [FieldError] = []
        if case .set(let buyerID) = changes.buyerID {
            referenceErrors = try await self.buyerReferenceErrors(buyerID, tenantID: tenantID)
        }
        let fieldErrors = Self.problems(in: changes)
        if !fieldErrors.isEmpty || !referenceErrors.isEmpty { throw ValidationError(fieldErrors + referenceErrors) }
        if let webhook = changes.deliveryWebhook.newValue ?? nil {
            // Another tenant's campaign is a 404 whatever the URL; only then is the URL judged.
            guard try await self.repository.campaign(id: id, tenantID: tenantID) != nil else { throw NotFoundError(entity: "campaign", id: id) }
            let refusals = await self.targets.fieldErrors([("delivery_webhook", webhook)])
            if !refusals.isEmpty { throw ValidationError(refusals) }
        }
        let now = self.clock.now()
        guard
            let campaign = try await self.repository.update(id: id, tenantID: tenantID, { campaign in
                try CampaignRules.apply(changes, to: &campaign)
                campaign.updatedAt = now
            })
        else { throw NotFoundError(entity: "campaign", id: id) }
        self.budgets.upsert(campaign)
        return campaign
    }

    /// Loads every campaign that funds a buyer into the budgets; called once at start.
    public func loadBudgets() async throws {
        let now = self.clock.nowMilliseconds()
        let funded = try await self.repository.fundedCampaigns(todayStartMilliseconds: DailySales.startOfDay(milliseconds: now))
        self.budgets.load(
            funded.map(\.campaign), spent: Dictionary(uniqueKeysWithValues: funded.map { ($0.campaign.id, $0.spentCents) }),
            soldToday: Dictionary(uniqueKeysWithValues: funded.map { ($0.campaign.id, $0.soldToday) }), nowMilliseconds: now
        )
    }

    public func profile(id: String, tenantID: String) async throws -> CampaignProfile {
        guard let campaign = try await self.repository.campaign(id: id, tenantID: tenantID) else {
            throw NotFoundError(entity: "campaign", id: id)
        }
        let performance = try await self.repository.performance(campaignIDs: [id], tenantID: tenantID)
        return CampaignProfile(campaign: campaign, performance: performance[id] ?? .none)
    }

    public func list(tenantID: String, filter: CampaignFilter, page: PageRequest) async throws -> Page<CampaignProfile> {
        let campaigns = try await self.repository.campaigns(tenantID: tenantID, filter: filter, page: page)
        let performance = try await self.repository.performance(campaignIDs: campaigns.items.map(\.id), tenantID: tenantID)
        return campaigns.map { CampaignProfile(campaign: $0, performance: performance[$0.id] ?? .none) }
    }

    /// A campaign may name only a buyer of its own tenant; another tenant's reads as unknown.
    private func buyerReferenceErrors(_ buyerID: String?, tenantID: String) async throws -> [FieldError] {
        guard let buyerID, try await self.buyers.buyer(id: buyerID, tenantID: tenantID) == nil else { return [] }
        return [FieldError(field: "buyer_id", message: "no buyer \(buyerID) in this account")]
    }
}

extension CampaignRegistry {
    /// Every rule a create request breaks, without storing anything.
    public static func problems(in draft: CampaignDraft) -> [FieldError] {
        do {
            _ = try CampaignRules.make(from: draft, id: "", tenantID: "", now: .distantPast)
            return []
        } catch {
            return error.fields
        }
    }

    /// Every rule an update breaks on its own, whatever the campaign it is applied to.
    public static func problems(in changes: CampaignChanges) -> [FieldError] {
        var placeholder = Campaign(id: "", tenantID: "", name: "", campaignType: .legalPI, states: [], budgetCents: 0, createdAt: .distantPast, updatedAt: .distantPast)
        do {
            try CampaignRules.apply(changes, to: &placeholder)
            return []
        } catch {
            return error.fields
        }
    }
}
