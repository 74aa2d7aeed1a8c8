import Benchmark
import BenchmarkFixtures
import LeadEngine

/// The buyer index on the ping hot path: which buyers could bid on a lead of this profile.
/// 1,000 and 10,000 buyers of one tenant over all 51 states and 17 campaign types (about 10 and
/// 100 buyers a slot); each sample looks up 1,000 different lead profiles.
let benchmarks: @Sendable () -> Void = {
    let profiles = MarketFixtures.leadProfiles(count: 1_000)

    for buyerCount in [1_000, 10_000] {
        
        Benchmark("BuyerIndex.candidates-\(buyerCount)-buyers", configuration: SuiteConfiguration.configuration()) { benchmark, index in
            for sample in benchmark.scaledIterations {
                let profile = profiles[sample % profiles.count]
                blackHole(index.candidates(tenantID: MarketFixtures.tenantID, campaignType: profile.campaignType, state: profile.state))
            }
        } setup: {
            BuyerIndex(buyers: MarketFixtures.buyers(count: buyerCount))
        }

        // `match` also filters out paused buyers and ZIP allow-lists, so it copies the slot.
        Benchmark("BuyerIndex.match-\(buyerCount)-buyers", configuration: SuiteConfiguration.configuration()) { benchmark, index in
            for sample in benchmark.scaledIterations {
                let profile = profiles[sample % profiles.count]
                blackHole(
                    index.match(tenantID: MarketFixtures.tenantID, campaignType: profile.campaignType, state: profile.state, zipCode: profile.zipCode)
                )
            }
        } setup: {
            BuyerIndex(buyers: MarketFixtures.buyers(count: buyerCount))
        }
    }

    // Start-up and bulk imports build the index buyer by buyer, keeping every slot sorted.
    // Seconds today, not milliseconds: see the README.
    Benchmark(
        "BuyerIndex.init-10000-buyers",
        configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 3, warmupIterations: 0)
    ) { benchmark, buyers in
        for _ in benchmark.scaledIterations {
            blackHole(BuyerIndex(buyers: buyers))
        }
    } setup: {
        MarketFixtures.buyers(count: 10_000)
    }
}
