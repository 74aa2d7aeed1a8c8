import Foundation
import HTTPTypes
import Hummingbird
import LeadEngine

/// `/api/v1/pingpost`: ping for bids, and look at a ping's auction afterwards.
struct PingPostRoutes {
    let auctioneer: Auctioneer
    let pings: PingRecords
    let salesDesk: SalesDesk
    let storage: StorageHealth

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("ping", use: self.ping)
        group.post("post", use: self.post)
        group.get("pings/:ping_id", use: self.show)
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let pingID = body.string("ping_id")
        let buyerID = body.string("buyer_id")
        var lead = body.object("lead")
        var consent = body.object("consent")
        let contact = Result { () throws(ValidationError) in
            try LeadContact.validated(
                firstName: lead?.string("first_name"), lastName: lead?.string("last_name"), phone: lead?.string("phone"),
                email: lead?.string("email"), state: lead?.string("state"), zipCode: lead?.string("zip_code")
            )
        }
        let consentRecord = Result { () throws(ValidationError) in
            try Consent.validated(
                consentType: consent?.string("consent_type"), consentText: consent?.string("consent_text"),
                ipAddress: consent?.string("ip_address"), pageURL: consent?.string("page_url"), userAgent: consent?.string("user_agent"),
                channel: consent?.string("channel"), mechanism: consent?.string("mechanism")
            )
        }
        body.absorb(lead)
        body.absorb(consent)
        var problems: [FieldError] = []
        if pingID == nil { problems.append(FieldError(field: "ping_id", message: "is required")) }
        if buyerID == nil { problems.append(FieldError(field: "buyer_id", message: "is required")) }
        if lead == nil && !body.contains("lead") { problems.append(FieldError(field: "lead", message: "is required")) }
        if consent == nil && !body.contains("consent") { problems.append(FieldError(field: "consent", message: "is required; a lead is sold with its consent")) }
        for result in [contact.map { _ in () }, consentRecord.map { _ in () }] {
            if case .failure(let error) = result { problems += error.fields.filter { field in !problems.contains { $0.field == field.field } } }
        }
        try throwFieldErrors(body) { problems }
        if !problems.isEmpty { throw Problem.invalidFields(problems) }
        let receipt = try await self.salesDesk.post(
            PostRequest(pingID: pingID ?? "", buyerID: buyerID ?? "", contact: try contact.get(), consent: try consentRecord.get()),
            tenantID: principal.tenantID
        )
        return JSONResponse(encoded: receipt.answerJSON())
    }

    @Sendable func ping(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let pingRequest = try Self.pingRequest(from: &body)
        try Self.requireWritableJournal(self.storage)
        do {
            let ping = try await self.auctioneer.ping(pingRequest, tenantID: principal.tenantID)
            return JSONResponse(encoded: ping.answerJSON())
        } catch {
            throw Self.tooManyLivePings(error)
        }
    }

    /// The ping a body asks for, or the 422 naming every bad field. Both lanes read pings here.
    static func pingRequest(from body: inout FieldReader) throws -> PingRequest {
        let validation = Result { () throws(ValidationError) in
            try PingRequest.validated(
                campaignType: body.string("campaign_type"), state: body.string("state"), zipCode: body.string("zip_code"),
                source: body.string("source"), tmaxMilliseconds: body.int("tmax_ms")
            )
        }
        try throwFieldErrors(body) { if case .failure(let error) = validation { error.fields } else { [] } }
        return try validation.get()
    }

    /// A ping is answered only while its record can be written: one the journal cannot keep would
    /// vanish on a restart, its bids could not be posted anyway (a sale cannot be stored either),
    /// and the journal would grow in memory. Both lanes ask here, after the key and the body.
    static func requireWritableJournal(_ storage: StorageHealth) throws {
        if let reason = storage.failure { throw Problem.storageUnavailable(reason) }
    }

    static func tooManyLivePings(_ error: PingBookFull) -> Problem {
        Problem(
            status: .serviceUnavailable, code: "too_many_live_pings", title: "Too many live pings",
            detail: "This account holds as many live pings as it may; older pings expire within a minute.",
            headers: [.retryAfter: String((error.retryAfterMilliseconds + 999) / 1000)]
        )
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
        object["outranked_static_buyers"] = .int(ping.outrankedStaticBuyers)
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
