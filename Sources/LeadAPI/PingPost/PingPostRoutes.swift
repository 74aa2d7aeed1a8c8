import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine

/// `/api/v1/pingpost`: ping for bids, and look at a ping's auction afterwards.
struct PingPostRoutes {
    let auctioneer: Auctioneer
    let pings: PingRecords

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("ping", use: self.ping)
        group.get("pings/:ping_id", use: self.show)
    }

    @Sendable func ping(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let validation = Result { () throws(ValidationError) in
            try PingRequest.validated(
                campaignType: body.string("campaign_type"), state: body.string("state"), zipCode: body.string("zip_code"),
                source: body.string("source"), tmaxMilliseconds: body.int("tmax_ms")
            )
        }
        try throwFieldErrors(body) { if case .failure(let error) = validation { error.fields } else { [] } }
        let pingRequest = try validation.get()
        do {
            let ping = try await self.auctioneer.ping(pingRequest, tenantID: principal.tenantID)
            return JSONResponse(Self.answer(ping))
        } catch {
            throw Problem(
                status: .serviceUnavailable, code: "too_many_live_pings", title: "Too many live pings",
                detail: "This account holds as many live pings as it may; older pings expire within a minute.",
                headers: [.retryAfter: String((error.retryAfterMilliseconds + 999) / 1000)]
            )
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("ping_id")
        guard let found = try await self.pings.find(id: id, tenantID: principal.tenantID) else {
            throw NotFoundError(entity: "ping", id: id)
        }
        return JSONResponse(Self.detail(found.ping, live: found.live))
    }

    /// Exactly the spec's shape.
    static func answer(_ ping: Ping) -> JSONValue {
        [
            "ping_id": .string(ping.id),
            "expires_at": .timestamp(ping.expiresAt),
            "bids": .array(ping.bids.map { bid in
                [
                    "buyer_id": .string(bid.buyerID), "buyer_name": .string(bid.buyerName), "bid_cents": .integer(bid.bidCents),
                    "exclusivity": .string(bid.exclusivity.rawValue),
                ]
            }),
            "floor_price_cents": .integer(ping.floorPriceCents),
        ]
    }

    /// The ping with every buyer's bid or no-bid reason: why a lead did or did not sell.
    static func detail(_ ping: Ping, live: Bool) -> JSONValue {
        var answer = Self.answer(ping)
        guard case .object(var object) = answer else { return answer }
        object["campaign_type"] = .string(ping.request.campaignType.rawValue)
        object["state"] = .string(ping.request.state)
        object["zip_code"] = .string(ping.request.zipCode)
        object["source"] = .string(ping.request.source)
        object["tmax_ms"] = .int(ping.request.tmaxMilliseconds)
        object["created_at"] = .timestamp(ping.createdAt)
        object["status"] = .string(live ? "live" : "expired")
        object["sold_to"] = .strings(ping.soldTo)
        object["outcomes"] = .array(ping.outcomes.map { outcome in
            var entry: [String: JSONValue] = [
                "buyer_id": .string(outcome.buyerID), "buyer_name": .string(outcome.buyerName),
                "response_time_ms": .optional(outcome.responseMilliseconds),
            ]
            switch outcome.result {
            case .bid(let bid):
                entry["result"] = "bid"
                entry["bid_cents"] = .integer(bid.bidCents)
                entry["exclusivity"] = .string(bid.exclusivity.rawValue)
                entry["bid_source"] = .string(bid.source.rawValue)
                entry["no_bid_reason"] = .null
                entry["detail"] = .null
            case .noBid(let reason, let detail):
                entry["result"] = "no_bid"
                entry["bid_cents"] = .null
                entry["exclusivity"] = .null
                entry["bid_source"] = .null
                entry["no_bid_reason"] = .string(reason.rawValue)
                entry["detail"] = .optional(detail)
            }
            return .object(entry)
        })
        answer = .object(object)
        return answer
    }
}
