import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Logging
import NIOCore
import Testing

/// What every keyed endpoint must do alike: authentication, roles, tenancy, bad input, rate limits.
@Suite("Access and errors, for every endpoint")
struct AccessTests {
    /// A buyer and a campaign of each tenant, for the endpoints that take an id.
    struct Objects {
        var buyer: String
        var campaign: String
        var otherBuyer: String
        var otherCampaign: String
    }

    static func seed(_ server: TestServer, _ client: some TestClientProtocol) async throws -> Objects {
        Objects(
            buyer: try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.tenant.apiKey, client: client),
            campaign: try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.tenant.apiKey, client: client),
            otherBuyer: try await create("/api/v1/buyers", body: SpecExample.buyer, key: server.otherTenant.apiKey, client: client),
            otherCampaign: try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.otherTenant.apiKey, client: client)
        )
    }

    func expectProblem(
        _ response: TestResponse, _ status: HTTPResponse.Status, code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let body = try response.object(sourceLocation: sourceLocation)
        #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect(body["code"] as? String == code, sourceLocation: sourceLocation)
        #expect(body["title"] is String, sourceLocation: sourceLocation)
        #expect(body["detail"] is String, sourceLocation: sourceLocation)
        #expect((body["type"] as? String)?.hasSuffix(code) == true, sourceLocation: sourceLocation)
    }

    @Test("no key, an unknown key and a revoked key get the same 401", arguments: Endpoint.all)
    func unauthenticated(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        let revoked = try await server.issueKey(role: .standard)
        _ = try await server.dependencies.tenants.revokeKey(id: revoked.key.id)
        try await server.dependencies.keyRingRefresher.refresh()
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            let uri = endpoint.uri(buyerID: objects.buyer, campaignID: objects.campaign)
            var details: Set<String> = []
            for headers: HTTPFields in [
                [.contentType: "application/json"], .apiKey("ezl_live_" + String(repeating: "0", count: 48)), .apiKey(revoked.secret),
                [HTTPField.Name("X-Compliance-API-Key")!: server.tenant.apiKey],
            ] {
                try await client.execute(uri: uri, method: endpoint.method, headers: headers, body: endpoint.body.map(ByteBuffer.json)) { response in
                    try expectProblem(response, .unauthorized, code: "unauthorized")
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == nil)
                    details.insert(try response.object()["detail"] as? String ?? "")
                }
            }
            #expect(details.count == 1, "401 answers must not tell the cases apart")
        }
    }

    @Test("a compliance key in X-API-Key gets 403", arguments: Endpoint.all)
    func wrongRole(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            let uri = endpoint.uri(buyerID: objects.buyer, campaignID: objects.campaign)
            try await client.execute(
                uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.complianceKey), body: endpoint.body.map(ByteBuffer.json)
            ) { response in
                try expectProblem(response, .forbidden, code: "forbidden")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] != nil)
            }
            // The admin key of the same tenant is let through wherever a standard key is.
            try await client.execute(
                uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.adminKey), body: endpoint.body.map(ByteBuffer.json)
            ) { response in
                #expect(response.status.kind == .successful, "\(response.text)")
            }
        }
    }

    @Test(
        "another tenant's object is 404, as is an unknown id",
        arguments: Endpoint.all.filter { $0.target != .collection }
    )
    func otherTenant(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            for uri in [
                endpoint.uri(buyerID: objects.otherBuyer, campaignID: objects.otherCampaign),
                endpoint.uri(buyerID: "buyer_000000000000000000000000", campaignID: "camp_000000000000000000000000"),
            ] {
                try await client.execute(
                    uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.apiKey), body: endpoint.body.map(ByteBuffer.json)
                ) { response in
                    try expectProblem(response, .notFound, code: "not_found")
                }
            }
            // The other tenant's object is untouched by the attempt.
            let otherURI = endpoint.uri(buyerID: objects.otherBuyer, campaignID: objects.otherCampaign)
            try await client.execute(uri: otherURI, method: .get, headers: .apiKey(server.otherTenant.apiKey)) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["max_price_cents"] as? Int ?? 50000 == 50000)
                #expect(body["status"] as? String == "active")
            }
        }
    }

    @Test("malformed JSON is 400, JSON that is not an object 422", arguments: Endpoint.all.filter { $0.body != nil })
    func malformedJSON(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            let uri = endpoint.uri(buyerID: objects.buyer, campaignID: objects.campaign)
            for body in [#"{"name": "Acme""#, "", "name=Acme", #"{"a": 1,}"#] {
                try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.apiKey), body: .json(body)) { response in
                    try expectProblem(response, .badRequest, code: "malformed_json")
                }
            }
            try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.apiKey), body: .json("[1, 2]")) { response in
                try expectProblem(response, .unprocessableContent, code: "invalid_fields")
            }
        }
    }

    @Test("bad fields are 422 naming each field, and nothing is stored", arguments: Endpoint.all.filter { !$0.invalidFields.isEmpty })
    func invalidFields(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            let uri = endpoint.uri(buyerID: objects.buyer, campaignID: objects.campaign)
            let target = endpoint.invalidQuery.map { uri.split(separator: "?")[0] + $0 } ?? uri
            try await client.execute(
                uri: target, method: endpoint.method, headers: .apiKey(server.tenant.apiKey), body: endpoint.invalidBody.map(ByteBuffer.json)
            ) { response in
                try expectProblem(response, .unprocessableContent, code: "invalid_fields")
                let errors = try #require(try response.object()["errors"] as? [[String: Any]])
                let named = Set(errors.compactMap { $0["field"] as? String })
                #expect(named == Set(endpoint.invalidFields))
                #expect(errors.allSatisfy { ($0["message"] as? String)?.isEmpty == false })
            }
            // Nothing changed: still one buyer and one campaign, as created.
            for (path, field, value) in [("/api/v1/buyers/\(objects.buyer)", "max_price_cents", 50000), ("/api/v1/campaigns/\(objects.campaign)", "budget_cents", 5_000_000)] {
                try await client.execute(uri: path, method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    let body = try response.object()
                    #expect(body[field] as? Int == value)
                }
            }
            for path in ["/api/v1/buyers", "/api/v1/campaigns"] {
                try await client.execute(uri: path, method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                    let body = try response.object()
                    #expect(body["total"] as? Int == 1)
                }
            }
        }
    }

    @Test("the 101st request within a minute is 429 with Retry-After; other keys are unaffected", arguments: Endpoint.all)
    func rateLimited(endpoint: Endpoint) async throws {
        let server = try await TestServer.make()
        let key = try await server.issueKey(role: .standard)
        try await server.test { client in
            let objects = try await Self.seed(server, client)
            let uri = endpoint.uri(buyerID: objects.buyer, campaignID: objects.campaign)
            let body = endpoint.body.map(ByteBuffer.json)
            for sent in 1...100 {
                try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(key.secret), body: body) { response in
                    #expect(response.status.kind == .successful, "request \(sent): \(response.text)")
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Limit")!] == "100")
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == String(100 - sent))
                    #expect(response.headers[HTTPField.Name("X-RateLimit-Reset")!] != nil)
                }
            }
            try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(key.secret), body: body) { response in
                try expectProblem(response, .tooManyRequests, code: "rate_limited")
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "0")
            }
            // Another key of the same tenant has its own budget.
            try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(server.tenant.apiKey), body: body) { response in
                #expect(response.status.kind == .successful)
                // Seeding spent two of its requests; this is its third.
                #expect(response.headers[HTTPField.Name("X-RateLimit-Remaining")!] == "97")
            }
            // One emission interval later (600 ms at 100/min), one more request is allowed.
            server.clock.advance(byMilliseconds: 600)
            try await client.execute(uri: uri, method: endpoint.method, headers: .apiKey(key.secret), body: body) { response in
                #expect(response.status.kind == .successful)
            }
        }
    }
}
