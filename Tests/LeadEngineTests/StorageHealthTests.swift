import LeadEngine
import Synchronization
import Testing

@Suite("StorageHealth")
struct StorageHealthTests {
    /// The reports the health gave, in order.
    final class Reports: Sendable {
        let changes = Mutex<[StorageHealth.Change]>([])
        var all: [StorageHealth.Change] { self.changes.withLock { $0 } }
    }

    @Test("a failing disk is reported when writes start failing, then at most once a minute with the count, and its recovery once")
    func failuresAreReportedAtMostOnceAMinute() {
        let clock = ManualClock()
        let reports = Reports()
        let health = StorageHealth(clock: clock) { change in reports.changes.withLock { $0.append(change) } }
        #expect(health.isWritable)

        // A full disk: the ping journal's flush fails twenty times a second for a minute and a half.
        for _ in 0..<1800 {
            health.writeFailed(.full)
            clock.advance(byMilliseconds: 50)
        }
        #expect(!health.isWritable)
        #expect(health.failure == .full)
        #expect(reports.all == [.failing(.full, failures: 1), .failing(.full, failures: 1200)])

        health.writeSucceeded()
        health.writeSucceeded()
        #expect(health.isWritable)
        #expect(reports.all.last == .recovered(failures: 1800, milliseconds: 1800 * 50))
        #expect(reports.all.count == 3)
    }

    @Test("a disk that fails and recovers every second writes a few lines a minute, not one per flap")
    func flappingIsReportedSparingly() {
        let clock = ManualClock()
        let reports = Reports()
        let health = StorageHealth(clock: clock) { change in reports.changes.withLock { $0.append(change) } }
        for _ in 0..<120 {
            health.writeFailed(.inputOutput)
            clock.advance(byMilliseconds: 500)
            health.writeSucceeded()
            clock.advance(byMilliseconds: 500)
        }
        // Two minutes: a failure and its recovery reported in each.
        #expect(reports.all.count == 4)
        #expect(reports.all.first == .failing(.inputOutput, failures: 1))
        #expect(reports.all.dropFirst(2).first == .failing(.inputOutput, failures: 60))
    }

    @Test("a lock another process holds too long answers 503 but does not say the store cannot write")
    func busyIsNotUnwritable() {
        let reports = Reports()
        let health = StorageHealth(clock: ManualClock()) { change in reports.changes.withLock { $0.append(change) } }
        health.writeFailed(.busy)
        #expect(health.isWritable)
        #expect(reports.all.isEmpty)
    }
}
