// The open-loop engine. Request i is due at start + i/rate whatever happened before it; each
// event loop's Pacer hands due requests to its Lanes (keep-alive connections), which queue or
// pipeline them when busy. Latency is always taken from the due time, never from the actual
// send, so a stalled server shows up as latency instead of slowing the load down (coordinated
// omission).
import Atomics
import DequeModule
import NIOCore
import NIOPosix

/// How hard and how long to drive.
struct RunPlan: Sendable {
    var rate: Double
    var warmupSeconds: Double
    var durationSeconds: Double
    var connections: Int
    /// Requests written ahead on a connection before its earlier answers arrive (1: no pipelining).
    var pipelineDepth: Int
    var timeoutSeconds: Double
}

/// Monotonic nanoseconds, the clock every due, sent and answered time is on.
enum Uptime {
    static var now: UInt64 { NIODeadline.now().uptimeNanoseconds }
}

/// A run's merged tally and the seconds from its first to its last measured answer (at least the duration).
struct RunResult: Sendable {
    var tally: Tally
    var windowSeconds: Double
}

/// Runs one plan against one workload.
func drive(_ workload: Workload, plan: RunPlan, group: MultiThreadedEventLoopGroup, progress: Progress) async throws -> RunResult {
    let loops = Array(group.makeIterator())
    let loopCount = min(loops.count, max(plan.connections, 1))
    // Leave time to open the connections before the first request is due.
    let start = Uptime.now + 300_000_000
    let futures = (0..<loopCount).map { index in
        let lanes = plan.connections / loopCount + (index < plan.connections % loopCount ? 1 : 0)
        let loop = loops[index]
        return loop.flatSubmit {
            let pacer = Pacer(
                loop: loop, workload: workload, plan: plan, progress: progress, laneCount: lanes,
                start: start, firstIndex: index, stride: loopCount)
            pacer.begin()
            return pacer.finished.futureResult
        }
    }
    var total = Tally()
    for future in futures { total.merge(try await future.get()) }
    let answeredFor = total.lastAnswerAt > total.firstAnswerAt ? Double(total.lastAnswerAt - total.firstAnswerAt) / 1e9 : 0
    return RunResult(tally: total, windowSeconds: max(plan.durationSeconds, answeredFor))
}

/// One request on its way: what to send, when it was due, when it actually went out.
struct Exchange {
    var outgoing: Outgoing
    var due: UInt64
    var sent: UInt64 = 0
    /// False during warmup.
    var measured: Bool
}

/// Generates this loop's share of the schedule and keeps its lanes' counts.
final class Pacer {
    let loop: any EventLoop
    let workload: Workload
    let plan: RunPlan
    let progress: Progress
    let finished: EventLoopPromise<Tally>
    private(set) var lanes: [Lane] = []
    private var tally = Tally()
    private let start: UInt64
    private let measureFrom: UInt64
    private let sendUntil: UInt64
    private let nanosecondsPerRequest: Double
    private let stride: Int
    private var next: Int
    private var cursor = 0
    private var sending = true
    private var lastWake: UInt64 = 0
    private var serial: Int
    let timeout: UInt64

    init(loop: any EventLoop, workload: Workload, plan: RunPlan, progress: Progress, laneCount: Int,
         start: UInt64, firstIndex: Int, stride: Int) {
        self.loop = loop
        self.workload = workload
        self.plan = plan
        self.progress = progress
        self.finished = loop.makePromise()
        self.start = start
        self.measureFrom = start + UInt64(plan.warmupSeconds * 1e9)
        self.sendUntil = measureFrom + UInt64(plan.durationSeconds * 1e9)
        self.nanosecondsPerRequest = 1e9 / plan.rate
        self.stride = stride
        self.next = firstIndex
        self.serial = firstIndex * 100_000_000 + Int(start % 10_000_000)
        self.timeout = UInt64(plan.timeoutSeconds * 1e9)
        self.lanes = (0..<laneCount).map { _ in Lane(pacer: self) }
    }

    func begin() {
        for lane in lanes { lane.connect() }
        scheduleWake()
        scheduleTick()
    }

    private func due(_ index: Int) -> UInt64 {
        start + UInt64(Double(index) * nanosecondsPerRequest)
    }

    private func scheduleWake() {
        let at = due(next)
        guard at < sendUntil else {
            sending = false
            return
        }
        // Waking for every request costs an epoll round trip each; at high rates a 50 µs floor
        // between wakes batches them, and the delay still counts since latency runs from `due`.
        let wakeAt = max(at, lastWake + 50_000)
        loop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(wakeAt)) { self.wake() }
    }

    /// Sends everything due by now (a late timer catches up in one batch), then sleeps until the next.
    private func wake() {
        let now = Uptime.now
        lastWake = now
        while true {
            let at = due(next)
            guard at <= now, at < sendUntil else { break }
            let measured = at >= measureFrom
            if measured {
                tally.scheduled += 1
                progress.scheduled.wrappingIncrement(ordering: .relaxed)
            }
            pickLane().enqueue(Exchange(outgoing: workload.outgoing(serial: next), due: at, measured: measured))
            next += stride
        }
        for lane in lanes { lane.flush() }
        scheduleWake()
    }

    /// An idle connection if one is near the cursor, else the next in turn (which queues or pipelines).
    private func pickLane() -> Lane {
        let count = lanes.count
        for step in 0..<min(count, 8) {
            let index = (cursor + step) % count
            if lanes[index].isIdle {
                cursor = (index + 1) % count
                return lanes[index]
            }
        }
        let lane = lanes[cursor]
        cursor = (cursor + 1) % count
        return lane
    }

    private func scheduleTick() {
        loop.assumeIsolated().scheduleTask(in: .milliseconds(100)) { self.tick() }
    }

    /// Times out stuck requests, and ends the run once sending stopped and every answer is in.
    private func tick() {
        let now = Uptime.now
        for lane in lanes { lane.expire(now: now, after: timeout) }
        if !sending, lanes.allSatisfy(\.isDrained) || now > sendUntil + timeout {
            for lane in lanes { lane.retire() }
            // Lanes hold their pacer; dropping them here ends the cycle.
            lanes = []
            finished.succeed(tally)
        } else {
            scheduleTick()
        }
    }

    // MARK: Counting, called by lanes on this loop.

    func answered(_ exchange: Exchange, _ answer: Answer, at now: UInt64) {
        let kind = exchange.outgoing.kind
        // A post answers with the lead's `lead_id`, an inbound lead with its `id`.
        if workload.recordsAcknowledgedLeads, kind == .post || kind == .inbound, (200..<300).contains(answer.status),
           let body = answer.body, let leadID = Workload.firstString(after: kind == .post ? "\"lead_id\"" : "\"id\"", in: body) {
            tally.acknowledgedLeads.append(leadID)
        }
        guard exchange.measured else { return }
        tally.record(kind, microseconds: (now - exchange.due) / 1000)
        tally.firstAnswerAt = min(tally.firstAnswerAt, now)
        tally.lastAnswerAt = max(tally.lastAnswerAt, now)
        progress.answered.wrappingIncrement(ordering: .relaxed)
        if !(200..<300).contains(answer.status) {
            count(error: kind == .post ? "post \(answer.status)" : "\(answer.status)")
        } else if kind == .post {
            tally.sold += 1
        }
        if kind == .ping, let late = workload.lateAfterNanoseconds, now - exchange.sent > late {
            tally.lateAnswers += 1
        }
    }

    func failed(_ exchange: Exchange, _ error: String) {
        if exchange.measured { count(error: error) }
    }

    func connectFailed() {
        if Uptime.now >= measureFrom { count(error: "connect") }
    }

    func noBid() {
        tally.pingsWithoutBid += 1
    }

    func nextSerial() -> Int {
        serial += 1
        return serial
    }

    private func count(error: String) {
        tally.count(error: error)
        progress.errors.wrappingIncrement(ordering: .relaxed)
    }
}

/// One keep-alive connection and the requests waiting for it. Reconnects when lost.
final class Lane {
    let pacer: Pacer
    let loop: any EventLoop
    let workload: Workload
    let depth: Int
    private var channel: (any Channel)?
    private var connecting = false
    private var retired = false
    private var waiting = Deque<Exchange>()
    private var inFlight = Deque<Exchange>()
    private var unflushed = false

    init(pacer: Pacer) {
        self.pacer = pacer
        self.loop = pacer.loop
        self.workload = pacer.workload
        self.depth = max(pacer.plan.pipelineDepth, 1)
    }

    var isIdle: Bool { channel != nil && inFlight.isEmpty && waiting.isEmpty }
    var isDrained: Bool { inFlight.isEmpty && waiting.isEmpty }

    func connect() {
        guard !connecting, !retired, channel == nil else { return }
        connecting = true
        let lane = NIOLoopBound(self, eventLoop: loop)
        let keepsBody = workload.keepsBodies
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AnswerDecoder(keepsBody: keepsBody)))
                    try channel.pipeline.syncOperations.addHandler(LaneHandler(lane: lane.value))
                }
            }
            .connect(host: workload.host, port: workload.port)
            .assumeIsolated()
            .whenComplete { result in
                self.connecting = false
                switch result {
                case .success(let channel):
                    if self.retired {
                        channel.close(promise: nil)
                    } else {
                        self.channel = channel
                        self.pump()
                        self.flush()
                    }
                case .failure:
                    self.pacer.connectFailed()
                    self.loop.assumeIsolated().scheduleTask(in: .milliseconds(100)) { self.connect() }
                }
            }
    }

    func enqueue(_ exchange: Exchange) {
        waiting.append(exchange)
        pump()
    }

    /// Writes waiting requests while the pipeline depth allows; the flush comes once per batch.
    private func pump() {
        guard let channel, !waiting.isEmpty, inFlight.count < depth else { return }
        let now = Uptime.now
        while inFlight.count < depth, var exchange = waiting.popFirst() {
            exchange.sent = now
            channel.write(exchange.outgoing.bytes, promise: nil)
            inFlight.append(exchange)
            unflushed = true
        }
    }

    func flush() {
        guard unflushed else { return }
        unflushed = false
        channel?.flush()
    }

    func received(_ answer: Answer) {
        guard let exchange = inFlight.popFirst() else {
            // An answer nobody asked for: the connection is out of step, start over.
            channel?.close(promise: nil)
            return
        }
        let now = Uptime.now
        pacer.answered(exchange, answer, at: now)
        if workload.postsAfterPing, exchange.outgoing.kind == .ping, answer.status == 200 {
            if let post = workload.post(after: answer, serial: pacer.nextSerial()) {
                // The post is due the moment its ping's answer is in.
                waiting.append(Exchange(outgoing: post, due: now, measured: exchange.measured))
            } else if exchange.measured {
                pacer.noBid()
            }
        }
        if answer.closes {
            channel?.close(promise: nil)
        } else {
            pump()
        }
    }

    /// A broken answer: the first request in flight gets the blame, the others are lost with the connection.
    func broke(_ error: String) {
        if let exchange = inFlight.popFirst() { pacer.failed(exchange, error) }
        channel?.close(promise: nil)
    }

    func lost(_ lostChannel: any Channel) {
        guard let channel, channel === lostChannel else { return }
        self.channel = nil
        while let exchange = inFlight.popFirst() { pacer.failed(exchange, "closed") }
        connect()
    }

    /// A request that waited or ran longer than the timeout is a failure; HTTP/1.1 answers come in
    /// order, so the connection is closed and everything in flight on it goes too.
    func expire(now: UInt64, after timeout: UInt64) {
        if let first = inFlight.first, now &- first.sent > timeout {
            while let exchange = inFlight.popFirst() { pacer.failed(exchange, "timeout") }
            channel?.close(promise: nil)
        }
        while let first = waiting.first, now &- first.due > timeout {
            waiting.removeFirst()
            pacer.failed(first, "timeout")
        }
    }

    /// The run is over: whatever is still unanswered timed out.
    func retire() {
        retired = true
        while let exchange = inFlight.popFirst() { pacer.failed(exchange, "timeout") }
        while let exchange = waiting.popFirst() { pacer.failed(exchange, "timeout") }
        channel?.close(promise: nil)
    }
}

/// Feeds a lane its connection's answers and losses.
final class LaneHandler: ChannelInboundHandler {
    typealias InboundIn = Answer

    private let lane: Lane

    init(lane: Lane) {
        self.lane = lane
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lane.received(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        lane.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lane.lost(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        lane.broke(error is MalformedAnswer ? "bad_response" : "closed")
    }
}
