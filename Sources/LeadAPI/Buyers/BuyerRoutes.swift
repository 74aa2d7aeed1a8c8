import Hummingbird
import LeadEngine

/// `/api/v1/buyers`: register buyers, list and inspect them, update them, and match them to a lead profile.
struct BuyerRoutes {
    let registry: BuyerRegistry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: self.create)
        group.get(use: self.list)
        group.get("match", use: self.match)
        group.get(":id", use: self.show)
        group.patch(":id", use: self.update)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let draft = BuyerDraft(
            name: body.string("name"), campaignTypes: body.strings("campaign_types"), states: body.strings("states"),
            maxPriceCents: body.int64("max_price_cents"), webhookURL: body.string("webhook_url"),
            webhookSecret: body.string("webhook_secret"), bidURL: body.string("bid_url"),
            bidTimeoutMilliseconds: body.int("bid_timeout_ms"), exclusivity: body.string("exclusivity"),
            zipCodes: body.strings("zip_codes"), dailyCap: body.int("daily_cap"), timeZone: body.string("time_zone"),
            billingMode: body.string("billing_mode"), creditLimitCents: body.int64("credit_limit_cents"),
            returnWindowHours: body.int("return_window_hours"), maxReturnPercent: body.int("max_return_percent"),
            requireDNCClear: body.bool("require_dnc_clear"), status: body.string("status")
        )
        try throwFieldErrors(body) { BuyerRegistry.problems(in: draft) }
        let buyer = try await self.registry.create(draft, tenantID: principal.tenantID)
        return JSONResponse(
            status: .created, headers: [.location: "/api/v1/buyers/\(buyer.id)"],
            Self.resource(BuyerProfile(buyer: buyer, performance: .none))
        )
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let filter = BuyerFilter(
            status: query.enumeration("status", BuyerStatus.self),
            campaignType: query.enumeration("campaign_type", CampaignType.self),
            state: query.string("state")
        )
        if let state = filter.state { FieldRules.state(state, field: "state", into: &query.errors) }
        let page = query.page()
        try query.errors.throwIfAny()
        let profiles = try await self.registry.list(tenantID: principal.tenantID, filter: filter, page: page)
        return JSONResponse(.list(profiles.items.map(Self.resource), total: profiles.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func match(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        var campaignType: CampaignType?
        var state = ""
        if let raw = query.string("campaign_type") {
            campaignType = FieldRules.campaignType(raw, field: "campaign_type", into: &query.errors)
        } else {
            query.errors.add("campaign_type", "is required")
        }
        if let raw = query.string("state") {
            state = raw
            FieldRules.state(raw, field: "state", into: &query.errors)
        } else {
            query.errors.add("state", "is required")
        }
        let zipCode = query.string("zip_code")
        if let zipCode { FieldRules.zipCode(zipCode, field: "zip_code", into: &query.errors) }
        try query.errors.throwIfAny()
        guard let campaignType else { throw Problem.invalidFields([FieldError(field: "campaign_type", message: "is required")]) }
        let matches = self.registry.match(tenantID: principal.tenantID, campaignType: campaignType, state: state, zipCode: zipCode)
        return JSONResponse([
            "matches": .array(
                matches.map { buyer in
                    [
                        "buyer_id": .string(buyer.id), "name": .string(buyer.name), "bid_cents": .integer(buyer.maxPriceCents),
                        "exclusivity": .string(buyer.exclusivity.rawValue),
                        "bid_source": .string(buyer.bidURL == nil ? "static" : "real_time"),
                    ]
                }
            )
        ])
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
        var changes = BuyerChanges()
        changes.name = body.update("name") { $0.string($1) }
        changes.campaignTypes = body.update("campaign_types") { $0.strings($1) }
        changes.states = body.update("states") { $0.strings($1) }
        changes.maxPriceCents = body.update("max_price_cents") { $0.int64($1) }
        changes.webhookURL = body.nullableUpdate("webhook_url") { $0.string($1) }
        changes.webhookSecret = body.nullableUpdate("webhook_secret") { $0.string($1) }
        changes.bidURL = body.nullableUpdate("bid_url") { $0.string($1) }
        changes.bidTimeoutMilliseconds = body.update("bid_timeout_ms") { $0.int($1) }
        changes.exclusivity = body.update("exclusivity") { $0.string($1) }
        changes.zipCodes = body.nullableUpdate("zip_codes") { $0.strings($1) }
        changes.dailyCap = body.nullableUpdate("daily_cap") { $0.int($1) }
        changes.timeZone = body.update("time_zone") { $0.string($1) }
        changes.billingMode = body.update("billing_mode") { $0.string($1) }
        changes.creditLimitCents = body.nullableUpdate("credit_limit_cents") { $0.int64($1) }
        changes.returnWindowHours = body.update("return_window_hours") { $0.int($1) }
        changes.maxReturnPercent = body.nullableUpdate("max_return_percent") { $0.int($1) }
        changes.requireDNCClear = body.update("require_dnc_clear") { $0.bool($1) }
        changes.status = body.update("status") { $0.string($1) }
        try throwFieldErrors(body) { BuyerRegistry.problems(in: changes) }
        _ = try await self.registry.update(id: id, tenantID: principal.tenantID, changes: changes)
        return JSONResponse(Self.resource(try await self.registry.profile(id: id, tenantID: principal.tenantID)))
    }

    /// The buyer as every buyer endpoint shows it. `webhook_secret` is write-only: only whether one is set.
    static func resource(_ profile: BuyerProfile) -> JSONValue {
        let buyer = profile.buyer
        let performance = profile.performance
        return [
            "id": .string(buyer.id),
            "name": .string(buyer.name),
            "status": .string(buyer.status.rawValue),
            "campaign_types": .strings(buyer.campaignTypes.map(\.rawValue)),
            "states": .strings(buyer.states),
            "max_price_cents": .integer(buyer.maxPriceCents),
            "webhook_url": .optional(buyer.webhookURL),
            "has_webhook_secret": .bool(buyer.webhookSecret != nil),
            "bid_url": .optional(buyer.bidURL),
            "bid_timeout_ms": .int(buyer.bidTimeoutMilliseconds),
            "exclusivity": .string(buyer.exclusivity.rawValue),
            "zip_codes": buyer.zipCodes.map(JSONValue.strings) ?? .null,
            "daily_cap": .optional(buyer.dailyCap),
            "time_zone": .string(buyer.timeZone),
            "billing_mode": .string(buyer.billing.mode.rawValue),
            "credit_limit_cents": .optional(buyer.billing.creditLimitCents),
            "return_window_hours": .int(buyer.billing.returnWindowHours),
            "max_return_percent": .optional(buyer.billing.maxReturnPercent),
            "require_dnc_clear": .bool(buyer.requireDNCClear),
            "leads_purchased": .int(performance.sales.sold),
            "leads_accepted": .int(performance.sales.accepted),
            "leads_returned": .int(performance.sales.returned),
            "explicitly_accepted": .int(performance.sales.explicitlyAccepted),
            "total_spent_cents": .integer(performance.sales.grossCents),
            "refunds_cents": .integer(performance.sales.refundsCents),
            "net_spent_cents": .integer(performance.sales.netCents),
            "avg_lead_cost_cents": .integer(performance.sales.averageCostCents),
            "acceptance_rate": .ratio(performance.sales.acceptanceRate),
            "avg_response_time_ms": .int(performance.averageResponseTimeMilliseconds),
            "balance_cents": .integer(performance.balanceCents),
            "created_at": .timestamp(buyer.createdAt),
            "updated_at": .timestamp(buyer.updatedAt),
        ]
    }
}
