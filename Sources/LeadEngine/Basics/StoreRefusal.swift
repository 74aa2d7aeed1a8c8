/// A write the store refused because it would break one of the store's invariants, said the same
/// way by every store; the engine chooses how to answer for it (`conflict`).
public enum StoreRefusal: Error, Sendable, Equatable {
    /// A prepaid balance below zero, or an invoiced one past its credit limit.
    case balanceBelowFloor
    /// A second refund of one lead's charge.
    case alreadyRefunded(leadID: String)
    /// The lead is no longer in the status the write expected (it moved on meanwhile).
    case leadMovedOn(leadID: String)
    /// The ping may not sell to this buyer any more (`SaleLimits`): sold to it, or sold out.
    case pingSold(String)
    /// The buyer bought its `daily_cap` leads today (`SaleLimits`).
    case dailyCapReached
    /// The paying campaign's budget or daily volume is spent (`SaleLimits`).
    case budgetExhausted

    /// How a post answers for the refusal, for those a post can meet.
    public var postRejection: PostRejection? {
        switch self {
        case .balanceBelowFloor: .insufficientFunds
        case .pingSold(let reason): .alreadySold(reason)
        case .dailyCapReached: .dailyCapReached
        case .budgetExhausted: .budgetExhausted
        case .alreadyRefunded, .leadMovedOn: nil
        }
    }

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
        case .pingSold(let reason):
            ConflictError(code: "already_sold", detail: reason.prefix(1).uppercased() + reason.dropFirst() + ".")
        case .dailyCapReached:
            ConflictError(code: "daily_cap_reached", detail: "The buyer has bought as many leads today as its daily_cap allows.")
        case .budgetExhausted:
            ConflictError(code: "budget_exhausted", detail: "None of the buyer's campaigns can pay this bid any more.")
        }
    }
}
