import Foundation

/// What one delivery attempt writes, decided here so that every store writes the same: the
/// attempt, the delivery's new state (only while it is still pending: a late failure never
/// undoes a success), and, when the attempt delivered it, the lead's move to delivered.
public struct DeliveryAttemptWrites: Sendable {
    /// Written when the delivery's state changed (it was still pending).
    public struct LeadDelivered: Sendable {
        public var leadID: String
        /// The return window runs from here; a lead people already moved on (accepted,
        /// returned) keeps its status, so only a lead still in `from` moves `to`.
        public var from: LeadStatus
        public var to: LeadStatus
        /// Kept when the lead already has one (delivered when sold, its buyer having no webhook).
        public var deliveredAtMilliseconds: Int64
        public var event: LeadEvent
    }

    public var attempt: DeliveryAttempt
    public var delivery: Delivery
    /// The delivery state the store expects to replace.
    public var expectedStatus: Delivery.Status
    public var leadDelivered: LeadDelivered?

    /// `delivery` is the delivery as the attempt left it.
    public init(_ attempt: DeliveryAttempt, of delivery: Delivery) {
        self.attempt = attempt
        self.delivery = delivery
        self.expectedStatus = .pending
        self.leadDelivered =
            delivery.status == .delivered
            ? LeadDelivered(
                leadID: delivery.leadID, from: .sold, to: .delivered, deliveredAtMilliseconds: attempt.attemptedAtMilliseconds,
                event: LeadEvent(
                    .delivered, detail: ["delivery_id": .string(delivery.id), "status_code": .optional(attempt.statusCode)],
                    at: Date(epochMilliseconds: attempt.attemptedAtMilliseconds)
                )
            ) : nil
    }
}
