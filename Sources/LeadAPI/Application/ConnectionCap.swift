import HummingbirdCore
import Logging

/// At most `maximum` connections served at once; past it the server stops accepting, and new
/// connections wait in the kernel's queue until one closes, instead of each taking a descriptor
/// the store and the outbound calls need. Says so once each time the cap is reached.
struct ConnectionCap: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    private var open = 0

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    mutating func connectionOpened() {
        self.open += 1
        if self.open == self.maximum {
            self.logger.warning(
                "connection cap reached: new connections wait until one closes", metadata: ["max_connections": "\(self.maximum)"]
            )
        }
    }

    mutating func connectionClosed() {
        self.open -= 1
    }

    func isAcceptingNewConnections() -> Bool {
        self.open < self.maximum
    }
}
