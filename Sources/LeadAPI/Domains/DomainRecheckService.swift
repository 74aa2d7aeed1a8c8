import Foundation
import AsyncAlgorithms
import LeadEngine
import Logging
import ServiceLifecycle

/// Checks verified domains again every `interval` (24 h by default), so a domain whose records
/// disappear stops sending until it verifies again. Looks for due domains hourly; stops on graceful shutdown.
struct DomainRecheckService: Service {
    let registry: DomainRegistry
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let ticks = AsyncTimerSequence(interval: min(self.interval, Duration.seconds(3600)), clock: .continuous)
        for await _ in ticks.cancelOnGracefulShutdown() {
            do {
                let checked = try await self.registry.recheckVerified(olderThan: TimeInterval(self.interval.components.seconds))
                if checked > 0 { self.logger.info("verified domains checked again", metadata: ["domains": "\(checked)"]) }
            } catch {
                self.logger.failure("domain re-check failed", error, level: .warning)
            }
        }
    }
}
