import Benchmark
import BenchmarkFixtures
import LeadEngine

/// The ping book holding 1,000,000 live pings (three bids each, ten tenants, made over the last
/// 59 seconds): insert, look-up, post (claim) and expiry, each through the sharded actors as
/// the server calls them; and the memory each live ping costs.
let benchmarks: @Sendable () -> Void = {
    let livePings = 1_000_000

    Benchmark("PingBook.insert-1M-live", configuration: SuiteConfiguration.configuration(maxIterations: 150)) { benchmark, book in
        for _ in benchmark.scaledIterations {
            do {
                try await book.book.insert(book.nextSpare())
            } catch {
                benchmark.error("the book refused a ping: \(error)")
            }
        }
    } setup: {
        await LiveBook(livePings: livePings, sparePings: 200_000)
    }

    Benchmark("PingBook.ping-1M-live", configuration: SuiteConfiguration.configuration()) { benchmark, book in
        for _ in benchmark.scaledIterations {
            let ping = book.nextLive()
            blackHole(await book.book.ping(id: ping.id, tenantID: ping.tenantID, nowMilliseconds: book.nowMilliseconds))
        }
    } setup: {
        await LiveBook(livePings: livePings)
    }

    // Each sample posts to 1,000 pings not posted to before (to the best bidder), so every
    // claim takes the successful path: find, check the bid, reserve the sale.
    Benchmark("PingBook.claim-1M-live", configuration: SuiteConfiguration.configuration(maxIterations: 500)) { benchmark, book in
        for _ in benchmark.scaledIterations {
            let ping = book.nextLive()
            let result = await book.book.claim(
                pingID: ping.id, tenantID: ping.tenantID, buyerID: ping.bids[0].buyerID, state: ping.request.state,
                zipCode: ping.request.zipCode, nowMilliseconds: book.nowMilliseconds, maxSharedBuyers: 3
            )
            blackHole(result)
        }
    } setup: {
        await LiveBook(livePings: livePings)
    }

    // Pings were made evenly over 59 s (about 17 a millisecond); each sample moves the clock
    // 60 ms past the oldest live ping and sweeps every shard, freeing about 1,000 pings.
    Benchmark(
        "PingBook.sweep-1000-of-1M-live",
        configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxIterations: 500)
    ) { benchmark, book in
        for _ in benchmark.scaledIterations {
            book.sweepClockMilliseconds += 60
            blackHole(await book.book.sweep(nowMilliseconds: book.sweepClockMilliseconds))
        }
    } setup: {
        await LiveBook(livePings: livePings)
    }

    Benchmark(
        "PingBook-memory-per-live-ping",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(30), maxIterations: 1, warmupIterations: 0,
            metrics: [.wallClock, .mallocCountTotal] + LivePingMemory.metrics, extraTolerances: LivePingMemory.tolerances
        )
    ) { benchmark in
        let memory = await LivePingMemory.measure(livePings: livePings)
        guard memory.interposerCounted else {
            benchmark.error("the malloc interposer counted nothing: run through `swift package benchmark`")
            return
        }
        benchmark.measurement(LivePingMemory.requestedBytesPerPing, memory.requestedBytesPerPing)
        benchmark.measurement(LivePingMemory.residentBytesPerPing, memory.residentBytesPerPing)
    }
}

/// A ping book filled with `livePings` pings, and the pings themselves to walk through.
final class LiveBook {
    let book: PingBook
    /// The live pings in a fixed pseudo-random order, so look-ups are spread over all shards.
    private let live: [Ping]
    private var liveCursor = 0
    /// Pings not yet in the book, for the insert benchmark.
    private let spare: [Ping]
    private var spareCursor = 0
    /// Every live ping is still live at this time; the newest was made at it.
    let nowMilliseconds: Int64
    var sweepClockMilliseconds: Int64

    init(livePings: Int, sparePings: Int = 0) async {
        let start = MarketFixtures.epochMilliseconds
        let window: Int64 = 59_000
        self.nowMilliseconds = start + window
        self.sweepClockMilliseconds = start + Ping.lifetimeMilliseconds
        let book = PingBook()
        self.book = book
        var factory = PingFactory()
        let tenants = MarketFixtures.tenantIDs
        var live: [Ping] = []
        live.reserveCapacity(livePings)
        for index in 0..<livePings {
            // Insertion order is creation order, as in the server; expiry relies on it.
            let createdAt = start + Int64(index) * window / Int64(livePings)
            let ping = factory.ping(id: self.book.makePingID(), tenantID: tenants[index % tenants.count], createdAtMilliseconds: createdAt)
            do {
                try await self.book.insert(ping)
            } catch {
                fatalError("the book refused fixture ping \(index): \(error)")
            }
            live.append(ping)
        }
        var generator = SeededGenerator(seed: 31)
        live.shuffle(using: &generator)
        self.live = live
        self.spare = (0..<sparePings).map { index in
            factory.ping(id: book.makePingID(), tenantID: tenants[index % tenants.count], createdAtMilliseconds: start + window)
        }
    }

    func nextLive() -> Ping {
        defer { self.liveCursor = (self.liveCursor + 1) % self.live.count }
        return self.live[self.liveCursor]
    }

    func nextSpare() -> Ping {
        precondition(self.spareCursor < self.spare.count, "raise sparePings: the insert benchmark ran out")
        defer { self.spareCursor += 1 }
        return self.spare[self.spareCursor]
    }
}
