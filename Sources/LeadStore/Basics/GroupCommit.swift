import GRDB

/// Commits that arrive while another is being written wait, then go together in the next
/// transaction: under load one fsync (`synchronous=FULL`) carries many commits instead of one.
///
/// Each item is written in its own savepoint, so one item's failure (a constraint) is that caller's
/// error alone and the others still commit. No background task: whichever waiting caller finds the
/// writer idle writes everything queued, its own item included, so every caller is in at most
/// the batch after the one being written when it arrived.
actor GroupCommit<Item: Sendable, Output: Sendable> {
    private let writer: any DatabaseWriter
    private let writeItem: @Sendable (Item, Database) throws -> Output
    private var queued: [(ticket: Int, item: Item)] = []
    private var results: [Int: Result<Output, any Error>] = [:]
    private var nextTicket = 0
    private var writing = false
    /// Callers waiting for the batch being written to end.
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(writer: any DatabaseWriter, writeItem: @escaping @Sendable (Item, Database) throws -> Output) {
        self.writer = writer
        self.writeItem = writeItem
    }

    @discardableResult
    func commit(_ item: Item) async throws -> Output {
        let ticket = self.nextTicket
        self.nextTicket += 1
        self.queued.append((ticket, item))
        while true {
            if let result = self.results.removeValue(forKey: ticket) { return try result.get() }
            if self.writing {
                await withCheckedContinuation { self.waiting.append($0) }
            } else {
                await self.writeQueued()
            }
        }
    }

    private func writeQueued() async {
        self.writing = true
        let batch = self.queued
        self.queued.removeAll(keepingCapacity: true)
        let writeItem = self.writeItem
        let outcome: Result<[Result<Output, any Error>], any Error>
        do {
            outcome = .success(
                try await self.writer.write { db in
                    batch.map { entry in
                        Result {
                            var output: Output?
                            try db.inSavepoint {
                                output = try writeItem(entry.item, db)
                                return .commit
                            }
                            // inSavepoint returned without throwing, so the item was written.
                            return output!
                        }
                    }
                }
            )
        } catch {
            outcome = .failure(error)
        }
        for (index, entry) in batch.enumerated() {
            switch outcome {
            case .success(let itemResults): self.results[entry.ticket] = itemResults[index]
            case .failure(let error): self.results[entry.ticket] = .failure(error)
            }
        }
        self.writing = false
        let waiting = self.waiting
        self.waiting.removeAll()
        for waiter in waiting { waiter.resume() }
    }
}
