import AsyncHTTPClient
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The database as an operator meets it: one server per file, first start, missing files, failed
/// starts, `tenant list`, and the JSON the commands print.
@Suite("ezleeds database operation", .serialized)
struct DatabaseOperationTests {
    @Test("commands other than serve and tenant create refuse a missing database and create nothing")
    func missingDatabaseRefused() async throws {
        let workspace = try Workspace()
        let missing = workspace.directory.appendingPathComponent("nested/../absent.sqlite").path
        let absolute = workspace.directory.appendingPathComponent("absent.sqlite").path
        let file = workspace.directory.appendingPathComponent("numbers.txt")
        try Data("7025551234\n".utf8).write(to: file)
        let commands: [[String]] = [
            ["key", "list", "--tenant", "ten_x"],
            ["key", "create", "--tenant", "ten_x", "--role", "admin"],
            ["key", "revoke", "key_x"],
            ["dnc", "import", "--list", "federal", file.path],
            ["ledger", "verify"],
            ["backup", "--to", workspace.directory.appendingPathComponent("copy.sqlite").path],
            ["tenant", "list"],
        ]
        for command in commands {
            let result = try await workspace.run(command, database: missing)
            #expect(result.status != 0, "\(command)")
            #expect(
                result.stderr.contains("no database at \(absolute); start the server once (ezleeds serve) or create a tenant (ezleeds tenant create)"),
                "\(command): \(result.stderr)"
            )
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
        #expect(left == ["numbers.txt"], "nothing created: \(left)")
    }

    @Test("the first serve says it created the database, with its absolute path, before anything else")
    func firstStartSaysSo() async throws {
        let workspace = try Workspace()
        let server = try await workspace.startServer()
        let first = server.stdoutLines().first
        let again = try await workspace.startServer(after: server)
        #expect(first == "Created a new database at \(workspace.databasePath)")
        #expect(!again.stdoutLines().contains { $0.contains("Created a new database") })
        #expect(try await again.terminate().status == 0)
    }

    @Test("a second serve on one database exits at once naming the first's pid; after kill -9 of the first a new serve starts")
    func oneServerPerDatabase() async throws {
        let workspace = try Workspace()
        let first = try await workspace.startServer()
        let pid = first.process.processIdentifier
        let second = try await workspace.launchServer(["--port", "0"]).exit(within: .seconds(10))
        #expect(second.status != 0)
        #expect(second.stderr.contains("pid \(pid)"), "\(second.stderr)")
        // The CLI keeps working beside the server.
        #expect(try await workspace.run(["tenant", "list"]).status == 0)
        #expect(try await workspace.run(["ledger", "verify"]).status == 0)

        first.process.signal(SIGKILL)
        await first.process.exit()
        let third = try await workspace.startServer()
        #expect(third.process.isRunning)
        #expect(try await third.terminate().status == 0)
    }

    @Test("a start that fails to open the database removes the files it created, and only those")
    func failedStartCleansUp() async throws {
        let workspace = try Workspace()
        // A database whose tables clash with the first migration: the open fails after SQLite made -wal and -shm.
        let clash = workspace.databasePath
        try await Self.sqlite(clash, "PRAGMA journal_mode = WAL; CREATE TABLE tenants (x);")
        #expect(!FileManager.default.fileExists(atPath: clash + "-wal"), "sqlite3 removes its WAL on close")
        let failed = try await workspace.launchServer(["--port", "0"]).exit(within: .seconds(20))
        #expect(failed.status != 0)
        #expect(FileManager.default.fileExists(atPath: clash), "the database existed before: kept")
        #expect(!FileManager.default.fileExists(atPath: clash + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: clash + "-shm"))
        #expect(!failed.stdout.contains("Created a new database"))
    }

    @Test("a start on a read-only database fails, leaves no -wal or -shm behind, and the next start after the fix works")
    func readOnlyDatabase() async throws {
        let workspace = try Workspace()
        // Root ignores file permissions, so as root the server runs as nobody.
        let user = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: workspace.directory.path)
        let server = try await workspace.startServer(runAs: user)
        #expect(try await server.terminate().status == 0)
        for suffix in ["-wal", "-shm"] { try FileManager.default.removeItem(atPath: workspace.databasePath + suffix) }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: workspace.databasePath)

        // SQLite makes -wal and -shm with the database's mode, 0444 here: left behind, they would break the next start.
        let failed = try await workspace.launchServer(["--port", "0"], runAs: user).exit(within: .seconds(20))
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("readonly"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: workspace.databasePath + "-shm"))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: workspace.databasePath)
        let fixed = try await workspace.startServer(runAs: user)
        #expect(try await fixed.terminate().status == 0)
    }

    @Test("tenant list shows ids, names, creation times and live keys by role, never secrets")
    func tenantList() async throws {
        let workspace = try Workspace()
        let acme = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"]).stdout)
        let other = try JSON.object(try await workspace.run(["tenant", "create", "Other"]).stdout)
        let acmeID = try #require(acme["tenant_id"] as? String)
        let extra = try JSON.object(try await workspace.run(["key", "create", "--tenant", acmeID, "--role", "standard"]).stdout)
        let listing = try await workspace.run(["key", "list", "--tenant", acmeID])
        let keys = try #require(try JSON.object(listing.stdout)["items"] as? [[String: Any]])
        // A standard key other than the one just made: keys made in one millisecond list in any order.
        let revoked = try #require(keys.first { $0["role"] as? String == "standard" && $0["id"] as? String != extra["key_id"] as? String }?["id"] as? String)
        #expect(try await workspace.run(["key", "revoke", revoked]).status == 0)

        let result = try await workspace.run(["tenant", "list"])
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require(try JSON.object(result.stdout)["items"] as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["Acme Leads", "Other"])
        #expect(items.map { $0["id"] as? String } == [acmeID, other["tenant_id"] as? String])
        #expect(Set(items[0].keys) == ["id", "name", "created_at", "active_keys"])
        #expect(items[0]["active_keys"] as? [String: Int] == ["standard": 1, "admin": 1, "compliance": 1], "one standard revoked, one added")
        #expect(items[1]["active_keys"] as? [String: Int] == ["standard": 1, "admin": 1, "compliance": 1])
        #expect((items[0]["created_at"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
        for secret in (Array(acme.values) + Array(other.values) + [extra["key"] as Any]).compactMap({ $0 as? String }) where secret.hasPrefix("ezl_") {
            #expect(!result.stdout.contains(secret))
        }
    }

    @Test("every command's JSON has its keys in sorted order, the same every run")
    func stableKeyOrder() async throws {
        let workspace = try Workspace()
        let created = try await workspace.run(["tenant", "create", "Acme"])
        let tenantID = try #require(try JSON.object(created.stdout)["tenant_id"] as? String)
        let file = workspace.directory.appendingPathComponent("numbers.txt")
        try Data("7025551234\n".utf8).write(to: file)
        let outputs = [
            created,
            try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "admin"]),
            try await workspace.run(["key", "list", "--tenant", tenantID]),
            try await workspace.run(["tenant", "list"]),
            try await workspace.run(["ledger", "verify"]),
            try await workspace.run(["dnc", "import", "--list", "federal", file.path]),
            try await workspace.run(["backup", "--to", workspace.directory.appendingPathComponent("copy.sqlite").path]),
        ]
        for output in outputs {
            #expect(output.status == 0, "\(output.stderr)")
            let text = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
            let sorted = try JSONSerialization.data(withJSONObject: parsed, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(String(decoding: sorted, as: UTF8.self) == text)
        }
        #expect(try await workspace.run(["tenant", "list"]).stdout == outputs[3].stdout)
    }

    /// Runs SQL with the sqlite3 shell, to make a database the server did not.
    static func sqlite(_ path: String, _ sql: String) async throws {
        let finished = try await ChildProcess.run("/usr/bin/sqlite3", [path, sql])
        try #require(finished.status == 0, "\(finished.stderr)")
    }
}

extension Workspace {
    /// A second server on the workspace's database once `server` has stopped.
    func startServer(after server: RunningServer) async throws -> RunningServer {
        #expect(try await server.terminate().status == 0)
        return try await self.startServer()
    }
}

extension RunningServer {
    /// Waits for a process expected to end by itself; kills it and fails if it does not.
    func exit(within limit: Duration) async throws -> ProcessResult {
        let deadline = ContinuousClock.now + limit
        while self.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if self.process.isRunning {
            Issue.record("still running after \(limit): \(self.stderr())")
            return try await self.terminate()
        }
        let finished = await self.process.exit()
        return ProcessResult(status: finished.status, stdout: self.stdoutLines().joined(separator: "\n"), stderr: self.stderr())
    }
}
