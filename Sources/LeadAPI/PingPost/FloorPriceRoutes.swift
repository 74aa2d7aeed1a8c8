import Hummingbird
import LeadEngine

/// `/api/v1/pingpost/floors`: the lowest bid the account accepts per campaign type (an addition to
/// the spec). Anyone with an API key may read them; only an admin key may change them.
struct FloorPriceRoutes {
    let settings: FloorPriceSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: self.list)
        group.put(":campaign_type", use: self.update)
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
