import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The `ezleeds` binary as an operator runs it: the CLI, the first start, a real socket, signals.
@Suite("ezleeds binary end to end", .serialized)
struct CommandLineServerTests {
    @Test("tenant and key commands print one JSON object, and keys work against a running server until revoked")
    func tenantsKeysAndRevocation() async throws {
        let workspace = try Workspace()
        let created = try await workspace.run(["tenant", "create", "Acme Leads"])
        #expect(created.status == 0, "\(created.stderr)")
        let tenant = try JSON.object(created.stdout)
        #expect(Set(tenant.keys) == ["tenant_id", "api_key", "admin_key", "compliance_key"])
        let tenantID = try #require(tenant["tenant_id"] as? String)
        #expect((tenant["api_key"] as? String)?.hasPrefix("ezl_live_") == true)
        #expect((tenant["admin_key"] as? String)?.hasPrefix("ezl_admin_") == true)
        #expect((tenant["compliance_key"] as? String)?.hasPrefix("ezl_cmpl_") == true)

        let issued = try JSON.object(try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "standard", "--rate-limit-per-minute", "500"]).stdout)
        #expect(issued["role"] as? String == "standard")
        #expect(issued["rate_limit_per_minute"] as? Int == 500)
        let secret = try #require(issued["key"] as? String)
        let keyID = try #require(issued["key_id"] as? String)

        let listing = try await workspace.run(["key", "list", "--tenant", tenantID])
        #expect(listing.status == 0)
        #expect((try JSON.object(listing.stdout)["items"] as? [Any])?.count == 4)
        for value in tenant.values.compactMap({ $0 as? String }) + [secret] where value.hasPrefix("ezl_") {
            #expect(!listing.stdout.contains(value), "key list must never print secrets")
        }
        #expect(try await workspace.run(["key", "create", "--tenant", "ten_nope", "--role", "admin"]).status != 0)
        #expect(try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "root"]).status != 0)

        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await client.request(server.url("/api/v1/buyers"), method: .GET, headers: ["X-API-Key": secret])
            #expect(response.status == 200)
            #expect(response.headers["X-RateLimit-Limit"].first == "500")

            #expect(try await workspace.run(["key", "revoke", keyID]).status == 0)
            var status: UInt = 200
            for _ in 0..<50 where status != 401 {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.request(server.url("/api/v1/buyers"), method: .GET, headers: ["X-API-Key": secret]).status
            }
            #expect(status == 401, "a revoked key must fail within the refresh interval")
            let other = try await client.request(server.url("/api/v1/buyers"), method: .GET, headers: ["X-API-Key": tenant["api_key"] as? String ?? ""])
            #expect(other.status == 200)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let exit = try await server.terminate()
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    @Test("an inbound lead sells over a real socket, and `ledger verify` finds every balance equal to its entries")
    func inboundAndLedgerVerify() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"]).stdout)
        let apiKey = try #require(tenant["api_key"] as? String)
        let adminKey = try #require(tenant["admin_key"] as? String)
        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            func post(_ path: String, _ body: String, key: String) async throws -> (UInt, [String: Any]) {
                var request = HTTPClientRequest(url: server.url(path))
                request.method = .POST
                request.headers.add(name: "X-API-Key", value: key)
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await client.execute(request, timeout: .seconds(10))
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return (response.status.code, try JSON.object(String(buffer: bytes)))
            }
            let buyer = try await post(
                "/api/v1/buyers", #"{"name": "Acme Law", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 35000}"#, key: apiKey
            )
            #expect(buyer.0 == 201)
            let lead = try await post(
                "/api/v1/leads/inbound",
                #"{"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+17025551234", "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "landing_page_v3", "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42"}}"#,
                key: apiKey
            )
            #expect(lead.0 == 201)
            #expect(lead.1["sold_price_cents"] as? Int == 35000)
            let credit = try await post("/api/v1/billing/credits/add", #"{"amount_cents": 1000000, "reason": "Promotional credit"}"#, key: adminKey)
            #expect(credit.0 == 201)
            let leadID = try #require(lead.1["id"] as? String)
            let returned = try await post("/api/v1/leads/\(leadID)/return", #"{"reason": "invalid_phone"}"#, key: apiKey)
            #expect(returned.0 == 200)
            #expect(returned.1["credit_issued"] as? Bool == true)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(try await server.terminate().status == 0)
        let verified = try await workspace.run(["ledger", "verify"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let report = try JSON.object(verified.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect(report["entries_checked"] as? Int == 3, "a charge, a credit and a refund")
        #expect((report["accounts_checked"] as? Int ?? 0) >= 2)
    }

    @Test("dnc import: a million numbers, then hits and misses over HTTP; a change list's deletions reach the running server; internal lists stay per tenant")
    func doNotCallImport() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"]).stdout)
        let other = try JSON.object(try await workspace.run(["tenant", "create", "Other"]).stdout)
        let tenantID = try #require(tenant["tenant_id"] as? String)
        let otherKey = try #require(other["compliance_key"] as? String)
        // More look-ups than the default 100 a minute.
        let busyKey = try JSON.object(
            try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "compliance", "--rate-limit-per-minute", "100000"]).stdout
        )
        let complianceKey = try #require(busyKey["key"] as? String)

        // A million numbers from a fixed sequence (SplitMix64), one per line, as the FTC ships them;
        // a few are kept to look up, and two lines are malformed. (Ten million are parsed, built and
        // looked up in DoNotCallListTests, without processes; the benchmarks time them.)
        let file = workspace.directory.appendingPathComponent("federal.txt")
        let kept = try await Workspace.detached { () throws -> [UInt64] in
            var generator = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
            var kept: [UInt64] = []
            // Ten digits and a line feed a number, written in place: a String per number is slow in a debug build.
            var text = [UInt8](repeating: UInt8(ascii: "\n"), count: 11 * 1_000_000)
            text.withUnsafeMutableBufferPointer { bytes in
                for index in 0..<1_000_000 {
                    var number = generator.phoneNumber()
                    if index % 100_000 == 0 { kept.append(number) }
                    for digit in (0..<10).reversed() {
                        bytes[index * 11 + digit] = UInt8(ascii: "0") + UInt8(number % 10)
                        number /= 10
                    }
                }
            }
            text.append(contentsOf: "12345\nnot a number\n".utf8)
            try Data(text).write(to: file)
            return kept
        }
        var generator = SplitMix64(seed: 42)
        let imported = try await workspace.runDetached(["dnc", "import", "--list", "federal", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let report = try JSON.object(imported.stdout)
        #expect(report["lines"] as? Int == 1_000_002)
        #expect(report["invalid"] as? Int == 2)
        #expect((report["count_after"] as? Int ?? 0) > 999_000, "a few duplicates at most")
        // Idempotent: the same file again leaves the same list.
        let again = try JSON.object(try await workspace.runDetached(["dnc", "import", "--list", "federal", file.path]).stdout)
        #expect(again["count_before"] as? Int == report["count_after"] as? Int)
        #expect(again["count_after"] as? Int == report["count_after"] as? Int)
        let internalFile = workspace.directory.appendingPathComponent("internal.txt")
        try Data("702,5550100\n".utf8).write(to: internalFile)
        #expect(try await workspace.run(["dnc", "import", "--list", "internal", "--tenant", tenantID, internalFile.path]).status == 0)

        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            func check(_ number: String, key: String = complianceKey) async throws -> [String: Bool] {
                var request = HTTPClientRequest(url: server.url("/api/v1/compliance/dnc-check"))
                request.method = .POST
                request.headers.add(name: "X-Compliance-API-Key", value: key)
                request.body = .bytes(ByteBuffer(string: #"{"phone": "+1\#(number)", "state": "NV"}"#))
                let response = try await client.execute(request, timeout: .seconds(10))
                let bytes = try await response.body.collect(upTo: 1 << 20)
                return try JSON.object(String(buffer: bytes))["checks"] as? [String: Bool] ?? [:]
            }
            for number in kept { #expect(try await check(String(number))["federal_dnc"] == true, "\(number)") }
            var misses = 0
            for _ in 0..<200 {
                if try await check(String(generator.phoneNumber()))["federal_dnc"] == false { misses += 1 }
            }
            #expect(misses >= 199, "a million of 6.4 billion numbers: a random number misses")
            #expect(try await check("7025550100")["internal_dnc"] == true)
            #expect(try await check("7025550100", key: otherKey)["internal_dnc"] == false, "internal lists never leak across tenants")

            // A change list deletes two kept numbers; the running server reloads within seconds.
            let changes = workspace.directory.appendingPathComponent("changes.txt")
            try Data("D,\(kept[0])\n\(kept[1] / 10_000_000),\(kept[1] % 10_000_000),D\nA,7025550199\n".utf8).write(to: changes)
            let changed = try JSON.object(try await workspace.run(["dnc", "import", "--list", "federal", "--changes", changes.path]).stdout)
            #expect(changed["count_after"] as? Int == (report["count_after"] as? Int ?? 0) - 1)
            var deleted = false
            for _ in 0..<80 where !deleted {
                try await Task.sleep(for: .milliseconds(100))
                deleted = try await check(String(kept[0]))["federal_dnc"] == false
            }
            #expect(deleted)
            #expect(try await check(String(kept[1]))["federal_dnc"] == false)
            #expect(try await check("7025550199")["federal_dnc"] == true)
            #expect(try await check(String(kept[2]))["federal_dnc"] == true)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        #expect(try await server.terminate().status == 0)
    }

    @Test("the first serve on an empty database prints the default tenant's keys once; SIGTERM drains and closes the store")
    func firstStartAndGracefulShutdown() async throws {
        let workspace = try Workspace()
        let server = try await workspace.startServer()
        let provisioned = try JSON.object(try #require(server.stdoutLines().last { $0.hasPrefix("{") }))
        let apiKey = try #require(provisioned["api_key"] as? String)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var create = HTTPClientRequest(url: server.url("/api/v1/campaigns/"))
            create.method = .POST
            create.headers = ["X-API-Key": apiKey, "Content-Type": "application/json"]
            create.body = .bytes(ByteBuffer(string: #"{"name": "Q2", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 5000000}"#))
            let response = try await client.execute(create, timeout: .seconds(10))
            #expect(response.status == .created)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let exit = try await server.terminate()
        #expect(exit.status == 0, "\(exit.stderr)")
        #expect(exit.stderr.contains("store closed"))
        // A clean close checkpoints the WAL into the database file: what is left of it is empty.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: workspace.databasePath + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0)

        // The second start finds the tenant and prints no keys; the campaign is still there.
        let again = try await workspace.startServer()
        #expect(!again.stdoutLines().contains { $0.contains("ezl_") })
        let client2 = HTTPClient(eventLoopGroupProvider: .singleton)
        let list = try? await client2.request(again.url("/api/v1/campaigns"), method: .GET, headers: ["X-API-Key": apiKey])
        try await client2.shutdown()
        #expect(list?.status == 200)
        #expect(list.map { $0.body.contains(#""total":1"#) } == true)
        _ = try await again.terminate()
    }
}

// MARK: - Running the binary

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// A temporary folder with a database path, and the built `ezleeds` binary.
struct Workspace {
    let directory: URL
    let databasePath: String
    let binary: URL

    /// The package's root, where README.md is.
    var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("ezleeds-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.databasePath = self.directory.appendingPathComponent("ezleeds.sqlite").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/ezleeds") }
        self.binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build the ezleeds binary first")
    }

    /// `run`, niced: for commands that take seconds (an import of millions of numbers), a load
    /// generator here, not the thing under time pressure.
    func runDetached(_ arguments: [String]) async throws -> ProcessResult {
        try await self.run(arguments, niceness: 15)
    }

    /// Runs blocking work (test data written in seconds) on a dispatch thread, and waits for it
    /// without holding one of the few cooperative threads every other test shares.
    static func detached<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Runs `ezleeds arguments --db <database, or the workspace's>`; `passingDatabase: false` leaves `--db` out.
    func run(
        _ arguments: [String], niceness: Int? = nil, database: String? = nil, passingDatabase: Bool = true,
        environment: [String: String] = [:]
    ) async throws -> ProcessResult {
        let databaseArguments = passingDatabase ? ["--db", database ?? self.databasePath] : []
        let command =
            if let niceness, FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") {
                ["/usr/bin/nice", "-n", String(niceness), self.binary.path] + arguments + databaseArguments
            } else {
                [self.binary.path] + arguments + databaseArguments
            }
        let finished = try await ChildProcess.run(
            command[0], Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
        return ProcessResult(status: finished.status, stdout: finished.stdout, stderr: finished.stderr)
    }

    /// Starts `ezleeds serve --port 0` and waits until it reports the port it listens on.
    func startServer(
        _ arguments: [String] = ["--port", "0"], database: String? = nil, environment: [String: String] = [:], runAs: [String] = []
    ) async throws -> RunningServer {
        let server = try self.launchServer(arguments, database: database, environment: environment, runAs: runAs)
        return try await server.listening()
    }

    /// Starts `ezleeds serve arguments --db …` without waiting for it; `runAs` is a command
    /// line that runs it, such as `setpriv` with another user.
    func launchServer(
        _ arguments: [String], database: String? = nil, environment: [String: String] = [:], runAs: [String] = []
    ) throws -> RunningServer {
        let stdoutPath = self.directory.appendingPathComponent("serve-\(UUID().uuidString).out").path
        let stderrPath = stdoutPath.replacingOccurrences(of: ".out", with: ".err")
        let command = runAs + [self.binary.path, "serve"] + arguments + ["--db", database ?? self.databasePath]
        let process = try ChildProcess(
            command[0], Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, output: stdoutPath,
            errors: stderrPath
        )
        return RunningServer(process: process, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }
}

extension RunningServer {
    /// Waits until the server reports the port it listens on.
    func listening() async throws -> RunningServer {
        var server = self
        let process = self.process
        for _ in 0..<300 {
            if let port = server.listeningPort() {
                server.port = port
                return server
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await process.stop(grace: .seconds(2))
        Issue.record("server did not start: \(server.stderr())")
        throw CancellationError()
    }
}

struct RunningServer {
    let process: ChildProcess
    let stdoutPath: String
    let stderrPath: String
    var port = 0

    func url(_ path: String) -> String { "http://127.0.0.1:\(self.port)\(path)" }

    func stdoutLines() -> [String] {
        ((try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func stderr() -> String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// Hummingbird logs "Server started and listening" with the bound address.
    func listeningPort() -> Int? {
        guard let line = self.stderr().split(separator: "\n").first(where: { $0.contains("listening") }),
            let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression)
        else { return nil }
        return Int(line[range].split(separator: ":").last ?? "")
    }

    /// SIGTERM, then wait for the exit (SIGKILL after 10 s).
    func terminate() async throws -> ProcessResult {
        let finished = await self.process.stop(grace: .seconds(10))
        return ProcessResult(status: finished.status, stdout: self.stdoutLines().joined(separator: "\n"), stderr: self.stderr())
    }
}

enum JSON {
    static func object(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "not one JSON object: \(text)")
    }
}

extension HTTPClient {
    struct SimpleResponse {
        var status: UInt
        var headers: HTTPHeaders
        var body: String
    }

    func request(_ url: String, method: HTTPMethod, headers: HTTPHeaders, body: String? = nil) async throws -> SimpleResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await self.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return SimpleResponse(status: response.status.code, headers: response.headers, body: String(buffer: body))
    }
}

/// A fast, seeded generator (SplitMix64) for test data that must be the same every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A valid 10-digit NANP number: area code and exchange 200–999.
    mutating func phoneNumber() -> UInt64 {
        (200 + self.next() % 800) * 10_000_000 + 2_000_000 + self.next() % 8_000_000
    }
}
