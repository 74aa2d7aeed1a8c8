// Setup around a run: the processes the harness starts (ezleeds, hello-nio), the tenant and keys
// made with the CLI, buyers seeded through the API, and plain request/answer calls for all that.
import Foundation
import NIOCore
import NIOPosix
import Synchronization

struct SetupFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Processes this harness started, killed on Ctrl-C so no server outlives the run.
let startedProcesses = Mutex<Set<Int32>>([])

func installInterruptHandler() -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT)
    source.setEventHandler {
        for pid in startedProcesses.withLock({ $0 }) { kill(pid, SIGTERM) }
        try? FileManager.default.removeItem(at: workFolder())
        exit(130)
    }
    source.resume()
    return source
}

/// Where this run keeps its database and logs; one per harness process.
func workFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-load-\(getpid())")
}

/// Sends requests one after another over one keep-alive connection and returns the answers.
func call(_ requests: [ByteBuffer], host: String, port: Int, group: any EventLoopGroup) async throws -> [Answer] {
    let channel = try await ClientBootstrap(group: group)
        .connectTimeout(.seconds(2))
        .connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AnswerDecoder(keepsBody: true)))
                return try NIOAsyncChannel<Answer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        var answers: [Answer] = []
        var iterator = inbound.makeAsyncIterator()
        for request in requests {
            try await outbound.write(request)
            guard let answer = try await iterator.next() else { throw SetupFailure("\(host):\(port) closed the connection") }
            answers.append(answer)
        }
        return answers
    }
}

/// A port nobody listens on right now (the kernel's pick).
func freePort(group: any EventLoopGroup) async throws -> Int {
    let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}

/// Polls `GET path` until it answers 200.
func waitUntilServing(host: String, port: Int, path: String, group: any EventLoopGroup, seconds: Double = 30) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    let request = Workload.request(method: "GET", path: path, host: host, port: port)
    while Date() < deadline {
        if let answer = try? await call([request], host: host, port: port, group: group).first, answer.status == 200 { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw SetupFailure("nothing answered GET \(path) on \(host):\(port) within \(Int(seconds)) s")
}

/// A child process with its output in files under the work folder.
struct ChildProcess: Sendable {
    let process: Process
    let name: String
    let logFile: URL

    var pid: Int32 { process.processIdentifier }

    static func start(_ executable: URL, _ arguments: [String], name: String, in folder: URL) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw SetupFailure("\(executable.path) is not an executable; build it first (see LoadTests/README.md)")
        }
        let log = folder.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        startedProcesses.withLock { _ = $0.insert(process.processIdentifier) }
        return ChildProcess(process: process, name: name, logFile: log)
    }

    /// SIGTERM, then SIGKILL if it is still there after five seconds.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { kill(pid, SIGKILL) }
        startedProcesses.withLock { _ = $0.remove(pid) }
    }

    func logTail() -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}

/// Runs a command to completion and returns its standard output.
func runTool(_ executable: URL, _ arguments: [String]) async throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        process.terminationHandler = { _ in continuation.resume() }
        do {
            try process.run()
        } catch {
            continuation.resume(throwing: error)
        }
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        throw SetupFailure("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed: \(message)")
    }
    return text
}

func jsonField(_ field: String, in text: String) throws -> String {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
          let value = object[field] as? String
    else { throw SetupFailure("no \(field) in \(text)") }
    return value
}

/// CPU seconds (user + system) a process has used so far, from /proc.
func cpuSeconds(of pid: Int32) -> Double? {
    cpuSeconds(statPath: "/proc/\(pid)/stat")
}

func cpuSecondsOfHarness() -> Double? {
    cpuSeconds(statPath: "/proc/self/stat")
}

private func cpuSeconds(statPath path: String) -> Double? {
    guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards)
    else { return nil }
    // Fields after the command name start at field 3; utime and stime are fields 14 and 15.
    let fields = stat[afterName.upperBound...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Where the harness binary sits; hello-nio is built next to it.
func harnessDirectory() -> URL {
    let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: path).deletingLastPathComponent()
}

/// The repository root when the harness runs from LoadTests/.build/…, else the current folder.
func repositoryRoot() -> URL {
    let path = harnessDirectory().path
    if let range = path.range(of: "/LoadTests/.build/") {
        return URL(fileURLWithPath: String(path[..<range.lowerBound]))
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}
