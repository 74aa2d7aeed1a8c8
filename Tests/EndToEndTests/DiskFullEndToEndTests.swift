import AsyncHTTPClient
import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The binary on a file system that fills up, as an outside tester found it: pings kept answering
/// 200 while their journal could not be written, writes answered 500, `/healthz` stayed 200, and
/// the log took twenty error lines a second.
@Suite("a full disk, end to end", .serialized)
struct DiskFullEndToEndTests {
    static let ping = #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "landing_page_v3"}"#

    @Test(
        "on a full disk pings answer 503 storage_unavailable, /readyz says not ready, two log lines say why; with space back, every answered ping is kept",
        .enabled(if: getuid() == 0, "mounting a small file system needs root (CI runs as root)")
    )
    func fullDisk() async throws {
        let workspace = try Workspace()
        let disk = workspace.directory.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        // A small file system of its own; unmounted whatever happens.
        let mounted = try await ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", disk.path])
        try #require(mounted.status == 0, "cannot mount a tmpfs: \(mounted.stderr)")
        do {
            try await Self.fillAndRecover(workspace, database: disk.appendingPathComponent("ezleeds.sqlite").path, disk: disk)
        } catch {
            _ = try? await ChildProcess.run("/bin/umount", ["-l", disk.path])
            throw error
        }
        _ = try await ChildProcess.run("/bin/umount", ["-l", disk.path])
    }

    static func fillAndRecover(_ workspace: Workspace, database: String, disk: URL) async throws {
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"], database: database).stdout)
        let apiKey = try #require(tenant["api_key"] as? String)
        let complianceKey = try #require(tenant["compliance_key"] as? String)
        let server = try await workspace.startServer(database: database)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            var standard = json
            standard.add(name: "X-API-Key", value: apiKey)
            var compliance = json
            compliance.add(name: "X-Compliance-API-Key", value: complianceKey)
            let buyer = try await client.request(
                server.url("/api/v1/buyers"), method: .POST, headers: standard,
                body: #"{"name": "Acme Law", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 35000}"#
            )
            #expect(buyer.status == 201, "\(buyer.body)")
            let buyerID = try #require(try JSON.object(buyer.body)["id"] as? String)

            // Fill the disk to its last byte.
            let filler = disk.appendingPathComponent("filler").path
            _ = try await ChildProcess.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])

            // Ping until one cannot be journaled: answered pings up to then, refusals after.
            var answered: [String] = []
            var refusal: HTTPClient.SimpleResponse?
            let deadline = ContinuousClock.now + .seconds(60)
            while refusal == nil, ContinuousClock.now < deadline {
                let response = try await client.request(server.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance, body: Self.ping)
                if response.status == 200 {
                    answered.append(try #require(try JSON.object(response.body)["ping_id"] as? String))
                } else {
                    refusal = response
                }
            }
            let refused = try #require(refusal, "pings kept being answered for a minute on a full disk (\(answered.count))")
            #expect(!answered.isEmpty, "the first ping after filling the disk was refused: nothing to check after the restart")
            #expect(refused.status == 503, "\(refused.body)")
            #expect(refused.headers["Retry-After"].first == "5")
            #expect(refused.headers["Content-Type"].first == "application/problem+json")
            #expect(try JSON.object(refused.body)["code"] as? String == "storage_unavailable")
            let ready = try await client.request(server.url("/readyz"), method: .GET, headers: [:])
            #expect(ready.status == 503)
            #expect(try JSON.object(ready.body)["status"] as? String == "not_ready")
            #expect(try await client.request(server.url("/healthz"), method: .GET, headers: [:]).status == 200)
            // Pings stay refused while the disk is full, for as long as it is (a second of tries).
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(100))
                let again = try await client.request(server.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance, body: Self.ping)
                #expect(again.status == 503)
            }

            // Space returns: within seconds the probe finds it, and everything works again.
            try FileManager.default.removeItem(atPath: filler)
            var recovered = false
            for _ in 0..<100 where !recovered {
                try await Task.sleep(for: .milliseconds(100))
                recovered = try await client.request(server.url("/readyz"), method: .GET, headers: [:]).status == 200
            }
            #expect(recovered, "/readyz did not recover within 10 s of space returning")
            let ping = try await client.request(server.url("/api/v1/pingpost/ping"), method: .POST, headers: compliance, body: Self.ping)
            #expect(ping.status == 200, "\(ping.body)")
            let pingID = try #require(try JSON.object(ping.body)["ping_id"] as? String)
            let post = try await client.request(
                server.url("/api/v1/pingpost/post"), method: .POST, headers: compliance,
                body: #"{"ping_id": "\#(pingID)", "buyer_id": "\#(buyerID)", "lead": {"first_name": "Jane", "last_name": "Doe", "phone": "+17025551234", "email": "jane@example.com", "state": "NV", "zip_code": "89101"}, "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted.", "ip_address": "203.0.113.42", "page_url": "https://example.com/intake"}}"#
            )
            #expect(post.status == 200, "\(post.body)")

            let stopped = try await server.terminate()
            #expect(stopped.status == 0)
            let log = stopped.stderr
            let failing = log.split(separator: "\n").filter { $0.contains("store cannot write") }
            #expect((1...2).contains(failing.count), "the full disk was logged \(failing.count) times:\n\(log.suffix(2000))")
            #expect(log.contains("store writes again"))
            #expect(!log.contains("unhandled error"))
            #expect(!log.contains("ping journal flush failed"))

            // Every ping answered before the disk filled was journaled once space came back.
            let restarted = try await workspace.startServer(database: database)
            for id in answered.suffix(100) + answered.prefix(100) {
                let stored = try await client.request(restarted.url("/api/v1/pingpost/pings/\(id)"), method: .GET, headers: compliance)
                #expect(stored.status == 200, "answered ping \(id) lost: \(stored.body)")
            }
            _ = try await restarted.terminate()
        } catch {
            try? await client.shutdown()
            await server.process.stop(grace: .seconds(5))
            throw error
        }
        try await client.shutdown()
    }
}
