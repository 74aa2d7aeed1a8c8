import Benchmark
import Foundation
import BenchmarkFixtures
import LeadEngine

/// Signing one outbound call to a buyer (a bid request or a lead delivery) with a 1 KiB body,
/// in both forms every call carries: the spec's `X-EZLeeds-Signature` and Standard Webhooks'.
let benchmarks: @Sendable () -> Void = {
    var generator = SeededGenerator(seed: 11)
    // JSON-ish printable bytes; the content does not matter to HMAC, only the length.
    let body: [UInt8] = (0..<1_024).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) }
    let plainSecret = "whsec_abc123"
    // The Standard Webhooks form: base64 after `whsec_`, decoded on every signature.
    let standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let messageID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
    let timestamp: Int64 = MarketFixtures.epochMilliseconds / 1_000

    Benchmark("WebhookSignature.ezleeds-1KiB", configuration: SuiteConfiguration.configuration()) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(WebhookSignature.ezleeds(body: body, secret: plainSecret))
        }
    }

    Benchmark("WebhookSignature.standard-1KiB", configuration: SuiteConfiguration.configuration()) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(WebhookSignature.standard(id: messageID, timestamp: timestamp, body: body, secret: standardSecret))
        }
    }
}
