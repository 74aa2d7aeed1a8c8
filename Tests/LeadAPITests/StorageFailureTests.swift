import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Testing

@testable import LeadStore

/// A store that cannot grow, as on a full disk: SQLite answers SQLITE_FULL to any write that needs
/// a new page. Before, such writes answered 500 `internal_error`, `/healthz` was all there was,
/// and pings kept being answered while their journal could not be written.
@Suite("Storage failures")
struct StorageFailureTests {
    @Test("a full store answers 503 storage_unavailable with Retry-After, refuses pings, reports not ready, loses nothing and recovers")
    func fullStore() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let compliance = HTTPFields.complianceKey(server.tenant.complianceKey)
            _ = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let answer = try response.object()
                #expect(answer["status"] as? String == "ready")
            }

            try await server.dependencies.database.capAtPresentSize()
            var refused: TestResponse?
            var created = 0
            for index in 0..<500 where refused == nil {
                try await client.execute(
                    uri: "/api/v1/buyers", method: .post, headers: .apiKey(server.tenant.apiKey),
                    body: .json(#"{"name": "Filler \#(index) \#(String(repeating: "x", count: 60))", "campaign_types": ["solar"], "states": ["TX"], "max_price_cents": 100}"#)
                ) { response in
                    if response.status == .created { created += 1 } else { refused = response }
                }
            }
            let full = try #require(refused, "a capped store took 500 buyers")
            #expect(full.status == .serviceUnavailable)
            #expect(full.headers[.contentType] == "application/problem+json")
            #expect(full.headers[.retryAfter] == "5")
            let problem = try full.object()
            #expect(problem["code"] as? String == "storage_unavailable")
            #expect((problem["detail"] as? String)?.contains("the disk is full") == true)

            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                let body = try response.object()
                #expect(body["status"] as? String == "not_ready")
                #expect(body["reason"] as? String == "the disk is full")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: compliance, body: .json(PingAPITests.ping)) { response in
                #expect(response.status == .serviceUnavailable)
                let answer = try response.object()
                #expect(answer["code"] as? String == "storage_unavailable")
            }
            // Reads still work, and nothing of the refused writes is there.
            try await client.execute(uri: "/api/v1/buyers?per_page=100", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
                let answer = try response.object()
                #expect(answer["total"] as? Int == 1 + created)
            }

            // Space returns; the probe (a service in the server, called here) finds it.
            try await server.dependencies.database.uncap()
            try await server.dependencies.database.probeWrite()
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: compliance, body: .json(PingAPITests.ping)) { response in
                #expect(response.status == .ok)
            }
            _ = try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client)
        }
    }

    @Test("a post the store cannot write is a 503 that sells nothing and holds nothing back: the exclusive ping sells once it can")
    func unwritablePost() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let compliance = HTTPFields.complianceKey(server.tenant.complianceKey)
            let (ping, buyers) = try await PostAPITests.pingWithBuyers(server, client, exclusivity: ["exclusive"])
            let post = PostAPITests.post(ping: ping, buyer: buyers[0])
            // Every write refused, as on a file system remounted read-only.
            try await server.dependencies.database.setQueryOnly(true)
            try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: compliance, body: .json(post)) { response in
                #expect(response.status == .serviceUnavailable, "\(response.text)")
                #expect(response.headers[.retryAfter] == "5")
                let answer = try response.object()
                #expect(answer["code"] as? String == "storage_unavailable")
                #expect((answer["detail"] as? String)?.contains("read-only") == true)
            }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/api/v1/leads", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let answer = try response.object()
                #expect(answer["total"] as? Int == 0)
            }
            try await client.execute(uri: "/api/v1/buyers/\(buyers[0])", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let answer = try response.object()
                #expect(answer["leads_purchased"] as? Int == 0)
            }

            try await server.dependencies.database.setQueryOnly(false)
            try await server.dependencies.database.probeWrite()
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            for expected in [HTTPResponse.Status.ok, .conflict] {
                try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: compliance, body: .json(post)) { response in
                    #expect(response.status == expected, "\(response.text)")
                }
            }
            try await client.execute(uri: "/api/v1/leads", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                let answer = try response.object()
                #expect(answer["total"] as? Int == 1)
            }
        }
    }
}

extension LeadDatabase {
    /// Caps the file at its present size; SQLite then fails writes that need a page as on a full disk.
    func capAtPresentSize() async throws {
        try await self.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
    }

    /// Every write statement fails with SQLITE_READONLY while on.
    func setQueryOnly(_ on: Bool) async throws {
        try await self.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = \(on ? "ON" : "OFF")") }
    }

    func uncap() async throws {
        try await self.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
    }
}
