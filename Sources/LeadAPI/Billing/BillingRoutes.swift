import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/billing`: usage, invoices, the transaction ledger, credits and refunds.
struct BillingRoutes {
    let ledger: Ledger
    let idempotency: IdempotencyGate

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("usage", use: self.usage)
        group.get("invoices", use: self.invoices)
        group.post("credits/add", use: self.addCredit)
        group.get("transactions", use: self.transactions)
        group.post("refund", use: self.refund)
    }

    @Sendable func usage(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        let buyerID = query.string("buyer_id")
        try query.errors.throwIfAny()
        let usage = try await self.ledger.usage(tenantID: principal.tenantID, period: period, buyerID: buyerID)
        return JSONResponse([
            "period": .string(usage.period.description),
            "leads_purchased": .int(usage.sales.sold),
            "total_spend_cents": .integer(usage.sales.grossCents),
            "refunds_cents": .integer(usage.sales.refundsCents),
            "net_spend_cents": .integer(usage.sales.netCents),
            "credits_remaining_cents": .integer(usage.creditsRemainingCents),
            "avg_cost_per_lead_cents": .integer(usage.sales.averageCostCents),
            "buyer_id": .optional(usage.buyerID),
            "charged_cents": .integer(usage.totals.chargedCents),
            "refunded_cents": .integer(usage.totals.refundedCents),
            "leads_refunded": .int(usage.totals.refunds),
            "credits_added_cents": .integer(usage.totals.creditedCents),
            "balance_cents": .integer(usage.balanceCents),
        ])
    }

    @Sendable func invoices(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let buyerID = query.string("buyer_id")
        let page = query.page()
        try query.errors.throwIfAny()
        let invoices = try await self.ledger.invoices(tenantID: principal.tenantID, buyerID: buyerID, page: page)
        return JSONResponse(
            .list(
                invoices.items.map { invoice in
                    [
                        "id": .string(invoice.id), "period": .string(invoice.period.description), "amount_cents": .integer(invoice.amountCents),
                        "status": .string(invoice.status.rawValue), "paid_at": invoice.paidAt.map(JSONValue.timestamp) ?? .null,
                        "buyer_id": .optional(invoice.buyerID), "leads": .int(invoice.leads), "created_at": .timestamp(invoice.createdAt),
                    ]
                },
                total: invoices.total, page: page.page, perPage: page.perPage
            )
        )
    }

    @Sendable func addCredit(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requireRole(.admin)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "billing/credits/add", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let amount = body.int64("amount_cents")
            let reason = body.string("reason")
            let buyerID = body.string("buyer_id")
            var problems = FieldErrors()
            if amount == nil && body.lacks("amount_cents") { problems.add("amount_cents", "is required") }
            if reason == nil && body.lacks("reason") { problems.add("reason", "is required") }
            try throwFieldErrors(body) { problems.all }
            if !problems.isEmpty { throw Problem.invalidFields(problems.all) }
            let entry = try await self.ledger.addCredit(
                amountCents: amount ?? 0, reason: reason ?? "", buyerID: buyerID, tenantID: principal.tenantID
            )
            return JSONResponse(
                status: .created,
                [
                    "balance_cents": .optional(entry.balanceAfterCents), "credit_id": .string(entry.id), "amount_cents": .integer(entry.amountCents),
                    "buyer_id": .optional(entry.buyerID), "created_at": .timestamp(entry.createdAt),
                ]
            )
        }
    }

    @Sendable func transactions(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let filter = LedgerFilter(
            kind: query.enumeration("type", LedgerEntry.Kind.self), buyerID: query.string("buyer_id"),
            createdAfter: query.instant("created_after"), createdBefore: query.instant("created_before")
        )
        let page = query.page()
        try query.errors.throwIfAny()
        let entries = try await self.ledger.transactions(tenantID: principal.tenantID, filter: filter, page: page)
        return JSONResponse(.list(entries.items.map(Self.resource), total: entries.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func refund(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requireRole(.admin)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "billing/refund", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let leadID = body.string("lead_id")
            let rawReason = body.string("reason")
            var problems = FieldErrors()
            if leadID == nil && body.lacks("lead_id") { problems.add("lead_id", "is required") }
            var reason: ReturnReason?
            if let rawReason {
                reason = ReturnReason(rawValue: rawReason)
                if reason == nil { problems.add("reason", "must be one of \(ReturnReason.allCases.map(\.rawValue).joined(separator: ", "))") }
            } else if body.lacks("reason") {
                problems.add("reason", "is required")
            }
            try throwFieldErrors(body) { problems.all }
            if !problems.isEmpty { throw Problem.invalidFields(problems.all) }
            guard let leadID, let reason else { throw Problem.invalidFields([FieldError(field: "lead_id", message: "is required")]) }
            let entry = try await self.ledger.refund(leadID: leadID, reason: reason, tenantID: principal.tenantID, actorKeyID: principal.keyID)
            return JSONResponse(
                status: .created,
                [
                    "refund_id": .string(entry.id), "amount_cents": .integer(entry.amountCents), "status": "processed",
                    "lead_id": .optional(entry.leadID), "buyer_id": .optional(entry.buyerID), "created_at": .timestamp(entry.createdAt),
                ]
            )
        }
    }

    static func resource(_ entry: LedgerEntry) -> JSONValue {
        [
            "id": .string(entry.id), "type": .string(entry.kind.rawValue), "amount_cents": .integer(entry.amountCents),
            "description": .string(entry.description), "created_at": .timestamp(entry.createdAt), "buyer_id": .optional(entry.buyerID),
            "lead_id": .optional(entry.leadID), "reason": .optional(entry.reason), "balance_after_cents": .optional(entry.balanceAfterCents),
        ]
    }
}
