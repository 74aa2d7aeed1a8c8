import Hummingbird
import LeadEngine

/// `/api/v1/campaigns`: create campaigns, list and inspect them with delivery stats, and update them.
struct CampaignRoutes {
    let registry: CampaignRegistry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: self.create)
        group.get(use: self.list)
        group.get(":id", use: self.show)
        group.patch(":id", use: self.update)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let draft = CampaignDraft(
            name: body.string("name"), campaignType: body.string("campaign_type"), states: body.strings("states"),
            budgetCents: body.int64("budget_cents"), maxLeadsPerDay: body.int("max_leads_per_day"),
            deliveryWebhook: body.string("delivery_webhook"), buyerID: body.string("buyer_id"),
            requireDNCClear: body.bool("require_dnc_clear"), status: body.string("status")
        )
        try throwFieldErrors(body) { CampaignRegistry.problems(in: draft) }
        let campaign = try await self.registry.create(draft, tenantID: principal.tenantID)
        return JSONResponse(
            status: .created, headers: [.location: "/api/v1/campaigns/\(campaign.id)"],
            Self.resource(CampaignProfile(campaign: campaign, performance: .none))
        )
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let filter = CampaignFilter(
            status: query.enumeration("status", CampaignStatus.self),
            campaignType: query.enumeration("campaign_type", CampaignType.self)
        )
        let page = query.page()
        try query.errors.throwIfAny()
        let profiles = try await self.registry.list(tenantID: principal.tenantID, filter: filter, page: page)
        return JSONResponse(.list(profiles.items.map(Self.resource), total: profiles.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        return JSONResponse(Self.resource(try await self.registry.profile(id: id, tenantID: principal.tenantID)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        var changes = CampaignChanges()
        changes.name = body.update("name") { $0.string($1) }
        changes.campaignType = body.update("campaign_type") { $0.string($1) }
        changes.states = body.update("states") { $0.strings($1) }
        changes.budgetCents = body.update("budget_cents") { $0.int64($1) }
        changes.maxLeadsPerDay = body.nullableUpdate("max_leads_per_day") { $0.int($1) }
        changes.deliveryWebhook = body.nullableUpdate("delivery_webhook") { $0.string($1) }
        changes.buyerID = body.nullableUpdate("buyer_id") { $0.string($1) }
        changes.requireDNCClear = body.update("require_dnc_clear") { $0.bool($1) }
        changes.status = body.update("status") { $0.string($1) }
        try throwFieldErrors(body) { CampaignRegistry.problems(in: changes) }
        _ = try await self.registry.update(id: id, tenantID: principal.tenantID, changes: changes)
        return JSONResponse(Self.resource(try await self.registry.profile(id: id, tenantID: principal.tenantID)))
    }

    /// The campaign as every campaign endpoint shows it, with delivery stats from recorded sales.
    static func resource(_ profile: CampaignProfile) -> JSONValue {
        let campaign = profile.campaign
        let performance = profile.performance
        return [
            "id": .string(campaign.id),
            "name": .string(campaign.name),
            "campaign_type": .string(campaign.campaignType.rawValue),
            "status": .string(campaign.status.rawValue),
            "states": .strings(campaign.states),
            "budget_cents": .integer(campaign.budgetCents),
            "budget_remaining_cents": .integer(profile.budgetRemainingCents),
            "max_leads_per_day": .optional(campaign.maxLeadsPerDay),
            "delivery_webhook": .optional(campaign.deliveryWebhook),
            "buyer_id": .optional(campaign.buyerID),
            "require_dnc_clear": .bool(campaign.requireDNCClear),
            "leads_delivered": .int(performance.sales.sold),
            "leads_accepted": .int(performance.sales.accepted),
            "leads_returned": .int(performance.sales.returned),
            "explicitly_accepted": .int(performance.sales.explicitlyAccepted),
            "acceptance_rate": .ratio(performance.sales.acceptanceRate),
            "avg_cost_cents": .integer(performance.sales.averageCostCents),
            "revenue_cents": .integer(performance.sales.grossCents),
            "refunds_cents": .integer(performance.sales.refundsCents),
            "net_revenue_cents": .integer(performance.sales.netCents),
            "created_at": .timestamp(campaign.createdAt),
            "updated_at": .timestamp(campaign.updatedAt),
        ]
    }
}
