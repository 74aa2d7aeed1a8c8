import LeadEngine
import PostgresNIO
import Synchronization

/// Every repository reads and writes through here, so an unreachable or failing server is one
/// typed error (`StorageUnavailable`, answered 503) and one health signal, whatever the statement,
/// as `LeadDatabase+Access` does for SQLite.
extension PostgresStore {
    /// One write transaction (READ COMMITTED) on one pooled connection: one business operation.
    /// Counters and balances move inside it with `UPDATE … RETURNING`, never read then written.
    func write<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await self.guarded(writing: true) {
            try await self.withConnection { connection in
                try await connection.inTransaction(logger: self.logger, body)
            }
        }
    }

    /// Reads from one snapshot (a read-only REPEATABLE READ transaction), as GRDB's reads do, so
    /// a page and its total agree.
    func read<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await self.guarded(writing: false) {
            try await self.withConnection { connection in
                try await connection.inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger, body)
            }
        }
    }

    /// Runs `body` on a pooled connection, waiting at most the URL's `connect_timeout` for one.
    ///
    /// PostgresNIO's pool keeps a request waiting while it cannot connect, until its circuit
    /// breaker trips a minute later; a seller's post must not hang that long on a server that is
    /// down, so past the timeout the wait is cancelled (the pool drops the request) and the store
    /// answers `StorageUnavailable`: `busy` when every pooled connection was in use all along (an
    /// overload), `cannotOpen` otherwise (the server is down or refusing connections). Exactly one
    /// of the lease and the timeout wins (`LeaseRace`): `body` either never starts, or runs to its
    /// end however long it takes, so a write that commits is never reported as failed.
    func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let race = LeaseRace()
        return try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        guard race.lease() else { throw StorageUnavailable(.cannotOpen) }
                        self.leasedConnections.add(1, ordering: .relaxed)
                        defer { self.leasedConnections.subtract(1, ordering: .relaxed) }
                        return try await body(connection)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(self.url.connectTimeoutSeconds))
                    if race.expire() {
                        let poolFull = self.leasedConnections.load(ordering: .relaxed) >= self.url.poolSize
                        throw StorageUnavailable(poolFull ? .busy : .cannotOpen)
                    }
                    return nil
                }
                while let result = try await group.next() {
                    if let value = result {
                        group.cancelAll()
                        return value
                    }
                }
                throw CancellationError()
            }
        }
    }

    /// Runs `body`, turning a storage failure into `StorageUnavailable` and telling `health` what a
    /// write's outcome says about the server; a constraint failure no repository translated
    /// becomes `PostgresConstraintViolation`.
    func guarded<T>(writing: Bool, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            if writing { self.health.writeSucceeded() }
            return value
        } catch {
            if let reason = PostgresFailure.storageFailure(error) {
                self.health.writeFailed(reason)
                throw StorageUnavailable(reason)
            }
            if let violation = PostgresFailure.constraintViolation(error) { throw violation }
            throw error
        }
    }
}

/// Which came first for one statement: its connection, or its `connect_timeout`.
private final class LeaseRace: Sendable {
    private static let waiting = 0, leased = 1, expired = 2
    private let state = Atomic<Int>(LeaseRace.waiting)

    /// True when the connection came first: the statement may run.
    func lease() -> Bool {
        self.state.compareExchange(expected: Self.waiting, desired: Self.leased, ordering: .acquiringAndReleasing).exchanged
    }

    /// True when the timeout came first: the statement will never run.
    func expire() -> Bool {
        self.state.compareExchange(expected: Self.waiting, desired: Self.expired, ordering: .acquiringAndReleasing).exchanged
    }
}
