import Foundation

/// One line of the append-only ledger, in integer cents. Charges lower an account's balance;
/// credits and refunds raise it. Corrections are new entries, never edits.
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        /// A lead sold to the buyer, at the sold price.
        case charge
        /// Money paid in or granted: to a buyer (prepaid funds, a payment) or to the tenant's own account.
        case credit
        /// A charge given back: a return inside the window, or an admin refund.
        case refund

        /// Each kind's id prefix, as the spec shows them (`txn_`, `cred_`, `ref_`).
        public var idPrefix: IdentifierPrefix {
            switch self {
            case .charge: .transaction
            case .credit: .credit
            case .refund: .refund
            }
        }

        /// The sign of the kind's effect on a balance.
        public var sign: Int64 { self == .charge ? -1 : 1 }
    }

    public var id: String
    public var tenantID: String
    /// The buyer's account; nil for the tenant's own account.
    public var buyerID: String?
    public var leadID: String?
    public var kind: Kind
    /// Always positive; `kind` says which way it moves the balance.
    public var amountCents: Int64
    public var description: String
    public var reason: String?
    /// The account's balance right after this entry.
    public var balanceAfterCents: Int64?
    public var createdAt: Date

    public init(
        id: String, tenantID: String, buyerID: String?, leadID: String?, kind: Kind, amountCents: Int64, description: String, reason: String? = nil,
        balanceAfterCents: Int64? = nil, createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.buyerID = buyerID
        self.leadID = leadID
        self.kind = kind
        self.amountCents = amountCents
        self.description = description
        self.reason = reason
        self.balanceAfterCents = balanceAfterCents
        self.createdAt = createdAt
    }
}
