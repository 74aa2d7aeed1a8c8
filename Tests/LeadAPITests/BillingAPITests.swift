import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing

@Suite("Billing API: ledger, credits, refunds, usage, invoices, prepaid buyers")
struct BillingAPITests {
    static func call(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, key: String, client: some TestClientProtocol,
        expect status: HTTPResponse.Status, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        try await LeadAPITests.call(method, uri, body: body, key: key, client: client, expect: status, code: code, sourceLocation: sourceLocation)
    }

    static func prepaid(_ buyer: String, server: TestServer) async throws {
        var changes = BuyerChanges()
        changes.billingMode = .set("prepaid")
        _ = try await server.dependencies.buyers.update(id: buyer, tenantID: server.tenant.tenant.id, changes: changes)
    }

    @Test("credits go to the tenant or a buyer (admin only); usage and transactions sum the ledger in the spec's shapes")
    func creditsAndUsage() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (buyer, leads) = try await LeadAPITests.soldLeads(3, server: server, client: client, price: 32500)
            let admin = server.tenant.adminKey
            _ = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 1000000, "reason": "Promotional credit"}"#, key: server.tenant.apiKey,
                client: client, expect: .forbidden
            )
            let credit = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 1000000, "reason": "Promotional credit"}"#, key: admin, client: client,
                expect: .created
            )
            #expect(credit["balance_cents"] as? Int == 1_000_000)
            #expect((credit["credit_id"] as? String)?.hasPrefix("cred_") == true)
            let buyerCredit = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 50000, "reason": "Wire 4411", "buyer_id": "\#(buyer)"}"#, key: admin,
                client: client, expect: .created
            )
            #expect(buyerCredit["balance_cents"] as? Int == 50000 - 3 * 32500)
            for (body, field) in [
                (#"{"amount_cents": 0, "reason": "x"}"#, "amount_cents"), (#"{"amount_cents": 1.5, "reason": "x"}"#, "amount_cents"),
                (#"{"amount_cents": 100}"#, "reason"), (#"{"amount_cents": "100", "reason": "x"}"#, "amount_cents"),
            ] {
                let problem = try await Self.call(.post, "/api/v1/billing/credits/add", body: body, key: admin, client: client, expect: .unprocessableContent)
                #expect((problem["errors"] as? [[String: Any]])?.first?["field"] as? String == field)
            }
            _ = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 5, "reason": "x", "buyer_id": "buyer_nope"}"#, key: admin, client: client,
                expect: .notFound
            )
            _ = try await Self.call(
                .post, "/api/v1/leads/\(leads[0])/return", body: #"{"reason": "invalid_phone"}"#, key: server.tenant.apiKey, client: client, expect: .ok
            )

            let usage = try await Self.call(.get, "/api/v1/billing/usage", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(usage["period"] as? String == "2026-04")
            #expect(usage["leads_purchased"] as? Int == 3)
            // Gross sales, the returned one included (as the spec counts them); the refund beside it.
            #expect(usage["total_spend_cents"] as? Int == 3 * 32500)
            #expect(usage["refunds_cents"] as? Int == 32500)
            #expect(usage["net_spend_cents"] as? Int == 2 * 32500)
            #expect(usage["credits_remaining_cents"] as? Int == 1_000_000, "the buyer's balance is still below zero")
            #expect(usage["avg_cost_per_lead_cents"] as? Int == 32500)
            let buyerUsage = try await Self.call(.get, "/api/v1/billing/usage?period=2026-04&buyer_id=\(buyer)", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(buyerUsage["balance_cents"] as? Int == 50000 - 3 * 32500 + 32500)
            let empty = try await Self.call(.get, "/api/v1/billing/usage?period=2026-03", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(empty["leads_purchased"] as? Int == 0)
            #expect(empty["avg_cost_per_lead_cents"] as? Int == 0)
            _ = try await Self.call(.get, "/api/v1/billing/usage?period=April", key: server.tenant.apiKey, client: client, expect: .unprocessableContent)
            _ = try await Self.call(.get, "/api/v1/billing/usage?buyer_id=\(buyer)", key: server.otherTenant.apiKey, client: client, expect: .notFound)

            let all = try await Self.call(.get, "/api/v1/billing/transactions", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(all["total"] as? Int == 6)
            let items = all["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["type"] as? String }) == ["charge", "credit", "refund"])
            for item in items { #expect(Set(["id", "type", "amount_cents", "description", "created_at"]).isSubset(of: item.keys)) }
            let charges = try await Self.call(.get, "/api/v1/billing/transactions?type=charge&buyer_id=\(buyer)&per_page=2", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(charges["total"] as? Int == 3)
            #expect((charges["items"] as? [Any])?.count == 2)
            _ = try await Self.call(.get, "/api/v1/billing/transactions?type=gift", key: server.tenant.apiKey, client: client, expect: .unprocessableContent)
            let foreign = try await Self.call(.get, "/api/v1/billing/transactions", key: server.otherTenant.apiKey, client: client, expect: .ok)
            #expect(foreign["total"] as? Int == 0)
        }
    }

    @Test("refund: admin only, once per lead (a return counts), replayed under its Idempotency-Key")
    func refundOnce() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (_, leads) = try await LeadAPITests.soldLeads(2, server: server, client: client)
            let admin = server.tenant.adminKey
            let body = #"{"lead_id": "\#(leads[0])", "reason": "invalid_phone"}"#
            _ = try await Self.call(.post, "/api/v1/billing/refund", body: body, key: server.tenant.apiKey, client: client, expect: .forbidden)
            var headers = HTTPFields.apiKey(admin)
            headers[HTTPField.Name("Idempotency-Key")!] = "refund-1"
            let first = try await client.execute(uri: "/api/v1/billing/refund", method: .post, headers: headers, body: .json(body)) { response in
                #expect(response.status == .created, "\(response.text)")
                return response.text
            }
            let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
            #expect((object?["refund_id"] as? String)?.hasPrefix("ref_") == true)
            #expect(object?["amount_cents"] as? Int == 30000)
            #expect(object?["status"] as? String == "processed")
            let replay = try await client.execute(uri: "/api/v1/billing/refund", method: .post, headers: headers, body: .json(body)) { response in
                #expect(response.status == .created)
                return response.text
            }
            #expect(replay == first)
            _ = try await Self.call(.post, "/api/v1/billing/refund", body: body, key: admin, client: client, expect: .conflict, code: "already_refunded")
            _ = try await Self.call(
                .post, "/api/v1/leads/\(leads[0])/return", body: #"{"reason": "other"}"#, key: server.tenant.apiKey, client: client, expect: .conflict,
                code: "already_refunded"
            )
            _ = try await Self.call(
                .post, "/api/v1/leads/\(leads[1])/return", body: #"{"reason": "other"}"#, key: server.tenant.apiKey, client: client, expect: .ok
            )
            _ = try await Self.call(
                .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(leads[1])", "reason": "other"}"#, key: admin, client: client, expect: .conflict,
                code: "already_refunded"
            )
            _ = try await Self.call(
                .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(leads[0])", "reason": "other"}"#, key: server.otherTenant.adminKey,
                client: client, expect: .notFound
            )
            _ = try await Self.call(.post, "/api/v1/billing/refund", body: #"{"reason": "whim"}"#, key: admin, client: client, expect: .unprocessableContent)
            let nullReason = try await Self.call(
                .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(leads[1])", "reason": null}"#, key: admin, client: client, expect: .unprocessableContent
            )
            #expect((nullReason["errors"] as? [[String: Any]])?.map { $0["field"] as? String } == ["reason"])
            // A lead never charged is not refunded, whatever an admin wrote on it since.
            let unsold = try #require(
                try await LeadAPITests.send(LeadAPITests.inbound(phone: LeadAPITests.phone(901), email: "u@example.com", extra: #", "campaign_type": "solar""#), server: server, client: client)["id"] as? String
            )
            let buyer = try #require(try await Self.call(.get, "/api/v1/leads/\(leads[1])", key: admin, client: client, expect: .ok)["buyer_id"] as? String)
            _ = try await Self.call(
                .patch, "/api/v1/leads/\(unsold)/internal", body: #"{"buyer_id": "\#(buyer)", "sold_price_cents": 90000}"#, key: admin, client: client,
                expect: .ok
            )
            _ = try await Self.call(
                .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(unsold)", "reason": "other"}"#, key: admin, client: client, expect: .conflict,
                code: "not_charged"
            )
            let refunds = try await Self.call(.get, "/api/v1/billing/transactions?type=refund", key: admin, client: client, expect: .ok)
            #expect(refunds["total"] as? Int == 2)
            let verification = try await server.dependencies.ledger.verify()
            #expect(verification.mismatches.isEmpty)
        }
    }

    @Test("a prepaid buyer without funds does not bid (budget); concurrent posts that together exceed its balance never overdraw it")
    func prepaidOverdraft() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let buyer = try await create("/api/v1/buyers", body: PingAPITests.buyer("Prepaid", price: 30000), key: server.tenant.apiKey, client: client)
            try await Self.prepaid(buyer, server: server)
            let compliance = HTTPFields.complianceKey(server.tenant.complianceKey)
            func ping() async throws -> (id: String, bids: Int) {
                try await client.execute(uri: "/api/v1/pingpost/ping", method: .post, headers: compliance, body: .json(PingAPITests.ping)) { response in
                    let body = try response.object()
                    return (try #require(body["ping_id"] as? String), (body["bids"] as? [Any])?.count ?? -1)
                }
            }
            let broke = try await ping()
            #expect(broke.bids == 0)
            try await client.execute(uri: "/api/v1/pingpost/pings/\(broke.id)", method: .get, headers: compliance) { response in
                let outcomes = try response.object()["outcomes"] as? [[String: Any]] ?? []
                #expect(outcomes.first?["no_bid_reason"] as? String == "budget")
            }
            _ = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 100000, "reason": "Prepayment", "buyer_id": "\#(buyer)"}"#,
                key: server.tenant.adminKey, client: client, expect: .created
            )
            // Ten pings each see 100,000 and bid; only three sales of 30,000 fit.
            var pings: [String] = []
            for _ in 0..<10 {
                let answer = try await ping()
                #expect(answer.bids == 1)
                pings.append(answer.id)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for (index, pingID) in pings.enumerated() {
                    let body = PostAPITests.post(
                        ping: pingID, buyer: buyer, lead: #"{"first_name": "Jane", "last_name": "Doe", "phone": "\#(LeadAPITests.phone(index))", "email": "j\#(index)@example.com", "state": "NV", "zip_code": "89101"}"#
                    )
                    group.addTask {
                        try await client.execute(uri: "/api/v1/pingpost/post", method: .post, headers: compliance, body: .json(body)) { $0.status }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 7)
            let usage = try await Self.call(.get, "/api/v1/billing/usage?buyer_id=\(buyer)", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(usage["balance_cents"] as? Int == 10000)
            #expect(usage["credits_remaining_cents"] as? Int == 10000)
            #expect(try await ping().bids == 0, "10,000 left cannot pay 30,000")
            // Turning an account with a balance below zero into a prepaid one is refused.
            let invoiced = try await create("/api/v1/buyers", body: PingAPITests.buyer("Invoiced", price: 20000), key: server.tenant.apiKey, client: client)
            let sold = try await LeadAPITests.send(LeadAPITests.inbound(phone: LeadAPITests.phone(77), email: "z@example.com"), server: server, client: client)
            #expect(sold["buyer_id"] as? String == invoiced)
            await #expect(throws: StoreRefusal.balanceBelowFloor) { try await Self.prepaid(invoiced, server: server) }
            #expect(try await server.dependencies.ledger.verify().mismatches.isEmpty)
        }
    }

    @Test("a finished month closes into per-buyer and tenant invoices; a buyer's payment marks them paid")
    func invoices() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (buyer, leads) = try await LeadAPITests.soldLeads(3, server: server, client: client, price: 25000)
            _ = try await Self.call(.post, "/api/v1/leads/\(leads[2])/return", body: #"{"reason": "fraud"}"#, key: server.tenant.apiKey, client: client, expect: .ok)
            let none = try await Self.call(.get, "/api/v1/billing/invoices", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect((none["items"] as? [Any])?.isEmpty == true, "April is not over")
            // Into May: April closes.
            server.clock.set(milliseconds: try #require(BillingPeriod("2026-05")).startMilliseconds + 3_600_000)
            let list = try await Self.call(.get, "/api/v1/billing/invoices", key: server.tenant.apiKey, client: client, expect: .ok)
            let invoice = try #require((list["items"] as? [[String: Any]])?.first)
            #expect((invoice["id"] as? String)?.hasPrefix("inv_") == true)
            #expect(invoice["period"] as? String == "2026-04")
            #expect(invoice["amount_cents"] as? Int == 50000)
            #expect(invoice["status"] as? String == "open")
            #expect(invoice["paid_at"] is NSNull)
            let buyerInvoices = try await Self.call(.get, "/api/v1/billing/invoices?buyer_id=\(buyer)", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect((buyerInvoices["items"] as? [[String: Any]])?.first?["amount_cents"] as? Int == 50000)
            // Asking again creates nothing new.
            let again = try await Self.call(.get, "/api/v1/billing/invoices", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(again["total"] as? Int == 1)
            _ = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 49999, "reason": "Part payment", "buyer_id": "\#(buyer)"}"#,
                key: server.tenant.adminKey, client: client, expect: .created
            )
            let partly = try await Self.call(.get, "/api/v1/billing/invoices", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect((partly["items"] as? [[String: Any]])?.first?["status"] as? String == "open")
            _ = try await Self.call(
                .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": 1, "reason": "Balance", "buyer_id": "\#(buyer)"}"#,
                key: server.tenant.adminKey, client: client, expect: .created
            )
            let paid = try await Self.call(.get, "/api/v1/billing/invoices", key: server.tenant.apiKey, client: client, expect: .ok)
            let paidInvoice = (paid["items"] as? [[String: Any]])?.first
            #expect(paidInvoice?["status"] as? String == "paid")
            #expect(paidInvoice?["paid_at"] is String)
            let foreign = try await Self.call(.get, "/api/v1/billing/invoices", key: server.otherTenant.apiKey, client: client, expect: .ok)
            #expect(foreign["total"] as? Int == 0)
        }
    }

    @Test("after a randomised run of sales, returns, credits and refunds every balance equals the sum of its entries")
    func randomisedLedger() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            var generator = SystemRandomNumberGenerator()
            let (buyer, leads) = try await LeadAPITests.soldLeads(12, server: server, client: client, price: 12345)
            var open = leads
            var expected: Int64 = -12345 * 12
            for step in 0..<30 {
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where !open.isEmpty:
                    let lead = open.remove(at: Int.random(in: 0..<open.count, using: &generator))
                    _ = try await Self.call(.post, "/api/v1/leads/\(lead)/return", body: #"{"reason": "other"}"#, key: server.tenant.apiKey, client: client, expect: .ok)
                    expected += 12345
                case 1 where !open.isEmpty:
                    let lead = open.remove(at: Int.random(in: 0..<open.count, using: &generator))
                    _ = try await Self.call(
                        .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(lead)", "reason": "fraud"}"#, key: server.tenant.adminKey, client: client,
                        expect: .created
                    )
                    expected += 12345
                default:
                    let amount = Int64.random(in: 1...100_000, using: &generator)
                    let target = Bool.random(using: &generator) ? #", "buyer_id": "\#(buyer)""# : ""
                    _ = try await Self.call(
                        .post, "/api/v1/billing/credits/add", body: #"{"amount_cents": \#(amount), "reason": "step \#(step)"\#(target)}"#,
                        key: server.tenant.adminKey, client: client, expect: .created
                    )
                    if !target.isEmpty { expected += amount }
                }
            }
            let verification = try await server.dependencies.ledger.verify()
            #expect(verification.mismatches.isEmpty, "\(verification.mismatches)")
            #expect(verification.accountsChecked >= 3)
            let usage = try await Self.call(.get, "/api/v1/billing/usage?buyer_id=\(buyer)", key: server.tenant.apiKey, client: client, expect: .ok)
            #expect(usage["balance_cents"] as? Int == Int(expected))
        }
    }
}
