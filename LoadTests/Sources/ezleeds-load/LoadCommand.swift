// Command line: `run` one scenario at a fixed rate (or --find-max), `compare` a scenario's max
// rate with the hello-nio and /healthz references measured in the same run.
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

@main
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ezleeds-load",
        abstract: "Open-loop load harness for EZLeeds: fixed request rate, latency from each request's due time.",
        subcommands: [Run.self, Compare.self],
        defaultSubcommand: Run.self
    )
}

extension Scenario: ExpressibleByArgument {}

struct TargetOptions: ParsableArguments {
    @Option(help: "The ezleeds binary to start (default: <repo>/.build/release/ezleeds).")
    var serverBinary: String?

    @Option(name: .customLong("url"), help: "Use an ezleeds server that is already running, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(help: "With --url: a standard key (or EZLEEDS_API_KEY) for seeding buyers.")
    var apiKey: String?

    @Option(help: "With --url: a compliance key (or EZLEEDS_COMPLIANCE_KEY) for pings and posts.")
    var complianceKey: String?

    @Flag(help: "Do not seed buyers (with --url, when the tenant has them already).")
    var noSeed = false

    @Option(help: "The hello-nio binary to start (default: next to this binary).")
    var helloBinary: String?

    @Option(name: .customLong("hello-url"), help: "Use a hello-nio (or any hello server) that is already running.")
    var helloURL: String?
}

struct BuyerOptions: ParsableArguments {
    @Option(help: "ping, ping-post: static buyers to seed.")
    var staticBuyers = 1_000

    @Flag(help: "ping-post, inbound: give the static buyers a webhook_url on a local receiver that answers 200 at once, so every sale is delivered (the post waits for the first attempt).")
    var webhooks = false

    @Option(help: "ping-post, inbound: give the static buyers a webhook_url on this receiver of yours instead (buyer N gets <url>/N).")
    var webhookURL: String?

    @Option(help: "ping-rtb: real-time bidders to seed.")
    var bidders = 10

    @Option(help: "ping-rtb: how many of them never answer.")
    var silentBidders = 1

    @Option(help: "ping-rtb: shortest bid answer delay, ms.")
    var bidMinMs = 5.0

    @Option(help: "ping-rtb: longest bid answer delay, ms.")
    var bidMaxMs = 20.0

    @Option(help: "ping-rtb: share of bid requests answered 500 (0…1).")
    var bidErrorRate = 0.0

    @Option(help: "ping-rtb: the buyers' bid_timeout_ms.")
    var bidTimeoutMs = 200

    @Option(help: "ping-rtb: tmax_ms in each ping.")
    var tmaxMs = 100

    @Option(help: "ping-rtb: a ping answer later than tmax_ms plus this after its send counts as late.")
    var lateAllowanceMs = 5.0
}

struct LoadOptions: ParsableArguments {
    @Option(help: "Requests per second (pings for the ping scenarios).")
    var rate = 1_000.0

    @Option(help: "Measured seconds.")
    var duration = 10.0

    @Option(help: "Seconds at the same rate before measuring (not recorded).")
    var warmup = 2.0

    @Option(help: "Keep-alive connections.")
    var connections = 128

    @Option(help: "Requests written ahead on a busy connection (1: queue instead of pipelining).")
    var pipeline = 1

    @Option(help: "Seconds before an unanswered request counts as a timeout.")
    var timeout = 10.0

    @Option(help: "Event loop threads of the harness.")
    var threads = 1

    @Flag(help: "Also print one JSON object with the results.")
    var json = false

    @Option(help: "ping-post, inbound: append the id of every lead the server acknowledged (answered 2xx) to this file, one a line.")
    var acknowledgedLeads: String?

    func plan(rate: Double? = nil, duration: Double? = nil, warmup: Double? = nil) -> RunPlan {
        RunPlan(rate: rate ?? self.rate, warmupSeconds: warmup ?? self.warmup, durationSeconds: duration ?? self.duration,
                connections: connections, pipelineDepth: pipeline, timeoutSeconds: timeout)
    }
}

struct FindMaxOptions: ParsableArguments {
    @Flag(help: "Ramp the rate to the highest one whose p99 stays within --p99-budget-ms with no errors.")
    var findMax = false

    @Option(help: "p99 budget per step, ms.")
    var p99BudgetMs = 50.0

    @Option(help: "First rate of the ramp.")
    var startRate = 500.0

    @Option(help: "Never ramp above this rate.")
    var maxRate = 1_000_000.0

    @Option(help: "Measured seconds per step.")
    var stepDuration = 3.0

    @Option(help: "Warmup seconds per step.")
    var stepWarmup = 1.0

    @Option(help: "Times a failed step is tried again before it counts as failed.")
    var retries = 1
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drive one scenario at a fixed rate, or find its max rate.")

    @Argument(help: "hello, healthz, ping, ping-rtb, ping-post, inbound.")
    var scenario: Scenario

    @OptionGroup var load: LoadOptions
    @OptionGroup var ramp: FindMaxOptions
    @OptionGroup var target: TargetOptions
    @OptionGroup var buyers: BuyerOptions

    func run() async throws {
        try await withSession(target: target, buyers: buyers, threads: load.threads) { session, group in
            var workload = try await session.workload(for: scenario)
            workload.recordsAcknowledgedLeads = load.acknowledgedLeads != nil
            let bench = Bench(group: group, load: load, ramp: ramp, serverPID: session.serverPID(for: scenario))
            if ramp.findMax {
                let found = try await bench.findMax(workload)
                print(found.text)
                if load.json { print(try jsonLine(found)) }
            } else {
                let report = try await bench.measure(workload, plan: load.plan())
                print(report.text)
                if load.json { print(try jsonLine(report)) }
            }
        }
    }
}

struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the max rate of hello-nio, /healthz and a scenario in one run, and print the ratios.",
        discussion: "Every step uses the same p99 budget; ping-rtb waits for tmax_ms, so give it a budget above that.")

    @Argument(help: "The scenario to set against the references: healthz, ping, ping-rtb, ping-post.")
    var scenario: Scenario = .ping

    @OptionGroup var load: LoadOptions
    @OptionGroup var ramp: FindMaxOptions
    @OptionGroup var target: TargetOptions
    @OptionGroup var buyers: BuyerOptions

    func run() async throws {
        try await withSession(target: target, buyers: buyers, threads: load.threads) { session, group in
            var results: [MaxRateReport] = []
            let steps: [Scenario] = scenario == .healthz || scenario == .hello ? [.hello, .healthz] : [.hello, .healthz, scenario]
            for step in steps {
                let workload = try await session.workload(for: step)
                let bench = Bench(group: group, load: load, ramp: ramp, serverPID: session.serverPID(for: step))
                FileHandle.standardError.write(Data("== \(step.rawValue): finding max rate\n".utf8))
                let found = try await bench.findMax(workload)
                print(found.text)
                results.append(found)
            }
            let comparison = Comparison(results: results)
            print(comparison.text)
            if load.json { print(try jsonLine(comparison)) }
        }
    }
}

/// Runs `body` with a session and the harness's event loops, and stops both (and every process
/// the session started) however `body` ends.
func withSession(target: TargetOptions, buyers: BuyerOptions, threads: Int,
                 _ body: (Session, MultiThreadedEventLoopGroup) async throws -> Void) async throws {
    let interrupts = installInterruptHandler()
    defer { interrupts.cancel() }
    let session = try Session(target: target, buyers: buyers)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    do {
        try await body(session, group)
    } catch {
        await session.stop()
        try? await group.shutdownGracefully()
        throw error
    }
    await session.stop()
    try await group.shutdownGracefully()
}

func jsonLine(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
