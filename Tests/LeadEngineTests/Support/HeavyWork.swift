import Dispatch

/// Runs seconds-long synchronous test work on a thread of its own instead of one of the few
/// cooperative threads, which every other test's tasks (and their deadlines) share. The test's
/// task, and so its task-locals and issue reporting, stays the same: only its executor changes.
final class HeavyWorkExecutor: TaskExecutor {
    static let shared = HeavyWorkExecutor()

    private let queue = DispatchQueue(label: "ezleeds.tests.heavy-work")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// `body`, run on the heavy-work thread.
func onHeavyWorkThread<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
    try await withTaskExecutorPreference(HeavyWorkExecutor.shared, operation: body)
}
