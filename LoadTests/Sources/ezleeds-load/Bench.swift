// Runs plans with a progress line, ramps to a max rate, and renders what came out.
import Atomics
import Foundation
import Histogram
import NIOCore
import NIOPosix

struct Bench {
    let group: MultiThreadedEventLoopGroup
    let load: LoadOptions
    let ramp: FindMaxOptions
    /// The server under load, for its CPU use next to the harness's.
    let serverPID: Int32?

    func measure(_ workload: Workload, plan: RunPlan, quiet: Bool = false) async throws -> RunReport {
        let progress = Progress()
        let harnessBefore = cpuSecondsOfHarness()
        let serverBefore = serverPID.flatMap(cpuSeconds(of:))
        let started = ContinuousClock.now
        let result = try await withThrowingTaskGroup(of: RunResult?.self) { tasks in
            if !quiet {
                tasks.addTask {
                    // Ends by cancellation once the run is done.
                    try? await Self.reportProgress(progress, plan: plan)
                    return nil
                }
            }
            tasks.addTask { try await drive(workload, plan: plan, group: group, progress: progress) }
            var result: RunResult?
            for try await finished in tasks {
                if let finished {
                    result = finished
                    tasks.cancelAll()
                }
            }
            return result!
        }
        let wall = (ContinuousClock.now - started) / .seconds(1)
        if let path = load.acknowledgedLeads {
            try Self.append(result.tally.acknowledgedLeads, to: path)
        }
        func cores(_ before: Double?, _ after: Double?) -> Double? {
            guard let before, let after, wall > 0 else { return nil }
            return (after - before) / wall
        }
        var report = RunReport(
            workload: workload, plan: plan, result: result,
            harnessCores: cores(harnessBefore, cpuSecondsOfHarness()),
            serverCores: cores(serverBefore, serverPID.flatMap(cpuSeconds(of:))))
        if workload.postsAfterPing || workload.inboundAPIKey != nil {
            (report.saleLogBacklog, report.backlogDrainMs) = await self.saleLogBacklog(workload)
        }
        return report
    }

    /// Sales the server acknowledged and had not filled into its tables when the run ended (its
    /// `/metrics` gauge), and how long it then took to fill them in: work moved behind the answers
    /// must keep up, so a backlog that takes over a second to clear fails a `--find-max` step.
    /// Nil when the server publishes no such gauge.
    private func saleLogBacklog(_ workload: Workload) async -> (Int?, Double?) {
        let request = Workload.request(method: "GET", path: "/metrics", host: workload.host, port: workload.port)
        func read() async -> Int? {
            guard let answer = try? await call([request], host: workload.host, port: workload.port, group: group).first,
                answer.status == 200, let body = answer.body
            else { return nil }
            let text = String(buffer: body)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ezleeds_sale_log_backlog ") }) else { return nil }
            return Double(line.split(separator: " ").last ?? "").map { Int($0) }
        }
        let started = ContinuousClock.now
        guard let atEnd = await read() else { return (nil, nil) }
        var remaining = atEnd
        while remaining > 0, ContinuousClock.now - started < .seconds(10) {
            try? await Task.sleep(for: .milliseconds(10))
            remaining = await read() ?? 0
        }
        let drained = remaining == 0 ? Double((ContinuousClock.now - started) / .milliseconds(1)) : .infinity
        return (atEnd, atEnd == 0 ? 0 : drained)
    }

    /// Adds lead ids to the file at `path`, one a line, making it if needed.
    private static func append(_ leadIDs: [String], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw SetupFailure("cannot create \(path)") }
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        try file.seekToEnd()
        try file.write(contentsOf: Data(leadIDs.map { $0 + "\n" }.joined().utf8))
    }

    /// One line a second on stderr, so a stall is visible while it happens.
    private static func reportProgress(_ progress: Progress, plan: RunPlan) async throws {
        var lastAnswered = 0
        var second = 0
        while true {
            try await Task.sleep(for: .seconds(1))
            second += 1
            let answered = progress.answered.load(ordering: .relaxed)
            let phase = Double(second) <= plan.warmupSeconds + 0.3 ? "warmup" : "measure"
            let line = String(
                format: "  [%3ds %@] due %d  answered %d (%d/s)  errors %d\n",
                second, phase, progress.scheduled.load(ordering: .relaxed), answered, answered - lastAnswered,
                progress.errors.load(ordering: .relaxed))
            FileHandle.standardError.write(Data(line.utf8))
            lastAnswered = answered
        }
    }

    /// Doubles the rate until a step fails, then bisects between the last pass and the first
    /// failure to within 5 %. A step passes with no errors, p99 within budget, and the answers
    /// keeping up with the schedule.
    func findMax(_ workload: Workload) async throws -> MaxRateReport {
        var steps: [RunReport] = []
        var best: RunReport?
        var failedAt: Double?
        // A failed step is tried again before it counts: on a shared machine one compile burst
        // can sink a step that the server would pass.
        func step(_ rate: Double) async throws -> Bool {
            for attempt in 0...ramp.retries {
                let report = try await measure(workload, plan: load.plan(rate: rate, duration: ramp.stepDuration, warmup: ramp.stepWarmup), quiet: true)
                let passed = report.errorCount == 0 && report.worstP99Ms <= ramp.p99BudgetMs && report.achievedRate >= 0.95 * rate
                    && (report.backlogDrainMs ?? 0) <= 1_000
                steps.append(report)
                let verdict = passed ? "pass" : attempt < ramp.retries ? "fail, again" : "FAIL"
                let line = String(format: "  step %9.0f/s  achieved %9.0f/s  p99 %8.2f ms  errors %d  ",
                                  rate, report.achievedRate, report.worstP99Ms, report.errorCount)
                    + (report.saleLogBacklog.map { String(format: "backlog %d (%.0f ms)  ", $0, report.backlogDrainMs ?? 0) } ?? "") + verdict + "\n"
                FileHandle.standardError.write(Data(line.utf8))
                // Let queues and connections settle before the next step.
                try await Task.sleep(for: .milliseconds(500))
                if passed { return true }
            }
            return false
        }
        var rate = ramp.startRate
        while failedAt == nil, rate <= ramp.maxRate {
            if try await step(rate) {
                best = steps.last
                rate *= 2
            } else {
                failedAt = rate
            }
        }
        var bisections = 0
        while let high = failedAt, let low = best?.targetRate, (high - low) / low > 0.05, bisections < 6 {
            bisections += 1
            let middle = ((low + high) / 2).rounded()
            if try await step(middle) {
                best = steps.last
            } else {
                failedAt = middle
            }
        }
        return MaxRateReport(scenario: workload.name, p99BudgetMs: ramp.p99BudgetMs, maxRate: best?.targetRate ?? 0,
                             reachedMaxRateOption: failedAt == nil, atMax: best, steps: steps)
    }
}

struct LatencySummary: Codable {
    var count: UInt64
    var p50: Double
    var p90: Double
    var p99: Double
    var p99_9: Double
    var max: Double

    init(_ histogram: LatencyHistogram) {
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        count = histogram.totalCount
        p50 = ms(histogram.valueAtPercentile(50))
        p90 = ms(histogram.valueAtPercentile(90))
        p99 = ms(histogram.valueAtPercentile(99))
        p99_9 = ms(histogram.valueAtPercentile(99.9))
        max = ms(histogram.max)
    }

    enum CodingKeys: String, CodingKey {
        case count, p50, p90, p99, p99_9 = "p99_9", max
    }
}

struct RunReport: Codable {
    var scenario: String
    var targetRate: Double
    var durationSeconds: Double
    var warmupSeconds: Double
    var connections: Int
    var pipeline: Int
    var scheduled: Int
    var answered: Int
    var achievedRate: Double
    var errors: [String: Int]
    var latencyMs: [String: LatencySummary]
    var lateAnswers: Int?
    var lateAfterMs: Double?
    var postsSold: Int?
    var postsPerSecond: Double?
    var pingsWithoutBid: Int?
    var harnessCores: Double?
    var serverCores: Double?
    /// Sales acknowledged but not yet in the server's tables when the run ended.
    var saleLogBacklog: Int?
    /// Milliseconds from the run's end until that backlog was filled in.
    var backlogDrainMs: Double?

    init(workload: Workload, plan: RunPlan, result: RunResult, harnessCores: Double?, serverCores: Double?) {
        let tally = result.tally
        scenario = workload.name
        targetRate = plan.rate
        durationSeconds = plan.durationSeconds
        warmupSeconds = plan.warmupSeconds
        connections = plan.connections
        pipeline = plan.pipelineDepth
        scheduled = tally.scheduled
        answered = tally.answered[workload.scheduled.kind] ?? 0
        achievedRate = Double(answered) / result.windowSeconds
        errors = tally.errors
        latencyMs = Dictionary(uniqueKeysWithValues: tally.latencies.map { ($0.key.rawValue, LatencySummary($0.value)) })
        if let late = workload.lateAfterNanoseconds {
            lateAnswers = tally.lateAnswers
            lateAfterMs = Double(late) / 1e6
        }
        if workload.postsAfterPing {
            postsSold = tally.sold
            postsPerSecond = Double(tally.sold) / result.windowSeconds
            pingsWithoutBid = tally.pingsWithoutBid
        }
        self.harnessCores = harnessCores
        self.serverCores = serverCores
    }

    var errorCount: Int { errors.values.reduce(0, +) }
    var worstP99Ms: Double { latencyMs.values.map(\.p99).max() ?? .infinity }

    var text: String {
        var lines = [
            String(format: "%@: %.0f/s for %g s after %g s warmup, %d connections%@", scenario, targetRate, durationSeconds,
                   warmupSeconds, connections, pipeline > 1 ? ", pipeline \(pipeline)" : ""),
            String(format: "  due %d, answered %d, achieved %.1f/s", scheduled, answered, achievedRate),
            "  errors: " + (errors.isEmpty ? "none" : errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")),
            "  latency from due time, ms      p50       p90       p99     p99.9       max     count",
        ]
        for kind in RequestKind.allCases {
            guard let summary = latencyMs[kind.rawValue] else { continue }
            let name = "    " + kind.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)
            lines.append(name + String(format: "%9.2f %9.2f %9.2f %9.2f %9.2f %9d", summary.p50, summary.p90,
                                       summary.p99, summary.p99_9, summary.max, summary.count))
        }
        if let lateAnswers, let lateAfterMs {
            let share = answered > 0 ? 100 * Double(lateAnswers) / Double(answered) : 0
            lines.append(String(format: "  late ping answers (> %.0f ms after send): %d (%.2f %%)", lateAfterMs, lateAnswers, share))
        }
        if let postsSold, let postsPerSecond {
            lines.append(String(format: "  posts sold: %d (%.1f/s); pings without a bid: %d", postsSold, postsPerSecond, pingsWithoutBid ?? 0))
        }
        if let saleLogBacklog {
            lines.append(String(format: "  sale log backlog at the end: %d sales, in the tables %.0f ms later", saleLogBacklog, backlogDrainMs ?? .infinity))
        }
        if let harnessCores {
            let server = serverCores.map { String(format: ", server %.2f cores", $0) } ?? ""
            let perPost = serverCores.flatMap { cores in postsPerSecond.flatMap { $0 > 0 ? String(format: " (%.2f ms per ping and post)", cores * 1000 / $0) : nil } } ?? ""
            lines.append(String(format: "  cpu: harness %.2f cores%@%@", harnessCores, server, perPost))
        }
        return lines.joined(separator: "\n")
    }
}

struct MaxRateReport: Codable {
    var scenario: String
    var p99BudgetMs: Double
    var maxRate: Double
    /// No step failed before --max-rate: the true max is higher.
    var reachedMaxRateOption: Bool
    var atMax: RunReport?
    var steps: [RunReport]

    var text: String {
        guard let atMax else {
            return String(format: "%@: no step passed (p99 budget %.0f ms, no errors)", scenario, p99BudgetMs)
        }
        let capped = reachedMaxRateOption ? " (no step failed up to --max-rate: the max is higher)" : ""
        return String(format: "%@: max %.0f/s with p99 %.2f ms (budget %.0f ms) and no errors", scenario, maxRate, atMax.worstP99Ms, p99BudgetMs)
            + capped + "\n" + atMax.text
    }
}

struct Comparison: Codable {
    var results: [MaxRateReport]

    var text: String {
        guard results.count >= 2 else { return "" }
        let hello = results[0].maxRate
        let healthz = results[1].maxRate
        func ratio(_ value: Double, _ reference: Double) -> String {
            reference > 0 ? String(format: "%.3f", value / reference) : "n/a"
        }
        var lines = [
            "", "max rates within the same p99 budget, on this machine, in this run:",
            "  scenario          max/s   ÷ hello-nio   ÷ healthz",
        ]
        for result in results {
            let name = "  " + result.scenario.padding(toLength: 12, withPad: " ", startingAt: 0)
            let hello = ratio(result.maxRate, hello), healthz = ratio(result.maxRate, healthz)
            lines.append(name + String(format: "%10.0f", result.maxRate) + "   " + String(repeating: " ", count: max(0, 11 - hello.count)) + hello
                         + "   " + String(repeating: " ", count: max(0, 9 - healthz.count)) + healthz)
        }
        lines.append(String(
            format: "harness ceiling: %.0f/s against hello-nio (harness and server share the cores); a rate close to it says more about the harness than the server — cross-check with wrk.",
            hello))
        return lines.joined(separator: "\n")
    }
}
