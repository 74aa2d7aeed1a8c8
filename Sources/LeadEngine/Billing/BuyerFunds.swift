import Synchronization

/// Each buyer's balance and billing terms in memory, for the ping path (is this buyer able to pay
/// this price?) and for posts, which reserve the price until their sale commits.
///
/// The store holds the truth and refuses any balance below its floor; this copy keeps buyers who
/// cannot pay out of auctions (`budget` no-bid) and lets concurrent posts that together exceed a
/// balance fail fast, one by one, without reaching the store.
public final class BuyerFunds: Sendable {
    struct Account: Sendable {
        var terms: BillingTerms
        var balanceCents: Int64
        /// Prices of posts in flight: reserved, not yet committed.
        var reservedCents: Int64
    }

    struct State: Sendable {
        var accounts: [String: Account] = [:]
        /// Accounts with a balance floor (prepaid, or a credit limit): when none, no buyer id needs hashing on a ping.
        var limitedCount = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Sets a buyer's terms and balance, as loaded from the store or after its terms changed.
    public func load(buyerID: String, terms: BillingTerms, balanceCents: Int64) {
        self.state.withLock { state in
            let reserved = state.accounts[buyerID]?.reservedCents ?? 0
            Self.replace(&state, buyerID: buyerID, with: Account(terms: terms, balanceCents: balanceCents, reservedCents: reserved))
        }
    }

    /// Changes a buyer's terms, keeping its balance.
    public func setTerms(buyerID: String, terms: BillingTerms) {
        self.state.withLock { state in
            var account = state.accounts[buyerID] ?? Account(terms: terms, balanceCents: 0, reservedCents: 0)
            account.terms = terms
            Self.replace(&state, buyerID: buyerID, with: account)
        }
    }

    /// Reserves `priceCents` for a post if the buyer can pay it with what is neither spent nor reserved.
    public func reserve(buyerID: String, priceCents: Int64) -> Bool {
        self.state.withLock { state in
            guard var account = state.accounts[buyerID] else { return true }
            guard Self.canPay(account, priceCents) else { return false }
            account.reservedCents += priceCents
            state.accounts[buyerID] = account
            return true
        }
    }

    /// Gives back a reservation whose sale did not commit.
    public func release(buyerID: String, priceCents: Int64) {
        self.state.withLock { state in state.accounts[buyerID]?.reservedCents -= priceCents }
    }

    /// A reserved price became a charge in the store.
    public func charge(buyerID: String, priceCents: Int64) {
        self.state.withLock { state in
            guard var account = state.accounts[buyerID] else { return }
            account.reservedCents -= priceCents
            account.balanceCents -= priceCents
            state.accounts[buyerID] = account
        }
    }

    /// A credit or refund raised the buyer's balance in the store.
    public func add(buyerID: String, cents: Int64) {
        self.state.withLock { state in state.accounts[buyerID]?.balanceCents += cents }
    }

    /// What the buyer has left to spend; nil when nothing limits it.
    public func available(buyerID: String) -> Int64? {
        self.state.withLock { state in state.accounts[buyerID].flatMap(Self.available) }
    }

    /// The funds as they are now, for a whole ping under one lock (copying the state is O(1)).
    public func snapshot() -> Snapshot { Snapshot(state: self.state.withLock { $0 }) }

    public struct Snapshot: Sendable {
        let state: State

        public func canPay(buyerID: String, priceCents: Int64) -> Bool {
            if self.state.limitedCount == 0 { return true }
            guard let account = self.state.accounts[buyerID] else { return true }
            return BuyerFunds.canPay(account, priceCents)
        }
    }

    private static func available(_ account: Account) -> Int64? {
        guard let floor = account.terms.balanceFloorCents else { return nil }
        return account.balanceCents - account.reservedCents - floor
    }

    private static func canPay(_ account: Account, _ priceCents: Int64) -> Bool {
        guard let available = Self.available(account) else { return true }
        return available >= priceCents
    }

    private static func replace(_ state: inout State, buyerID: String, with account: Account) {
        if state.accounts[buyerID]?.terms.balanceFloorCents != nil { state.limitedCount -= 1 }
        if account.terms.balanceFloorCents != nil { state.limitedCount += 1 }
        state.accounts[buyerID] = account
    }
}
