import AsyncAlgorithms
import LeadEngine
import LeadStore
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
                self.logger.warning("key ring refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Closes the store once everything before it has stopped: the server drains first, so no
/// request is cut off mid-transaction.
struct StoreShutdownService: Service {
    let database: LeadDatabase
    let logger: Logger

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; either way the store closes.
        try? await gracefulShutdown()
        do {
            try self.database.close()
            self.logger.info("store closed", metadata: ["path": "\(self.database.path)"])
        } catch {
            self.logger.error("store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}
