import Synchronization

/// Fills the tables from the sale log behind the posts' answers, and makes every read wait until
/// the sales acknowledged before it are there: nobody ever sees less than a seller was told.
///
/// Two watermarks: the highest position acknowledged (appended and answered) and the highest
/// materialised. Reading them is two atomic loads, so a read with nothing pending costs nothing.
/// One fold runs at a time: the background loop folds as sales arrive, and a read that finds its
/// sales still logged folds them itself rather than wait for the loop.
public final class SaleMaterialiser: Sendable {
    /// Sales per fold while serving: a transaction of a millisecond or two, so the posts' own
    /// commits, which queue behind it on the one writer, wait little (16 held a 10 ms post p99 to
    /// 969 pairs/s where 64 held it to 907).
    public static let defaultBatch = 16
    /// Sales per fold when catching up, with nobody waiting: larger transactions share more pages.
    public static let catchUpBatch = 1_000

    private struct State {
        var folding = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let log: any SaleLog
    private let batch: Int
    private let report: @Sendable ([RefusedSale]) -> Void
    private let acknowledged = Atomic<Int64>(0)
    private let materialised = Atomic<Int64>(0)
    private let state = Mutex(State())
    /// Rung when a sale is logged.
    public let doorbell = Doorbell()

    /// `report` hears of sales the tables refused (kept aside by the log, never lost).
    public init(log: any SaleLog, batch: Int = SaleMaterialiser.defaultBatch, report: @escaping @Sendable ([RefusedSale]) -> Void = { _ in }) {
        self.log = log
        self.batch = batch
        self.report = report
    }

    /// Commits a sale to the log; once this returns, the sale is durable and may be acknowledged.
    public func append(_ sale: SaleRecord) async throws -> Int64 {
        let position = try await self.log.append(sale)
        Self.raise(self.acknowledged, to: position)
        self.doorbell.ring()
        return position
    }

    /// Whether every acknowledged sale is in the tables.
    public var isCaughtUp: Bool { self.materialised.load(ordering: .acquiring) >= self.acknowledged.load(ordering: .acquiring) }

    /// Returns once every sale acknowledged before the call is in the tables.
    public func awaitAcknowledged() async throws {
        try await self.waitUntilMaterialised(self.acknowledged.load(ordering: .acquiring))
    }

    /// Returns once the sale at `position` (and every one before it) is in the tables.
    public func waitUntilMaterialised(_ position: Int64) async throws {
        while self.materialised.load(ordering: .acquiring) < position {
            try await self.foldOnce()
        }
    }

    /// Folds everything logged, as at start after a crash; returns how many sales it folded.
    @discardableResult
    public func catchUp() async throws -> Int {
        var total = 0
        while true {
            // nil: another fold ran meanwhile, so the log may not be empty yet.
            guard let folded = try await self.foldOnce(limit: max(self.batch, Self.catchUpBatch)) else { continue }
            total += folded
            if folded == 0 { return total }
        }
    }

    /// The background loop: folds while sales wait, sleeps on the doorbell otherwise, and folds the
    /// rest before returning once `stopping` is set (the caller rings the doorbell then).
    public func run(stopping: @Sendable () -> Bool, onFailure: @Sendable (any Error) -> Void) async {
        while !stopping() {
            if self.isCaughtUp {
                await self.doorbell.wait(upTo: .seconds(1))
                continue
            }
            do {
                try await self.foldOnce()
            } catch {
                onFailure(error)
                // The store refuses writes: the next try comes after a pause, not in a spin.
                await self.doorbell.wait(upTo: .seconds(1))
            }
        }
        do { try await self.catchUp() } catch { onFailure(error) }
    }

    /// Sales acknowledged by this process and not yet in the tables, from the watermarks: positions
    /// are consecutive but for the rare append whose savepoint failed, so this is exact or a
    /// little over. Two atomic loads, for the metrics.
    public var backlogEstimate: Int64 {
        max(0, self.acknowledged.load(ordering: .acquiring) - self.materialised.load(ordering: .acquiring))
    }

    /// Sales logged and not yet in the tables, as the store counts them.
    public func backlog() async throws -> Int {
        try await self.log.backlog()
    }

    /// One fold, or, while another runs, the end of that one; returns the sales this call folded,
    /// nil when it waited for another's.
    @discardableResult
    private func foldOnce(limit: Int? = nil) async throws -> Int? {
        let limit = limit ?? self.batch
        let mine = self.state.withLock { state in
            if state.folding { return false }
            state.folding = true
            return true
        }
        guard mine else {
            await withCheckedContinuation { continuation in
                let resumeNow = self.state.withLock { state in
                    if !state.folding { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            return nil
        }
        defer {
            let waiting = self.state.withLock { state in
                state.folding = false
                defer { state.waiting.removeAll() }
                return state.waiting
            }
            for waiter in waiting { waiter.resume() }
        }
        // Everything acknowledged before the fold began is committed, so a fold that empties the
        // log has materialised it all, whatever positions it saw.
        let target = self.acknowledged.load(ordering: .acquiring)
        let fold = try await self.log.materialise(limit: limit)
        if !fold.refused.isEmpty { self.report(fold.refused) }
        let reached = fold.count < limit ? max(target, fold.through ?? 0) : (fold.through ?? 0)
        Self.raise(self.materialised, to: reached)
        return fold.count
    }

    private static func raise(_ watermark: borrowing Atomic<Int64>, to value: Int64) {
        var current = watermark.load(ordering: .relaxed)
        while current < value {
            let (exchanged, original) = watermark.compareExchange(expected: current, desired: value, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = original
        }
    }
}
