import Synchronization

/// The store failed for a reason that time or an operator can fix (a full disk, an I/O error, a
/// read-only file system, a lock another process held too long): the request may be retried later.
public struct StorageUnavailable: Error, Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable {
        case full = "the disk is full"
        case inputOutput = "the disk failed to read or write"
        case readOnly = "the database is read-only"
        case cannotOpen = "the database file cannot be opened"
        case busy = "another process held the database lock too long"

        /// Whether this failure says writes are failing in general, not just that one waited too long.
        public var meansNotWritable: Bool { self != .busy }
    }

    public var reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }
}

/// Whether the store is taking writes, as the latest writes said: the readiness probe's answer, and
/// why pings are refused while their journal could not be written.
///
/// Failures are reported (for the log) when writes start failing, and then at most once a
/// minute with how many failed since, so a full disk writes two lines a minute, not one per
/// request; a recovery is reported when its failure was.
public final class StorageHealth: Sendable {
    public enum Change: Sendable, Equatable {
        /// Writes fail; `failures` counts those since the last report, this one included.
        case failing(StorageUnavailable.Reason, failures: Int)
        /// Writes succeed again after `failures` failures over `milliseconds`.
        case recovered(failures: Int, milliseconds: Int64)
    }

    public static let reportIntervalMilliseconds: Int64 = 60_000

    /// The episode's bookkeeping, for the reports; whether writes fail is `failing`.
    struct State {
        var failingSince: Int64 = 0
        var failuresInEpisode = 0
        var failuresSinceReport = 0
        var lastReportAt: Int64?
        var episodeReported = false
    }

    private let state = Mutex(State())
    /// 0 while writes succeed, else 1 + the index of the latest failure's reason: read without a
    /// lock, as every ping and every write asks. Changed only under `state`'s lock.
    private let failing = Atomic<Int>(0)
    private let clock: any EngineClock
    private let report: @Sendable (Change) -> Void

    public init(clock: any EngineClock = SystemClock(), report: @escaping @Sendable (Change) -> Void = { _ in }) {
        self.clock = clock
        self.report = report
    }

    /// Nil while writes succeed; otherwise why the latest one failed.
    public var failure: StorageUnavailable.Reason? {
        let code = self.failing.load(ordering: .acquiring)
        return code == 0 ? nil : StorageUnavailable.Reason.allCases[code - 1]
    }

    public var isWritable: Bool { self.failure == nil }

    public func writeFailed(_ reason: StorageUnavailable.Reason) {
        guard reason.meansNotWritable else { return }
        let now = self.clock.nowMilliseconds()
        let change = self.state.withLock { state -> Change? in
            if self.failing.load(ordering: .relaxed) == 0 {
                state.failingSince = now
                state.failuresInEpisode = 0
                state.episodeReported = false
            }
            let code = 1 + (StorageUnavailable.Reason.allCases.firstIndex(of: reason) ?? 0)
            self.failing.store(code, ordering: .releasing)
            state.failuresInEpisode += 1
            state.failuresSinceReport += 1
            if let last = state.lastReportAt, now - last < Self.reportIntervalMilliseconds { return nil }
            state.lastReportAt = now
            state.episodeReported = true
            defer { state.failuresSinceReport = 0 }
            return .failing(reason, failures: state.failuresSinceReport)
        }
        if let change { self.report(change) }
    }

    /// Called after every write: one atomic load while the store is healthy.
    public func writeSucceeded() {
        guard self.failing.load(ordering: .acquiring) != 0 else { return }
        let change = self.state.withLock { state -> Change? in
            guard self.failing.load(ordering: .relaxed) != 0 else { return nil }
            let now = self.clock.nowMilliseconds()
            self.failing.store(0, ordering: .releasing)
            guard state.episodeReported else { return nil }
            return .recovered(failures: state.failuresInEpisode, milliseconds: now - state.failingSince)
        }
        if let change { self.report(change) }
    }
}
