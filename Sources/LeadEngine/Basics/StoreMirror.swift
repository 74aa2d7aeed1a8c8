/// What this node keeps in memory of the store for its hot paths, and how each part is read
/// again when another node changes it: the buyer index (with funds' terms), the campaigns'
/// budgets, the key ring, the ping settings and the buyers' balances.
public struct StoreMirror: Sendable {
    let buyers: BuyerRegistry
    let campaigns: CampaignRegistry
    let keys: KeyRingRefresher
    let settings: PingPostSettings
    let ledger: Ledger

    public init(buyers: BuyerRegistry, campaigns: CampaignRegistry, keys: KeyRingRefresher, settings: PingPostSettings, ledger: Ledger) {
        self.buyers = buyers
        self.campaigns = campaigns
        self.keys = keys
        self.settings = settings
        self.ledger = ledger
    }

    public func apply(_ notice: StoreChangeNotice) async throws {
        switch notice {
        case .changed(let change): try await self.reload(change)
        case .resynchronise: for change in StoreChange.allCases { try await self.reload(change) }
        }
    }

    private func reload(_ change: StoreChange) async throws {
        switch change {
        case .buyers: try await self.buyers.loadIndex()
        case .campaigns: try await self.campaigns.loadBudgets()
        case .keys: try await self.keys.reloadAll()
        case .pingSettings: try await self.settings.loadAll()
        case .funds: try await self.ledger.loadFunds()
        }
    }
}
