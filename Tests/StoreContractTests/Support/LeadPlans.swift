import Foundation
import LeadEngine

/// Plans the engine hands the store inside its transactions, made here the simple way: the
/// contract is that the store writes what the plan says, not how the engine decides.
enum LeadPlans {
    /// A return of the lead's charge in full, as `LeadDesk` plans one inside the window.
    static func returned(_ context: ReturnContext, at now: Int64, refundID: String, reason: ReturnReason = .invalidPhone) throws -> ReturnPlan {
        var lead = context.lead
        let at = Date(epochMilliseconds: now)
        let refund = context.charge.flatMap { charge in
            charge.buyerID.map { buyerID in
                LedgerEntry(
                    id: refundID, tenantID: lead.tenantID, buyerID: buyerID, leadID: lead.id, kind: .refund, amountCents: charge.amountCents,
                    description: "Lead returned", reason: reason.rawValue, createdAt: at
                )
            }
        }
        lead.status = .returned
        lead.returnedAt = at
        lead.returnReason = reason
        lead.returnNotes = "wrong number"
        lead.updatedAt = at
        let event = LeadEvent(.returned, detail: ["reason": .string(reason.rawValue), "refund_id": .optional(refund?.id)], actorKeyID: "key_1", at: at)
        return ReturnPlan(lead: lead, refund: refund, events: [event], addToInternalDoNotCall: reason == .doNotCall)
    }

    /// An admin refund of the lead's charge, as `Ledger.refund` plans it.
    static func refund(_ lead: Lead, _ charge: LedgerEntry?, id: String, at now: Int64) throws -> RefundPlan {
        guard let charge, let buyerID = charge.buyerID else { throw NotCharged() }
        let at = Date(epochMilliseconds: now)
        return RefundPlan(
            entry: LedgerEntry(
                id: id, tenantID: lead.tenantID, buyerID: buyerID, leadID: lead.id, kind: .refund, amountCents: charge.amountCents,
                description: "Lead refunded", reason: "fraud", createdAt: at
            ),
            events: [LeadEvent(.refunded, detail: ["refund_id": .string(id)], at: at)]
        )
    }

    struct NotCharged: Error {}

    /// A successful delivery attempt at `at`, as the courier records it.
    static func delivered(_ delivery: Delivery, at: Int64) -> DeliveryAttemptWrites {
        var updated = delivery
        updated.attempts += 1
        updated.status = .delivered
        updated.nextAttemptAtMilliseconds = nil
        return DeliveryAttemptWrites(DeliveryAttempt(attemptedAtMilliseconds: at, statusCode: 200, error: nil, durationMilliseconds: 12), of: updated)
    }

    /// A failed attempt at `at`, retried at `retryAt`, or failing the delivery for good when nil.
    static func failed(_ delivery: Delivery, at: Int64, retryAt: Int64?) -> DeliveryAttemptWrites {
        var updated = delivery
        updated.attempts += 1
        updated.status = retryAt == nil ? .failed : .pending
        updated.nextAttemptAtMilliseconds = retryAt
        return DeliveryAttemptWrites(
            DeliveryAttempt(attemptedAtMilliseconds: at, statusCode: 503, reason: .httpError, error: "HTTP 503", durationMilliseconds: 40), of: updated
        )
    }
}
