/// A write the store refused because it would break one of the store's invariants, said the same
/// way by every store; the engine chooses how to answer for it (`conflict`).
public enum StoreRefusal: Error, Sendable, Equatable {
    /// A prepaid balance below zero, or an invoiced one past its credit limit.
    case balanceBelowFloor
    /// A second refund of one lead's charge.
    case alreadyRefunded(leadID: String)
    /// The lead is no longer in the status the write expected (it moved on meanwhile).
    case leadMovedOn(leadID: String)

    public var conflict: ConflictError {
        switch self {
        case .balanceBelowFloor:
            ConflictError(
                code: "insufficient_funds",
                detail: "The account's balance would fall below what its terms allow (zero when prepaid, the credit limit when invoiced)."
            )
        case .alreadyRefunded:
            ConflictError(code: "already_refunded", detail: "This lead's charge was already refunded (by a return or an earlier refund).")
        case .leadMovedOn:
            ConflictError(code: "lead_not_for_sale", detail: "The lead is no longer qualified and unsold.")
        }
    }
}
