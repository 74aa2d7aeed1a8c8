import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// `ezleeds backup` of a server that is taking leads.
@Suite("ezleeds backup", .serialized)
struct BackupTests {
    @Test("a backup taken under load opens, verifies, and holds every lead answered 201 before it began")
    func backupUnderLoad() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"]).stdout)
        let tenantID = try #require(tenant["tenant_id"] as? String)
        // Above the default 100 requests a minute: the poster must not be throttled.
        let busy = try JSON.object(try await workspace.run(["key", "create", "--tenant", tenantID, "--role", "standard", "--rate-limit-per-minute", "1000000"]).stdout)
        let apiKey = try #require(busy["key"] as? String)
        let server = try await workspace.startServer()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let copy = workspace.directory.appendingPathComponent("backup.sqlite").path
        var restored: RunningServer?
        do {
            let post = Poster(client: client, baseURL: server.url(""), apiKey: apiKey)
            #expect(try await post.send("/api/v1/buyers", #"{"name": "Acme Law", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 35000}"#).status == 201)
            #expect(try await post.send("/api/v1/campaigns", #"{"name": "Q2", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 500000000}"#).status == 201)

            let acknowledged = AcknowledgedLeads()
            let (before, during, backup) = try await withThrowingTaskGroup(of: Void.self) { group in
                // The load: one lead after another until stopped, each id kept once its 201 is in.
                group.addTask {
                    var sequence = 0
                    while !acknowledged.stopped, !Task.isCancelled {
                        sequence += 1
                        let response = try await post.send("/api/v1/leads/inbound", Self.lead(sequence))
                        guard response.status == 201, let id = response.body["id"] as? String else {
                            Issue.record("lead \(sequence): \(response.status) \(response.body)")
                            acknowledged.stop()
                            return
                        }
                        acknowledged.append(id)
                    }
                }
                try await acknowledged.reach(30)
                let before = acknowledged.ids
                let backup = try await workspace.runDetached(["backup", "--to", copy])
                let during = acknowledged.ids.count
                try await acknowledged.reach(during + 20)
                acknowledged.stop()
                try await group.waitForAll()
                return (before, during, backup)
            }
            #expect(during > before.count, "leads were answered while the backup ran")

            #expect(backup.status == 0, "\(backup.stdout) \(backup.stderr)")
            let report = try JSON.object(backup.stdout)
            #expect(report["ok"] as? Bool == true)
            #expect(report["path"] as? String == copy)
            #expect((report["bytes"] as? Int ?? 0) > 0)
            #expect(report["duration_ms"] is Int)
            #expect(report["integrity_check"] as? [String] == ["ok"])
            #expect((report["ledger"] as? [String: Any])?["ok"] as? Bool == true)
            let leads = (report["counts"] as? [String: Int])?["leads"] ?? 0
            #expect(leads >= before.count, "the copy holds at least the leads answered before it began")
            for suffix in ["-wal", "-shm", "-journal", ".partial"] {
                #expect(!FileManager.default.fileExists(atPath: copy + suffix), "the copy is one self-contained file (\(suffix))")
            }
            let verified = try await workspace.run(["ledger", "verify"], database: copy)
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")

            // The copy served by a second server: every lead acknowledged before the backup is there.
            let second = try await workspace.startServer(database: copy)
            restored = second
            for id in before {
                let response = try await client.request(second.url("/api/v1/leads/\(id)"), method: .GET, headers: ["X-API-Key": apiKey])
                #expect(response.status == 200, "lead \(id) missing from the backup")
            }
        } catch {
            try await client.shutdown()
            _ = try? await restored?.terminate()
            _ = try? await server.terminate()
            throw error
        }
        try await client.shutdown()
        #expect(try await restored?.terminate().status == 0)
        #expect(try await server.terminate().status == 0)
    }

    @Test("backup refuses to replace an existing file unless --force")
    func refusesToOverwrite() async throws {
        let workspace = try Workspace()
        #expect(try await workspace.run(["tenant", "create", "Acme"]).status == 0)
        let copy = workspace.directory.appendingPathComponent("backup.sqlite").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: copy))
        let refused = try await workspace.run(["backup", "--to", copy])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == "precious")
        let forced = try await workspace.run(["backup", "--to", copy, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect((try JSON.object(forced.stdout)["counts"] as? [String: Int])?["tenants"] == 1)
    }

    /// An inbound lead with its own phone and email, so none is a duplicate.
    static func lead(_ sequence: Int) -> String {
        let line = String(format: "%04d", 1000 + sequence % 9000)
        let exchange = 200 + sequence / 9000
        return """
            {"first_name": "Jane", "last_name": "Doe", "email": "jane\(sequence)@example.com", "phone": "+1702\(exchange)\(line)", \
            "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "landing_page_v3", \
            "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42"}}
            """
    }
}

/// The ids of leads answered 201, in order, and the poster's stop signal.
final class AcknowledgedLeads: Sendable {
    private struct State {
        var ids: [String] = []
        var stopped = false
    }

    private let state = Mutex(State())

    var ids: [String] { self.state.withLock { $0.ids } }
    var stopped: Bool { self.state.withLock { $0.stopped } }

    func append(_ id: String) { self.state.withLock { $0.ids.append(id) } }
    func stop() { self.state.withLock { $0.stopped = true } }

    /// Returns once `count` leads are in, or the poster has stopped.
    func reach(_ count: Int) async throws {
        while self.ids.count < count, !self.stopped { try await Task.sleep(for: .milliseconds(20)) }
    }
}

/// JSON requests to one server with one key.
struct Poster: Sendable {
    let client: HTTPClient
    let baseURL: String
    let apiKey: String

    func send(_ path: String, _ body: String) async throws -> (status: UInt, body: [String: Any]) {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = .POST
        request.headers.add(name: "X-API-Key", value: self.apiKey)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await self.client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, try JSON.object(String(buffer: bytes)))
    }
}
