/// A part of the store every node keeps in memory, announced when any node changes it.
public enum StoreChange: String, Sendable, CaseIterable {
    case buyers
    case campaigns
    case keys
    /// Floor prices and the tenants' shared-sale limits.
    case pingSettings = "ping_settings"
    /// Buyers' balances, raised by a credit.
    case funds
}

/// What a store's change feed says.
public enum StoreChangeNotice: Sendable, Equatable {
    case changed(StoreChange)
    /// The feed (re)connected: notices may have been lost meanwhile, so everything is read again.
    case resynchronise
}
