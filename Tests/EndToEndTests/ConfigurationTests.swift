import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `serve`'s settings from flags and from `EZLEEDS_*` variables, `--version` and `--help`.
@Suite("ezleeds serve configuration", .serialized)
struct ConfigurationTests {
    @Test("every serve option names its environment variable in --help, and README's table lists each flag and variable")
    func everyOptionHasAVariable() async throws {
        let workspace = try Workspace()
        let dumped = try await workspace.run(["serve", "--experimental-dump-help"], passingDatabase: false)
        #expect(dumped.status == 0, "\(dumped.stderr)")
        let root = try JSON.object(dumped.stdout)
        let command = try #require(root["command"] as? [String: Any])
        // Dumped from a subcommand, the tool info is that command's; from the root, serve is among the subcommands.
        let serve =
            command["commandName"] as? String == "serve"
            ? command : try #require((command["subcommands"] as? [[String: Any]])?.first { $0["commandName"] as? String == "serve" })
        let arguments = try #require(serve["arguments"] as? [[String: Any]])
        let readme = try String(contentsOf: workspace.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        // Variable → the flag it stands for; a flag with a --no- form is dumped once per form.
        var variables: [String: String] = [:]
        for argument in arguments {
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            guard !names.contains("help"), !names.contains("version"), argument["kind"] as? String != "positional" else { continue }
            let abstract = argument["abstract"] as? String ?? ""
            let variable = abstract.range(of: #"EZLEEDS_[A-Z_]+"#, options: .regularExpression).map { String(abstract[$0]) }
            #expect(variable != nil, "--\(names.first ?? "?") has no EZLEEDS_ variable: \(abstract)")
            if let variable, let name = names.first {
                let flag = name.hasPrefix("no-") ? String(name.dropFirst(3)) : name
                #expect(variables[variable, default: flag] == flag, "\(variable) stands for two flags")
                variables[variable] = flag
                #expect(readme.contains("`\(variable)`"), "README's configuration table lacks \(variable)")
            }
            #expect(readme.contains("`--\(names.first ?? "")"), "README's configuration table lacks --\(names.first ?? "")")
        }
        #expect(variables.count >= 11)
    }

    @Test("--version prints the version; --log-level lists its choices and refuses others")
    func versionAndLogLevel() async throws {
        let workspace = try Workspace()
        let version = try await workspace.run(["--version"], passingDatabase: false)
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)

        let help = try await workspace.run(["serve", "--help"], passingDatabase: false)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("trace, debug, info, notice, warning, error, critical"), "\(help.stdout)")
        let bad = try await workspace.run(["serve", "--log-level", "loud"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("loud"))
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath), "a refused start creates nothing")
    }

    @Test("an environment variable takes effect; the flag beats it")
    func environmentAndFlags() async throws {
        let workspace = try Workspace()
        let port = try FreePort.find()
        let fromEnvironment = try await workspace.startServer([], environment: ["EZLEEDS_PORT": String(port), "EZLEEDS_ACCESS_LOG": "yes"])
        #expect(fromEnvironment.port == port)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let health = try? await client.request(fromEnvironment.url("/healthz"), method: .GET, headers: [:])
        #expect(health?.status == 200)
        // Paths carrying a phone number, an email or an unsubscribe token are logged masked.
        for path in ["/api/v1/compliance/dnc/internal/%2B17025551234", "/api/v1/leads/jane.doe@example.com", "/api/v1/unsubscribe/tok_secret123"] {
            _ = try? await client.request(fromEnvironment.url(path), method: .GET, headers: [:])
        }
        let logged = try await fromEnvironment.terminate().stderr
        #expect(logged.contains("Request"), "EZLEEDS_ACCESS_LOG=yes logs a line per request")
        #expect(logged.contains("/api/v1/compliance/dnc/internal/+1702…34"), "\(logged)")
        #expect(logged.contains("/api/v1/leads/j…@example.com"))
        #expect(logged.contains("/api/v1/unsubscribe/…"))
        for secret in ["5551234", "2B1702", "jane.doe", "tok_secret123"] { #expect(!logged.contains(secret), "\(secret) reached the log") }

        let flagged = try await workspace.startServer(
            ["--port", "0", "--no-access-log"], environment: ["EZLEEDS_PORT": String(port), "EZLEEDS_ACCESS_LOG": "1"]
        )
        #expect(flagged.port != port, "--port beats EZLEEDS_PORT")
        let again = try? await client.request(flagged.url("/healthz"), method: .GET, headers: [:])
        #expect(again?.status == 200)
        try await client.shutdown()
        let exit = try await flagged.terminate()
        #expect(!exit.stderr.contains("Request"), "--no-access-log beats EZLEEDS_ACCESS_LOG")
        #expect(!exit.stderr.contains("target policy relaxed"))
    }

    @Test("EZLEEDS_DB names the database for the other commands too; --db beats it")
    func databaseFromEnvironment() async throws {
        let workspace = try Workspace()
        let environment = ["EZLEEDS_DB": workspace.databasePath]
        #expect(try await workspace.run(["tenant", "create", "Acme"], passingDatabase: false, environment: environment).status == 0)
        #expect(FileManager.default.fileExists(atPath: workspace.databasePath))
        let listed = try await workspace.run(["tenant", "list"], passingDatabase: false, environment: environment)
        #expect((try JSON.object(listed.stdout)["items"] as? [Any])?.count == 1)
        let other = workspace.directory.appendingPathComponent("other.sqlite").path
        let refused = try await workspace.run(["tenant", "list"], database: other, environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no database at \(other)"))
    }

    @Test("a bad environment value is refused, naming the variable, and nothing is created")
    func badEnvironmentValues() async throws {
        let workspace = try Workspace()
        let cases = [
            "EZLEEDS_PORT": "eighty",
            "EZLEEDS_DEDUP_WINDOW_DAYS": "9999",
            "EZLEEDS_ACCESS_LOG": "maybe",
            "EZLEEDS_LOG_LEVEL": "loud",
            "EZLEEDS_ALLOW_TARGET_PORTS": "8443,70000",
            "EZLEEDS_ALLOW_TARGET_CIDRS": "10.0.0.0/8,nope",
        ]
        for (variable, value) in cases {
            // No --port: it would win over EZLEEDS_PORT.
            let environment = ["EZLEEDS_PORT": "0"].merging([variable: value]) { $1 }
            let result = try await workspace.launchServer([], environment: environment).exit(within: .seconds(20))
            #expect(result.status != 0, "\(variable)=\(value) must be refused")
            #expect(result.stderr.contains(variable), "\(variable): \(result.stderr)")
        }
        // The flag wins, so a bad variable behind a flag is never read.
        let flagged = try await workspace.launchServer(["--port", "0", "--dedup-window-days", "40000"], environment: ["EZLEEDS_DEDUP_WINDOW_DAYS": "5"])
            .exit(within: .seconds(20))
        #expect(flagged.status != 0)
        #expect(flagged.stderr.contains("--dedup-window-days"))
        #expect(try await workspace.launchServer(["--port", "0", "--allow-target-ports", "0"]).exit(within: .seconds(20)).status != 0)
        let badRange = try await workspace.launchServer(["--port", "0", "--allow-target-cidr", "10.0.0.0/33"]).exit(within: .seconds(20))
        #expect(badRange.status != 0)
        #expect(badRange.stderr.contains("--allow-target-cidr 10.0.0.0/33"), "\(badRange.stderr)")
        // Channels come whole or not at all: half an SMS account or a dialer without its secret is refused, naming what is missing.
        let halfSMS = try await workspace.launchServer(["--port", "0"], environment: ["EZLEEDS_SMS_ACCOUNT_SID": "AC1", "EZLEEDS_SMS_FROM": "+15005550006"])
            .exit(within: .seconds(20))
        #expect(halfSMS.status != 0)
        #expect(halfSMS.stderr.contains("missing --sms-auth-token"), "\(halfSMS.stderr)")
        let halfDialer = try await workspace.launchServer(["--port", "0", "--dialer-url", "https://dialer.example/tasks"]).exit(within: .seconds(20))
        #expect(halfDialer.status != 0)
        #expect(halfDialer.stderr.contains("--dialer-secret"), "\(halfDialer.stderr)")
        // More connections than descriptors: accept would fail with EMFILE, spinning a core (and
        // crashing the process in a few runs of twenty) instead of waiting at the cap.
        let pastFiles = try await workspace.launchServer(["--port", "0", "--max-connections", "100000000"]).exit(within: .seconds(20))
        #expect(pastFiles.status != 0)
        #expect(pastFiles.stderr.contains("open-file limit"), "\(pastFiles.stderr)")
        let badURL = try await workspace.launchServer(["--port", "0"], environment: ["EZLEEDS_PUBLIC_BASE_URL": "leads.example.com"]).exit(within: .seconds(20))
        #expect(badURL.status != 0)
        #expect(badURL.stderr.contains("EZLEEDS_PUBLIC_BASE_URL") || badURL.stderr.contains("--public-base-url"), "\(badURL.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath))
    }

    @Test("a relaxed outbound target policy is said once at start")
    func relaxedPolicyWarning() async throws {
        let workspace = try Workspace()
        let server = try await workspace.startServer(
            ["--port", "0", "--allow-target-cidr", "10.1.0.0/16", "--allow-target-ports", "8443,9000"],
            environment: ["EZLEEDS_ALLOW_PRIVATE_TARGETS": "true"]
        )
        let stderr = try await server.terminate().stderr
        let warnings = stderr.split(separator: "\n").filter { $0.contains("target policy relaxed") }
        #expect(warnings.count == 1, "\(stderr)")
        #expect(warnings.first?.contains("10.1.0.0/16") == true)
        #expect(warnings.first?.contains("--allow-private-targets") == true)
    }
}

/// A port nobody listens on right now: bound to 0, read back, released.
enum FreePort {
    static func find() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        try #require(bound == 0)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
