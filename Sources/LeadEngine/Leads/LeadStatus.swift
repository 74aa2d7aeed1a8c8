/// Where a lead is in its life. The engine moves a lead through `qualified` → `sold` →
/// `delivered` → `accepted` or `returned`; people move it on with `PATCH` (`contacted`,
/// `converted`, `closed`) along the transitions `allowedManualTransitions` lists.
public enum LeadStatus: String, CaseIterable, Sendable {
    /// Passed qualification and dedup; not sold (no buyer matched, or not routed yet).
    case qualified
    /// Failed qualification; its reasons are kept.
    case rejected
    /// Repeats a lead of the same tenant inside the dedup window; linked to it.
    case duplicate
    /// Sold to a buyer; the delivery is on its way.
    case sold
    /// The buyer's webhook took it (or the buyer has no webhook and reads it from the API).
    case delivered
    /// The buyer accepted it; the charge is final.
    case accepted
    /// The buyer returned it inside the return window and was credited.
    case returned
    case contacted
    case converted
    case closed

    /// The moves `PATCH /leads/{id}` may make. Selling, delivering, accepting and returning happen
    /// only through the engine and their own endpoints, so billing always follows the status.
    public static let allowedManualTransitions: [LeadStatus: Set<LeadStatus>] = [
        .qualified: [.contacted, .closed, .rejected],
        .rejected: [.closed],
        .duplicate: [.closed],
        .sold: [.contacted],
        .delivered: [.contacted],
        .accepted: [.contacted, .converted, .closed],
        .contacted: [.converted, .closed],
        .converted: [.closed],
        .returned: [.closed],
        .closed: [],
    ]

    public func canMove(to next: LeadStatus) -> Bool {
        next == self || (Self.allowedManualTransitions[self]?.contains(next) ?? false)
    }

    /// Statuses of a lead a buyer bought and still holds (for accept and return).
    var isHeldByBuyer: Bool { self == .sold || self == .delivered || self == .contacted }
}

/// Why a buyer returns a lead. The list is fixed so returns can be counted and audited by reason.
public enum ReturnReason: String, CaseIterable, Sendable {
    case invalidPhone = "invalid_phone"
    case invalidEmail = "invalid_email"
    case duplicate
    case wrongState = "wrong_state"
    case doNotCall = "do_not_call"
    case underage
    case fraud
    case other
}
