import Benchmark
import BenchmarkFixtures
import Foundation
import Glibc
import LeadEngine
import MallocInterposerSwift

/// What one live ping costs in memory: fill an empty book with realistic pings and divide the
/// growth by their number. Dictionary and deque growth are part of the cost, as in the server.
enum LivePingMemory {
    /// The bytes the engine asked malloc for: the floor a better layout could reach.
    static let requestedBytesPerPing = BenchmarkMetric.custom("requestedBytesPerLivePing", polarity: .prefersSmaller, useScalingFactor: false)
    /// Resident set growth: page-granular and including the interposer's 16-byte header on every
    /// allocation (the server runs without it), so a cross-check of the figure above.
    static let residentBytesPerPing = BenchmarkMetric.custom("residentBytesPerLivePing", polarity: .prefersSmaller, useScalingFactor: false)

    static let metrics = [requestedBytesPerPing, residentBytesPerPing]

    /// The requested bytes are deterministic; resident memory moves by a page here and there;
    /// millions of allocations (actor hops among them) vary by more than 500 in absolute terms.
    static var tolerances: [BenchmarkMetric: BenchmarkThresholds] {
        [
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 2.0]),
            requestedBytesPerPing: BenchmarkThresholds(relative: [.p90: 2.0]),
            residentBytesPerPing: BenchmarkThresholds(relative: [.p90: 10.0]),
        ]
    }

    struct Result {
        var livePings: Int
        var requestedBytesPerPing: Int
        var residentBytesPerPing: Int
        var allocationsPerPing: Double
        var interposerCounted: Bool
    }

    private struct Reading {
        var requestedBytes: Int
        var allocations: Int
        var residentBytes: Int

        static func now() -> Reading {
            let stats = MallocInterposerSwift.getStatistics()
            return Reading(
                requestedBytes: stats.mallocBytesCount - stats.freeBytesCount,
                allocations: stats.mallocCount - stats.freeCount,
                residentBytes: Self.residentBytes()
            )
        }

        /// The second field of /proc/self/statm, in pages.
        private static func residentBytes() -> Int {
            guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
            let fields = statm.split(separator: " ")
            guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
    }

    static func measure(livePings: Int) async -> Result {
        let book = PingBook()
        var factory = PingFactory()
        let tenants = MarketFixtures.tenantIDs
        let start = MarketFixtures.epochMilliseconds
        let before = Reading.now()
        for index in 0..<livePings {
            let createdAt = start + Int64(index) * 59_000 / Int64(livePings)
            let ping = factory.ping(id: book.makePingID(), tenantID: tenants[index % tenants.count], createdAtMilliseconds: createdAt)
            do {
                try await book.insert(ping)
            } catch {
                fatalError("the book refused ping \(index): \(error)")
            }
        }
        let after = Reading.now()
        let live = await book.liveCount()
        precondition(live == livePings, "expected \(livePings) live pings, the book holds \(live)")

        let allocations = after.allocations - before.allocations
        let requested = after.requestedBytes - before.requestedBytes
        let interposerCounted = allocations > 0 && requested > 0
        return Result(
            livePings: livePings, requestedBytesPerPing: requested / livePings,
            residentBytesPerPing: (after.residentBytes - before.residentBytes) / livePings,
            allocationsPerPing: Double(allocations) / Double(livePings), interposerCounted: interposerCounted
        )
    }
}
