import HummingbirdCore
import Logging

/// At most `maximum` connections served at once; past it the server stops accepting, and new
/// connections wait in the kernel's queue until one closes, instead of each taking a descriptor
/// the store and the outbound calls need. Says so when the cap is reached, at most once a minute
/// (a queue drained at the cap reaches it again with every connection).
struct ConnectionCap: AvailableConnectionsDelegate {
    static let warningInterval = Duration.seconds(60)

    let maximum: Int
    let logger: Logger
    private var open = 0
    private var lastWarning: ContinuousClock.Instant?
    /// Times the cap was reached since the last warning said so.
    private var reachedUnsaid = 0

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    mutating func connectionOpened() {
        self.open += 1
        guard self.open == self.maximum else { return }
        self.reachedUnsaid += 1
        let now = ContinuousClock.now
        if let last = self.lastWarning, now - last < Self.warningInterval { return }
        self.logger.warning(
            "connection cap reached: new connections wait until one closes",
            metadata: ["max_connections": "\(self.maximum)", "times_reached": "\(self.reachedUnsaid)"]
        )
        self.lastWarning = now
        self.reachedUnsaid = 0
    }

    mutating func connectionClosed() {
        self.open -= 1
    }

    func isAcceptingNewConnections() -> Bool {
        self.open < self.maximum
    }
}
