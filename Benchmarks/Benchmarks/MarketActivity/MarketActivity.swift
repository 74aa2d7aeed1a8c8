import Benchmark
import BenchmarkFixtures
import LeadEngine

/// What the dashboard's live figures cost the engine. `recordAuction` runs on the answer path of
/// every ping (one lock, one histogram bucket); `record` runs behind it, as the ping journal
/// writes a batch, once per buyer outcome of each ping. The reference in the same run is
/// `Auction.rank-50-outcomes` (suite AuctionRanking), which every ping already pays.
let benchmarks: @Sendable () -> Void = {
    let start: Int64 = 1_776_000_000_000
    let outcomes = MarketFixtures.buyerOutcomes(count: 50)
    let request = PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "web")

    Benchmark("MarketActivity.recordAuction", configuration: SuiteConfiguration.configuration()) { benchmark in
        let activity = MarketActivity(node: "bench")
        var at = start
        for _ in benchmark.scaledIterations {
            at += 1
            activity.recordAuction(tenantID: "ten_1", atMilliseconds: at, microseconds: Int(at % 900) + 40)
        }
    }

    // A batch of 100 pings of 50 outcomes each, as the journal hands over about every 50 ms at 2,000 pings/s.
    Benchmark("MarketActivity.record-100-pings-50-outcomes", configuration: SuiteConfiguration.configuration(scalingFactor: .one)) { benchmark in
        let activity = MarketActivity(node: "bench")
        var at = start
        for _ in benchmark.scaledIterations {
            let batch = (0..<100).map { index in
                at += 1
                return Ping(
                    id: "ping_\(at)", tenantID: "ten_1", request: request, floorPriceCents: 0, bids: [], outcomes: outcomes,
                    createdAtMilliseconds: at, outrankedStaticBuyers: 4
                )
            }
            benchmark.startMeasurement()
            activity.record(batch)
            benchmark.stopMeasurement()
        }
    }

    // What the overview's live section reads: a tenant's hour.
    Benchmark("MarketActivity.live", configuration: SuiteConfiguration.configuration(scalingFactor: .one)) { benchmark in
        let activity = MarketActivity(node: "bench")
        for second in 0..<3_600 {
            let at = start + Int64(second) * 1_000
            activity.recordAuction(tenantID: "ten_1", atMilliseconds: at, microseconds: second % 700 + 30)
        }
        for _ in benchmark.scaledIterations {
            blackHole(activity.live(tenantID: "ten_1", nowMilliseconds: start + 3_600_000))
        }
    }
}
