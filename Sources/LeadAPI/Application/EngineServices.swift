import AsyncAlgorithms
import LeadEngine
import LeadOutbound
import Logging
import ServiceLifecycle

/// Keeps the key ring in step with keys created or revoked by other processes. Stops on graceful shutdown.
struct KeyRingRefreshService: Service {
    let refresher: KeyRingRefresher
    let intervalMilliseconds: Int
    let logger: Logger

    func run() async throws {
        let ticks = AsyncTimerSequence(interval: .milliseconds(self.intervalMilliseconds), clock: .continuous)
        for await _ in ticks.cancelOnGracefulShutdown() {
            do {
                let changed = try await self.refresher.refresh()
                if changed > 0 { self.logger.info("key ring refreshed", metadata: ["keys_changed": "\(changed)"]) }
            } catch {
                self.logger.failure("key ring refresh failed", error, level: .warning)
            }
        }
    }
}

/// Closes the store once everything before it has stopped: the server drains first, so no
/// request is cut off mid-transaction.
struct StoreShutdownService: Service {
    let store: any StoreConnection
    let logger: Logger

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; either way the store closes.
        try? await gracefulShutdown()
        do {
            try await self.store.close()
            self.logger.info("store closed", metadata: ["store": "\(self.store.location)"])
        } catch {
            self.logger.error("store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}

/// Writes pings behind their answers: every 50 ms, one transaction for all pings since the last
/// flush; a last flush on graceful shutdown, so no answered ping is lost.
struct PingJournalService: Service {
    static let flushIntervalMilliseconds = 50

    let pings: PingRecords
    let logger: Logger

    func run() async throws {
        let ticks = AsyncTimerSequence(interval: .milliseconds(Self.flushIntervalMilliseconds), clock: .continuous)
        for await _ in ticks.cancelOnGracefulShutdown() {
            await self.flush()
        }
        await self.flush()
    }

    private func flush() async {
        do {
            try await self.pings.flushJournal()
        } catch {
            self.logger.failure("ping journal flush failed; will retry", error)
        }
    }
}

/// Fills the tables from the sale log as posts log sales. On graceful shutdown, which reaches it
/// after the server has drained, it folds in what is left: a clean stop leaves the log empty.
struct SaleMaterialiserService: Service {
    let materialiser: SaleMaterialiser
    let logger: Logger

    func run() async throws {
        let stopping = StopSignal()
        await withGracefulShutdownHandler {
            await self.materialiser.run(stopping: { stopping.isSet || Task.isCancelled }) { error in
                self.logger.failure("filling sales in from the sale log failed; will retry", error)
            }
        } onGracefulShutdown: {
            stopping.set()
            self.materialiser.doorbell.ring()
        }
    }
}

/// While writes fail, tries one every second, so the store is found writable again when space
/// returns even though nothing else writes meanwhile (pings are refused). Stops on graceful shutdown.
struct StorageProbeService: Service {
    let store: any StoreConnection

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .seconds(1), clock: .continuous).cancelOnGracefulShutdown() {
            // The outcome reaches the store's health, which logs it.
            if !self.store.health.isWritable { try? await self.store.probeWrite() }
        }
    }
}

/// Frees expired pings from the ping book every second.
struct PingExpiryService: Service {
    let book: PingBook
    let clock: any EngineClock

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .seconds(1), clock: .continuous).cancelOnGracefulShutdown() {
            await self.book.sweep(nowMilliseconds: self.clock.nowMilliseconds())
        }
    }
}

/// Closes the outbound connections (delivery client and bid endpoint pool) once the server has drained.
struct OutboundShutdownService: Service {
    let pools: [OutboundConnectionPool]

    func run() async throws {
        try? await gracefulShutdown()
        for pool in self.pools { await pool.shutdown() }
    }
}

/// Retries pending deliveries as they fall due, from the store, so an outage or a restart loses
/// no lead. Stops on graceful shutdown.
struct DeliveryService: Service {
    let courier: Courier
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .seconds(1), clock: .continuous).cancelOnGracefulShutdown() {
            do {
                try await self.courier.deliverDue()
            } catch {
                self.logger.failure("delivery retry failed", error)
            }
        }
    }
}

/// Forgets idempotency keys after a day, hourly. Stops on graceful shutdown.
struct IdempotencyPruneService: Service {
    let repository: any IdempotencyRepository
    let clock: any EngineClock
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .seconds(3600), clock: .continuous).cancelOnGracefulShutdown() {
            do {
                _ = try await self.repository.prune(beforeMilliseconds: self.clock.nowMilliseconds() - IdempotencyGate.keptMilliseconds)
            } catch {
                self.logger.failure("idempotency key pruning failed", error, level: .warning)
            }
        }
    }
}

/// Housekeeping that runs once at start and then hourly: closing finished months into invoices,
/// pruning unsold pings past their retention. `work` returns how many things it did, logged when
/// any. Stops on graceful shutdown.
struct HourlyChore: Service {
    let done: Logger.Message
    let failed: Logger.Message
    var failureLevel = Logger.Level.error
    let logger: Logger
    let work: @Sendable () async throws -> Int

    func run() async throws {
        await self.runOnce()
        for await _ in AsyncTimerSequence(interval: .seconds(3600), clock: .continuous).cancelOnGracefulShutdown() {
            await self.runOnce()
        }
    }

    private func runOnce() async {
        do {
            let count = try await self.work()
            if count > 0 { self.logger.info(self.done, metadata: ["count": "\(count)"]) }
        } catch {
            self.logger.failure(self.failed, error, level: self.failureLevel)
        }
    }
}

/// Picks up do-not-call lists imported by the CLI while the server runs: every 5 s it compares the
/// stored versions and reloads a changed list beside the old one, then swaps it in. Stops on
/// graceful shutdown.
struct DoNotCallRefreshService: Service {
    let registry: DoNotCallRegistry
    let store: any DoNotCallStore
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .seconds(5), clock: .continuous).cancelOnGracefulShutdown() {
            do {
                let reloaded = try await self.registry.refresh(from: self.store)
                if !reloaded.isEmpty { self.logger.info("do-not-call lists reloaded", metadata: ["lists": "\(reloaded)"]) }
            } catch {
                self.logger.failure("do-not-call refresh failed", error, level: .warning)
            }
        }
    }
}

/// Runs outreach steps as they fall due: settles sends a stop cut off, then sleeps until the
/// earliest due step (or a new enrollment or a resume rings), runs what is due, and again. On
/// graceful shutdown it starts no new step and lets the ones being sent finish.
struct OutreachSchedulerService: Service {
    /// The longest sleep: a wall clock that jumps is noticed within it.
    static let maxSleep = Duration.seconds(30)

    /// On a store several nodes share, a claim this old was cut off by its node's death.
    static let sharedClaimAgeMilliseconds: Int64 = 5 * 60_000

    let scheduler: OutreachScheduler
    let clock: any EngineClock
    /// Whether other nodes send steps too (`StoreConnection.isShared`).
    let sharedStore: Bool
    let logger: Logger

    private func settle() async {
        do {
            let settled = try await self.scheduler.settleInterruptedSends(olderThanMilliseconds: self.sharedStore ? Self.sharedClaimAgeMilliseconds : nil)
            if settled > 0 { self.logger.warning("outreach sends cut off by a stop marked unknown", metadata: ["count": "\(settled)"]) }
        } catch {
            self.logger.failure("settling interrupted outreach sends failed", error)
        }
    }

    func run() async throws {
        let stopping = StopSignal()
        await withGracefulShutdownHandler {
            await self.settle()
            while !stopping.isSet, !Task.isCancelled {
                var sleep = Self.maxSleep
                // Another node may die holding claims at any time, not only before this one starts.
                if self.sharedStore { await self.settle() }
                do {
                    try await self.scheduler.runDue()
                    if let due = try await self.scheduler.nextDueMilliseconds() {
                        sleep = min(sleep, .milliseconds(max(0, due - self.clock.nowMilliseconds())))
                    }
                } catch {
                    self.logger.failure("outreach step run failed", error)
                    sleep = .seconds(1)
                }
                if stopping.isSet { break }
                await self.scheduler.doorbell.wait(upTo: sleep)
            }
        } onGracefulShutdown: {
            stopping.set()
            self.scheduler.doorbell.ring()
        }
    }
}

extension Logger {
    /// A background step's failure. A storage failure is left to `StorageHealth`'s report, which
    /// logs a failing disk twice a minute at most instead of once per step; a cancellation is the
    /// server stopping, not a failure.
    func failure(_ message: Logger.Message, _ error: any Error, level: Logger.Level = .error) {
        guard !(error is StorageUnavailable), !(error is CancellationError) else { return }
        self.log(level: level, message, metadata: ["error": "\(error)"])
    }
}

/// Reads again what this node keeps in memory when another node sharing the store changes it
/// (PostgreSQL's LISTEN/NOTIFY); everything, each time the feed reconnects. Nothing to do on a
/// store one node owns. Stops on graceful shutdown.
struct StoreChangeService: Service {
    let connection: any StoreConnection
    let mirror: StoreMirror
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.connection.followChanges { notice in
                    do {
                        try await self.mirror.apply(notice)
                    } catch {
                        // The next notice, or the next reconnect, reads it again.
                        self.logger.failure("reading a change made by another node failed", error, level: .warning)
                    }
                }
            }
        } catch is CancellationError {
            // Stopped following at the graceful shutdown: the normal end.
        }
        // A store one node owns has nothing to follow: wait for the end like the other services.
        try? await gracefulShutdown()
    }
}
