import Benchmark
import BenchmarkFixtures
import LeadEngine

/// Ranking one ping's auction: 50 buyer outcomes (static and real-time bids, some no-bids),
/// a floor that refuses about a twentieth of the bids, exclusive and shared bids mixed, the
/// best 10 kept. Runs once per ping, after the real-time bidders have answered.
let benchmarks: @Sendable () -> Void = {
    let outcomes = MarketFixtures.buyerOutcomes(count: 50)
    let floorCents: Int64 = 2_500

    Benchmark("Auction.rank-50-outcomes", configuration: SuiteConfiguration.configuration()) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Auction.rank(outcomes, floorCents: floorCents))
        }
    }
}
