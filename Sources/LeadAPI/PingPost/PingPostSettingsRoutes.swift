import Hummingbird
import LeadEngine

/// The account's ping-post settings (additions to the spec): `/api/v1/pingpost/floors`, the lowest
/// bid accepted per campaign type, and `/api/v1/pingpost/settings`, how many buyers may share a
/// lead. Anyone with an API key may read them; only an admin key may change them.
struct PingPostSettingsRoutes {
    let settings: PingPostSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("floors", use: self.list)
        group.put("floors/:campaign_type", use: self.update)
        group.get("settings", use: self.showSettings)
        group.put("settings", use: self.updateSettings)
    }

    @Sendable func showSettings(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        return JSONResponse(["max_shared_buyers": .int(self.settings.maxSharedBuyers(tenantID: principal.tenantID))])
    }

    @Sendable func updateSettings(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requireRole(.admin)
        var request = request
        var body = try await request.jsonObject(context: context)
        let value = body.int("max_shared_buyers")
        try throwFieldErrors(body) { [] }
        let stored = try await self.settings.setMaxSharedBuyers(value, tenantID: principal.tenantID)
        return JSONResponse(["max_shared_buyers": .int(stored)])
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        return JSONResponse(["items": .array(self.settings.list(tenantID: principal.tenantID).map(Self.resource))])
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requireRole(.admin)
        let campaignType = try context.parameters.require("campaign_type")
        var request = request
        var body = try await request.jsonObject(context: context)
        let cents = body.int64("floor_price_cents")
        try throwFieldErrors(body) { [] }
        let floor = try await self.settings.set(tenantID: principal.tenantID, campaignType: campaignType, floorPriceCents: cents)
        return JSONResponse(Self.resource(floor))
    }

    static func resource(_ floor: FloorPrice) -> JSONValue {
        ["campaign_type": .string(floor.campaignType.rawValue), "floor_price_cents": .integer(floor.floorPriceCents)]
    }
}
