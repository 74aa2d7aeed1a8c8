import AsyncHTTPClient
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The PostgreSQL server `EZLEEDS_TEST_POSTGRES_URL` names (`bash .ci/postgres start DIR`).
enum TestPostgres {
    static var serverURL: String? {
        guard let url = ProcessInfo.processInfo.environment["EZLEEDS_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }
}

/// The binary on PostgreSQL: the commands and two nodes sharing one database, over real sockets.
@Suite("ezleeds on PostgreSQL, two nodes", .enabled(if: TestPostgres.serverURL != nil))
struct PostgresNodesEndToEndTests {
    /// A new database on the test server, for this test alone; dropped afterwards.
    static func withDatabase(_ body: (_ url: String) async throws -> Void) async throws {
        let server = try #require(TestPostgres.serverURL)
        let name = "ezleeds_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let psql = try #require(["/usr/bin/psql", "/usr/local/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }, "psql is needed")
        let created = try await ChildProcess.run(psql, [server, "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"])
        try #require(created.status == 0, "\(created.stderr)")
        let url = server.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
        do {
            try await body(url)
        } catch {
            _ = try? await ChildProcess.run(psql, [server, "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
            throw error
        }
        _ = try? await ChildProcess.run(psql, [server, "-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    @Test("tenant create; two serve nodes: a buyer made on one bids on the other, a ping on one sells by a post on the other, once; ledger verify is clean; backup points to pg_dump")
    func twoNodes() async throws {
        try await Self.withDatabase { url in
            let workspace = try Workspace()
            let store = ["--store", url]
            let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"] + store, passingDatabase: false).stdout)
            let standard: HTTPHeaders = ["X-API-Key": try #require(tenant["api_key"] as? String), "Content-Type": "application/json"]
            let compliance: HTTPHeaders = ["X-Compliance-API-Key": try #require(tenant["compliance_key"] as? String), "Content-Type": "application/json"]
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let first = try await workspace.startServer(["--port", "0", "--allow-private-targets"] + store)
            let second = try await workspace.startServer(["--port", "0", "--allow-private-targets"] + store)
            do {
                let created = try await client.request(
                    first.url("/api/v1/buyers"), method: .POST, headers: standard,
                    body: #"{"name": "Acme Law", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 25000, "exclusivity": "exclusive"}"#
                )
                #expect(created.status == 201, "\(created.body)")
                let buyerID = try #require(try JSON.object(created.body)["id"] as? String)
                // The second node hears of the buyer by NOTIFY and bids with it.
                let pingBody = #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "two_nodes"}"#
                var ping = try await client.request(second.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance, body: pingBody)
                for _ in 0..<100 where ((try? JSON.object(ping.body))?["bids"] as? [Any])?.isEmpty != false {
                    try await Task.sleep(for: .milliseconds(50))
                    ping = try await client.request(second.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance, body: pingBody)
                }
                #expect(ping.status == 200, "\(ping.body)")
                #expect((try JSON.object(ping.body)["bids"] as? [Any])?.count == 1, "\(ping.body)")
                let pingID = try #require(try JSON.object(ping.body)["ping_id"] as? String)
                let lead = #"{"first_name": "Jane", "last_name": "Doe", "phone": "+17025550123", "email": "jane@example.com", "state": "NV", "zip_code": "89101"}"#
                let consent = #"{"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42"}"#
                let post = #"{"ping_id": "\#(pingID)", "buyer_id": "\#(buyerID)", "lead": \#(lead), "consent": \#(consent)}"#
                // The first node reads the ping from the store once the second node's journal wrote it (every 50 ms).
                var sold = try await client.request(first.url("/api/v1/pingpost/post"), method: .POST, headers: compliance, body: post)
                for _ in 0..<100 where sold.status == 404 {
                    try await Task.sleep(for: .milliseconds(50))
                    sold = try await client.request(first.url("/api/v1/pingpost/post"), method: .POST, headers: compliance, body: post)
                }
                #expect(sold.status == 200, "\(sold.body)")
                // The second node's book still holds the ping unsold: the store refuses a second sale of the exclusive lead.
                let again = try await client.request(second.url("/api/v1/pingpost/post"), method: .POST, headers: compliance, body: post)
                #expect(again.status == 409, "\(again.body)")
                #expect(try JSON.object(again.body)["code"] as? String == "already_sold")
                let leads = try await client.request(first.url("/api/v1/leads"), method: .GET, headers: standard)
                #expect((try JSON.object(leads.body)["total"] as? Int) == 1, "\(leads.body)")
            } catch {
                _ = try? await first.terminate()
                _ = try? await second.terminate()
                try await client.shutdown()
                throw error
            }
            for node in [first, second] {
                let stopped = try await node.terminate()
                #expect(stopped.status == 0, "\(stopped.stderr.suffix(2_000))")
            }
            try await client.shutdown()
            let verified = try await workspace.run(["ledger", "verify"] + store, passingDatabase: false)
            #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
            let backup = try await workspace.run(["backup", "--to", workspace.directory.appendingPathComponent("b").path] + store, passingDatabase: false)
            #expect(backup.status != 0 && backup.stderr.contains("pg_dump"), "\(backup.stderr)")
        }
    }
}
