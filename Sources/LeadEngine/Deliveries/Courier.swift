import Synchronization

/// What the courier is doing now: the deliveries an attempt is under way for, so the inline first
/// try and a retry never send the same delivery at once; and whether a retry pass is running, so
/// passes never overlap (a pass that read a delivery as pending must not send it after another
/// pass delivered it).
final class DeliveriesInFlight: Sendable {
    private let ids = Mutex(Set<String>())
    private let passRunning = Mutex(false)

    func claim(_ id: String) -> Bool { self.ids.withLock { $0.insert(id).inserted } }
    func release(_ id: String) { self.ids.withLock { _ = $0.remove(id) } }

    /// False when another pass runs: this one has nothing to add.
    func beginPass() -> Bool {
        self.passRunning.withLock { running in
            if running { return false }
            running = true
            return true
        }
    }
    func endPass() { self.passRunning.withLock { $0 = false } }
}

/// Takes deliveries to buyers: the first try right after the sale commits, then retries of
/// whatever is still pending, on the `DeliverySchedule`, from the store (so restarts lose nothing).
public struct Courier: Sendable {
    /// The first try is short: the seller is waiting for the post's answer, and one buyer's dead
    /// webhook must not hold every seller's posts. Past it the delivery is `pending` and retried.
    public static let defaultInlineAttemptMilliseconds = 250
    public static let retryTimeoutMilliseconds = 5000

    let repository: any SaleRepository
    let deliverer: any LeadDeliverer
    let buyers: BuyerIndex
    let clock: any EngineClock
    /// The first try's timeout (`--inline-delivery-ms`).
    public let inlineAttemptMilliseconds: Int
    let inFlight = DeliveriesInFlight()
    let activity: MarketActivity

    public init(
        repository: any SaleRepository, deliverer: any LeadDeliverer, buyers: BuyerIndex, clock: any EngineClock,
        inlineAttemptMilliseconds: Int = Courier.defaultInlineAttemptMilliseconds, activity: MarketActivity = MarketActivity(node: "local")
    ) {
        self.activity = activity
        self.repository = repository
        self.deliverer = deliverer
        self.buyers = buyers
        self.clock = clock
        self.inlineAttemptMilliseconds = inlineAttemptMilliseconds
    }

    /// One attempt; records it and returns the delivery's new state. A delivery already being
    /// attempted elsewhere is left to that attempt and returned unchanged.
    @discardableResult
    public func attempt(_ delivery: Delivery, timeoutMilliseconds: Int) async throws -> Delivery {
        guard delivery.status == .pending, delivery.url != nil, self.inFlight.claim(delivery.id) else { return delivery }
        defer { self.inFlight.release(delivery.id) }
        let secret = self.buyers.buyer(id: delivery.buyerID)?.webhookSecret
        let attempt = await self.deliverer.deliver(
            delivery, secret: secret, timeoutMilliseconds: timeoutMilliseconds, nowMilliseconds: self.clock.nowMilliseconds()
        )
        var updated = delivery
        updated.attempts += 1
        if attempt.succeeded {
            updated.status = .delivered
            updated.nextAttemptAtMilliseconds = nil
        } else if let next = DeliverySchedule.nextAttempt(
            afterFailedAttempts: updated.attempts, nowMilliseconds: self.clock.nowMilliseconds(), jitter: Double.random(in: -1...1)
        ) {
            updated.nextAttemptAtMilliseconds = next
        } else {
            updated.status = .failed
            updated.nextAttemptAtMilliseconds = nil
        }
        try await self.repository.recordAttempt(DeliveryAttemptWrites(attempt, of: updated))
        self.activity.recordDeliveryAttempt(
            tenantID: delivery.tenantID, buyerID: delivery.buyerID, succeeded: attempt.succeeded, gaveUp: updated.status == .failed,
            atMilliseconds: self.clock.nowMilliseconds()
        )
        return updated
    }

    /// Tries every delivery that is due; returns how many were tried (none while another pass runs).
    @discardableResult
    public func deliverDue(limit: Int = 50) async throws -> Int {
        guard self.inFlight.beginPass() else { return 0 }
        defer { self.inFlight.endPass() }
        let due = try await self.repository.dueDeliveries(nowMilliseconds: self.clock.nowMilliseconds(), limit: limit)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { _ = try? await self.attempt(delivery, timeoutMilliseconds: Self.retryTimeoutMilliseconds) }
            }
        }
        return due.count
    }
}
