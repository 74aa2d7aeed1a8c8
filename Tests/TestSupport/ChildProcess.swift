#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A process a test starts: the `ezleeds` binary, a peer (dnsmasq, an SMTP sink), a tool (openssl,
/// sqlite3, a Python check). Spawned clean, not with Foundation's `Process`: the test process runs
/// many suites at once, and a child that inherits a test thread's blocked signals ignores SIGTERM,
/// one that inherits another test's pipe keeps that pipe from ever ending. So the child gets an
/// empty signal mask with default dispositions and no descriptor but its standard three; its
/// output goes to files, never pipes; and it is reaped with `waitpid` on its own pid only.
public final class ChildProcess: Sendable {
    /// What the child reads.
    public enum Input: Sendable {
        /// `/dev/null`.
        case nothing
        /// The file at this path.
        case file(String)
        /// A socket whose other end this object holds: the child reads its end when `closeInput()`
        /// is called, or when the test process dies, however it dies.
        case lifeline
    }

    /// How a finished child ended.
    public struct Finished: Sendable {
        /// The exit code, or the number of the signal that ended it (as Foundation's `terminationStatus`).
        public var status: CInt
        public var signaled: Bool
        /// What it wrote, when run with `run`.
        public var stdout = ""
        public var stderr = ""
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public let processIdentifier: pid_t
    private let state: Mutex<State>

    private struct State {
        /// The raw wait status, once reaped.
        var waitStatus: CInt?
        /// Our end of a `.lifeline`, until closed.
        var lifeline: CInt?
    }

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`.
    /// - Parameters:
    ///   - output, errors: files the child's standard output and error are written to (created or
    ///     truncated); `nil` discards; the same path for both writes both there, in order.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        input: Input = .nothing, output: String? = nil, errors: String? = nil
    ) throws {
        var lifeline: (child: CInt, ours: CInt)?
        if case .lifeline = input {
            // A socket pair, close-on-exec from the start: no other child may hold our end.
            var ends: [CInt] = [0, 0]
            guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
                throw Failure(description: "socketpair: \(String(cString: strerror(errno)))")
            }
            lifeline = (ends[0], ends[1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .nothing: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .lifeline: posix_spawn_file_actions_adddup2(&actions, lifeline!.child, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errors, errors == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        Self.closeEverythingElse(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let status =
            executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        if let lifeline { close(lifeline.child) }
        guard status == 0 else {
            if let lifeline { close(lifeline.ours) }
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.processIdentifier = pid
        self.state = Mutex(State(waitStatus: nil, lifeline: lifeline?.ours))
    }

    deinit {
        self.closeInput()
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), which Swift's Glibc module does not show.
    private static func closeEverythingElse(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }

    /// Ends a `.lifeline` input.
    public func closeInput() {
        self.state.withLock { state in
            if let end = state.lifeline { close(end) }
            state.lifeline = nil
        }
    }

    public func signal(_ number: CInt) {
        if self.isRunning { kill(self.processIdentifier, number) }
    }

    /// SIGTERM.
    public func terminate() {
        self.signal(SIGTERM)
    }

    public var isRunning: Bool { self.poll() == nil }

    /// How it ended; nil while it runs. Never blocks.
    public func poll() -> Finished? {
        self.state.withLock { state in
            if state.waitStatus == nil {
                var status: CInt = 0
                switch waitpid(self.processIdentifier, &status, WNOHANG) {
                case self.processIdentifier: state.waitStatus = status
                // Reaped elsewhere: ended, how is lost.
                case -1 where errno == ECHILD: state.waitStatus = Self.lost
                default: break
                }
            }
            return state.waitStatus.map(Self.finished)
        }
    }

    /// Waits for the end without blocking a thread.
    @discardableResult
    public func exit() async -> Finished {
        while true {
            if let finished = self.poll() { return finished }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for the end, blocking this thread: for synchronous callers only.
    @discardableResult
    public func waitUntilExit() -> Finished {
        while true {
            if let finished = self.poll() { return finished }
            usleep(5_000)
        }
    }

    /// The exit code, or the signal's number; 0 while it runs.
    public var terminationStatus: CInt { self.poll()?.status ?? 0 }

    /// SIGTERM; SIGKILL if it has not ended within `grace`; then its end.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Finished {
        self.terminate()
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let finished = self.poll() { return finished }
            try? await Task.sleep(for: .milliseconds(10))
        }
        self.signal(SIGKILL)
        return await self.exit()
    }

    private static let lost: CInt = -1

    private static func finished(_ waitStatus: CInt) -> Finished {
        if waitStatus == Self.lost { return Finished(status: -1, signaled: false) }
        let signal = waitStatus & 0x7f
        return signal == 0 ? Finished(status: (waitStatus >> 8) & 0xff, signaled: false) : Finished(status: signal, signaled: true)
    }
}

extension ChildProcess {
    /// Runs a command to its end and returns what it wrote; `input` is its standard input.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        input: Data? = nil
    ) async throws -> Finished {
        let files = try CapturedFiles(input: input)
        defer { files.remove() }
        let child = try ChildProcess(executable, arguments, environment: environment, input: files.input, output: files.stdout, errors: files.stderr)
        return files.read(into: await child.exit())
    }

    /// `run` for synchronous callers: blocks this thread until the command ends.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        input: Data? = nil
    ) throws -> Finished {
        let files = try CapturedFiles(input: input)
        defer { files.remove() }
        let child = try ChildProcess(executable, arguments, environment: environment, input: files.input, output: files.stdout, errors: files.stderr)
        return files.read(into: child.waitUntilExit())
    }

    /// Starts a peer that never outlives the tests: under a watchdog shell that kills it once the
    /// lifeline ends, whether `stop()` ends it or the test process dies. The terminal's signals
    /// are ignored: a ^C ends the tests, so their end of the lifeline, and so the peer.
    /// The child ends when the peer does (a peer that failed to start is seen at once).
    public static func peer(
        _ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment, log: String
    ) throws -> ChildProcess {
        let watchdog = """
            exec 3<&0 </dev/null; trap '' INT HUP
            "$0" "$@" 3<&- & peer=$!
            { read -r _ <&3; kill $peer; } & reader=$!
            exec 3<&-; wait $peer; kill $reader 2>/dev/null; wait
            """
        return try ChildProcess("/bin/sh", ["-c", watchdog, executable] + arguments, environment: environment, input: .lifeline, output: log, errors: log)
    }

    /// Ends a peer: its lifeline, then SIGKILL if it lingers; and waits for it.
    public func stopPeer() async {
        self.closeInput()
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline {
            if self.poll() != nil { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
        self.signal(SIGKILL)
        await self.exit()
    }
}

/// Temporary files for one run's input and output.
private struct CapturedFiles {
    let stdout: String
    let stderr: String
    let inputPath: String?

    init(input: Data?) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        self.stdout = base + ".out"
        self.stderr = base + ".err"
        if let input {
            self.inputPath = base + ".in"
            try input.write(to: URL(fileURLWithPath: base + ".in"))
        } else {
            self.inputPath = nil
        }
    }

    var input: ChildProcess.Input { self.inputPath.map { .file($0) } ?? .nothing }

    func read(into finished: ChildProcess.Finished) -> ChildProcess.Finished {
        var finished = finished
        finished.stdout = (try? String(contentsOfFile: self.stdout, encoding: .utf8)) ?? ""
        finished.stderr = (try? String(contentsOfFile: self.stderr, encoding: .utf8)) ?? ""
        return finished
    }

    func remove() {
        for path in [self.stdout, self.stderr] + (self.inputPath.map { [$0] } ?? []) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
