import LeadEngine
import Logging
import PostgresNIO

/// What every node keeps in memory, kept in step across nodes with LISTEN/NOTIFY: a repository
/// that changes buyers, campaigns, keys or ping settings announces it in its own transaction
/// (`announce`), so the notice goes out when, and only if, the change commits; every node
/// listens on one connection of its own (`followChanges`).
enum PostgresChangeFeed {
    static let channel = "ezleeds_changes"

    /// Announces `change` to every listening node once the caller's transaction commits.
    static func announce(_ change: StoreChange, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(Self.channel), \(change.rawValue))", logger: logger)
    }
}

extension PostgresStore {
    /// Listens until cancelled. Notices sent while no connection listens are lost, so every
    /// (re)connection first says `.resynchronise` (the node reads everything again) once LISTEN
    /// holds; a lost connection is retried every second.
    public func followChanges(_ apply: @escaping @Sendable (StoreChangeNotice) async -> Void) async throws {
        while true {
            do {
                try await Self.withConnection(to: self.url, logger: self.logger) { connection in
                    try await connection.listen(on: PostgresChangeFeed.channel) { notifications in
                        await apply(.resynchronise)
                        for try await notification in notifications {
                            if let change = StoreChange(rawValue: notification.payload) { await apply(.changed(change)) }
                        }
                    }
                }
            } catch where Task.isCancelled {
                return
            } catch {
                self.logger.warning("listening for other nodes' changes failed; retrying in a second", metadata: ["error": "\(PostgresFailure.describe(error))"])
            }
            // Throws once cancelled, which ends the loop.
            try await Task.sleep(for: .seconds(1))
        }
    }
}
