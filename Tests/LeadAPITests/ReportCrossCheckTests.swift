import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import Testing

/// One number, one value: a month of activity, then every place that shows a sales figure (the
/// dashboard, the campaign and buyer reports, buyer and campaign details, billing usage and
/// transactions, the CSV exports) against values computed by hand.
@Suite("Reports agree with billing to the cent")
struct ReportCrossCheckTests {
    static let march: Int64 = 1_774_000_000_000  // 2026-03-20 09:46 UTC
    static let april: Int64 = 1_776_000_000_000  // 2026-04-12 13:20 UTC

    struct Activity {
        var alpha = ""
        var beta = ""
        var zero = ""
        var campaign = ""
        /// Inbound leads sold to Alpha in April, then the ping-post sales.
        var aprilLeads: [String] = []
        var marchLead = ""
    }

    /// March: one inbound sale to Alpha (through the campaign). April: four more, a ping-post sale to
    /// Beta at 20,000 and one to Zero at 0; the first accepted, the second returned, the third and
    /// the March one refunded by an admin; the fourth's price edit refused. Tenant B sells one lead too.
    static func monthOfActivity(_ server: TestServer, _ client: some TestClientProtocol) async throws -> Activity {
        var activity = Activity()
        let key = server.tenant.apiKey
        server.clock.set(milliseconds: Self.march)
        activity.alpha = try await create("/api/v1/buyers", body: PingAPITests.buyer("Alpha", price: 30000), key: key, client: client)
        activity.beta = try await create("/api/v1/buyers", body: PingAPITests.buyer("Beta", price: 20000), key: key, client: client)
        activity.zero = try await create("/api/v1/buyers", body: PingAPITests.buyer("Zero", price: 0), key: key, client: client)
        activity.campaign = try await create(
            "/api/v1/campaigns",
            body: #"{"name": "Alpha NV", "campaign_type": "legal_pi", "states": ["NV"], "budget_cents": 10000000, "buyer_id": "\#(activity.alpha)"}"#,
            key: key, client: client
        )
        func inbound(_ index: Int) async throws -> String {
            let answer = try await LeadAPITests.send(
                LeadAPITests.inbound(phone: LeadAPITests.phone(index), email: "lead\(index)@example.com"), server: server, client: client
            )
            #expect(answer["buyer_id"] as? String == activity.alpha)
            server.clock.advance(byMilliseconds: 1000)
            return try #require(answer["id"] as? String)
        }
        activity.marchLead = try await inbound(0)

        server.clock.set(milliseconds: Self.april)
        for index in 1...4 { activity.aprilLeads.append(try await inbound(index)) }
        for (buyer, phone) in [(activity.beta, "+17025550201"), (activity.zero, "+17025550202")] {
            let ping = try await DoNotCallEnforcementTests.ping(server, client)
            let post = try await DoNotCallEnforcementTests.post(ping: ping, buyer: buyer, phone: phone, server: server, client: client)
            #expect(post["status"] as? Int == 200, "\(post)")
            activity.aprilLeads.append(try #require(post["lead_id"] as? String))
            server.clock.advance(byMilliseconds: 1000)
        }
        let leads = activity.aprilLeads
        _ = try await LeadAPITests.call(.post, "/api/v1/leads/\(leads[0])/accept", key: key, client: client, expect: .ok)
        _ = try await LeadAPITests.call(.post, "/api/v1/leads/\(leads[1])/return", body: #"{"reason": "invalid_phone"}"#, key: key, client: client, expect: .ok)
        for lead in [leads[2], activity.marchLead] {
            _ = try await LeadAPITests.call(
                .post, "/api/v1/billing/refund", body: #"{"lead_id": "\#(lead)", "reason": "fraud"}"#, key: server.tenant.adminKey, client: client,
                expect: .created
            )
        }
        _ = try await LeadAPITests.call(
            .patch, "/api/v1/leads/\(leads[3])/internal", body: #"{"sold_price_cents": 1}"#, key: server.tenant.adminKey, client: client,
            expect: .conflict, code: "sale_fields_locked"
        )
        // Another tenant's sale, the same month.
        let foreign = try await create("/api/v1/buyers", body: PingAPITests.buyer("Foreign", price: 50000), key: server.otherTenant.apiKey, client: client)
        let answer = try await LeadAPITests.send(LeadAPITests.inbound(phone: LeadAPITests.phone(90)), server: server, client: client, key: server.otherTenant.apiKey)
        #expect(answer["buyer_id"] as? String == foreign)
        return activity
    }

    @Test("dashboard, reports, buyer and campaign details, usage, transactions and exports all say the same")
    func everyPlaceAgrees() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let activity = try await Self.monthOfActivity(server, client)
            let key = server.tenant.apiKey
            func get(_ uri: String) async throws -> [String: Any] { try await LeadAPITests.get(uri, server: server, client: client) }

            // April, the whole tenant: 6 sales (4 × 30,000 + 20,000 + 0), A2 returned; refunds made in
            // April: A2's return, A3's and the March lead's admin refunds, 3 × 30,000.
            let dashboard = try await get("/api/v1/reports/dashboard?period=2026-04")
            #expect(dashboard["period"] as? String == "2026-04")
            #expect(dashboard["leads_total"] as? Int == 6)
            #expect(dashboard["leads_qualified"] as? Int == 6)
            #expect(dashboard["leads_delivered"] as? Int == 6)
            #expect(dashboard["sales"] as? Int == 6)
            #expect(dashboard["returned"] as? Int == 1)
            #expect(dashboard["acceptance_rate"] as? Double == 0.833)
            #expect(dashboard["revenue_cents"] as? Int == 140_000)
            #expect(dashboard["avg_lead_cost_cents"] as? Int == 23_333)
            #expect(dashboard["refunds_cents"] as? Int == 90_000)
            #expect(dashboard["net_revenue_cents"] as? Int == 50_000)
            #expect(try await get("/api/v1/reports/dashboard")["revenue_cents"] as? Int == 140_000, "the current month by default")
            let march = try await get("/api/v1/reports/dashboard?period=2026-03")
            #expect(march["leads_total"] as? Int == 1)
            #expect(march["revenue_cents"] as? Int == 30_000)
            #expect(march["refunds_cents"] as? Int == 0, "the March sale was refunded in April")

            let usage = try await get("/api/v1/billing/usage?period=2026-04")
            #expect(usage["leads_purchased"] as? Int == dashboard["sales"] as? Int)
            #expect(usage["total_spend_cents"] as? Int == dashboard["revenue_cents"] as? Int)
            #expect(usage["refunds_cents"] as? Int == dashboard["refunds_cents"] as? Int)
            #expect(usage["net_spend_cents"] as? Int == dashboard["net_revenue_cents"] as? Int)
            #expect(usage["avg_cost_per_lead_cents"] as? Int == dashboard["avg_lead_cost_cents"] as? Int)
            #expect(usage["charged_cents"] as? Int == 140_000, "the zero-price sale has no charge, and changes no sum")
            #expect(usage["refunded_cents"] as? Int == 90_000)

            // By buyer: April, then all time beside the buyer details.
            let aprilBuyers = try Self.lines(try await get("/api/v1/reports/buyers?period=2026-04"), "buyers")
            #expect(Self.figures(aprilBuyers[activity.alpha], "leads_purchased", "accepted", "returned", "explicitly_accepted") == [4, 3, 1, 1])
            #expect(Self.figures(aprilBuyers[activity.alpha], "total_spent_cents", "refunds_cents", "net_spent_cents", "avg_lead_cost_cents") == [120_000, 90_000, 30_000, 30_000])
            #expect(aprilBuyers[activity.alpha]?["acceptance_rate"] as? Double == 0.75)
            #expect(Self.figures(aprilBuyers[activity.beta], "leads_purchased", "total_spent_cents", "refunds_cents") == [1, 20_000, 0])
            #expect(Self.figures(aprilBuyers[activity.zero], "leads_purchased", "total_spent_cents", "avg_lead_cost_cents") == [1, 0, 0])
            #expect(aprilBuyers.count == 3, "tenant B's buyer never appears")
            let buyerUsage = try await get("/api/v1/billing/usage?period=2026-04&buyer_id=\(activity.alpha)")
            #expect(Self.figures(buyerUsage, "leads_purchased", "total_spend_cents", "refunds_cents", "net_spend_cents") == [4, 120_000, 90_000, 30_000])

            let allTimeBuyers = try Self.lines(try await get("/api/v1/reports/buyers"), "buyers")
            let alpha = try await get("/api/v1/buyers/\(activity.alpha)")
            #expect(Self.figures(allTimeBuyers[activity.alpha], "leads_purchased", "total_spent_cents", "refunds_cents", "net_spent_cents") == [5, 150_000, 90_000, 60_000])
            #expect(Self.figures(alpha, "leads_purchased", "total_spent_cents", "refunds_cents", "net_spent_cents") == [5, 150_000, 90_000, 60_000])
            #expect(Self.figures(alpha, "leads_accepted", "leads_returned", "explicitly_accepted", "avg_lead_cost_cents") == [4, 1, 1, 30_000])
            #expect(alpha["acceptance_rate"] as? Double == allTimeBuyers[activity.alpha]?["acceptance_rate"] as? Double)
            #expect(alpha["acceptance_rate"] as? Double == 0.8)
            let zero = try await get("/api/v1/buyers/\(activity.zero)")
            #expect(Self.figures(zero, "leads_purchased", "total_spent_cents") == [1, 0], "a zero-price sale is a purchase everywhere")

            // By campaign: it funded Alpha's five sales; all three refunds gave back its sales.
            let aprilCampaigns = try Self.lines(try await get("/api/v1/reports/campaigns?period=2026-04"), "campaigns")
            #expect(Self.figures(aprilCampaigns[activity.campaign], "leads", "accepted", "returned", "revenue_cents", "refunds_cents", "net_revenue_cents") == [4, 3, 1, 120_000, 90_000, 30_000])
            let allTimeCampaigns = try Self.lines(try await get("/api/v1/reports/campaigns"), "campaigns")
            let campaign = try await get("/api/v1/campaigns/\(activity.campaign)")
            #expect(Self.figures(allTimeCampaigns[activity.campaign], "leads", "revenue_cents", "refunds_cents", "net_revenue_cents") == [5, 150_000, 90_000, 60_000])
            #expect(Self.figures(campaign, "leads_delivered", "leads_accepted", "leads_returned", "revenue_cents", "refunds_cents", "net_revenue_cents") == [5, 4, 1, 150_000, 90_000, 60_000])
            #expect(campaign["avg_cost_cents"] as? Int == allTimeCampaigns[activity.campaign]?["avg_lead_cost_cents"] as? Int)
            // The budget spent the five sales less the returned one (an admin refund is no lead given back).
            #expect(campaign["budget_remaining_cents"] as? Int == 10_000_000 - 150_000 + 30_000)

            // The ledger and the exports, summed by hand.
            let transactions = try await get("/api/v1/billing/transactions?created_after=2026-04-01&per_page=100")
            let entries = try #require(transactions["items"] as? [[String: Any]])
            func sum(_ type: String) -> Int { entries.filter { $0["type"] as? String == type }.compactMap { $0["amount_cents"] as? Int }.reduce(0, +) }
            #expect(sum("charge") == 140_000)
            #expect(sum("refund") == 90_000)

            let leadsCSV = try await Self.csv("/api/v1/reports/export?type=leads&period=2026-04", key: key, client: client)
            #expect(leadsCSV.count == 6)
            #expect(leadsCSV.compactMap { Int($0["sold_price_cents"] ?? "") }.reduce(0, +) == 140_000)
            #expect(Set(leadsCSV.map { $0["id"] ?? "" }) == Set(activity.aprilLeads))
            let ledgerCSV = try await Self.csv("/api/v1/reports/export?type=transactions&period=2026-04", key: key, client: client)
            #expect(ledgerCSV.filter { $0["type"] == "charge" }.compactMap { Int($0["amount_cents"] ?? "") }.reduce(0, +) == 140_000)
            #expect(ledgerCSV.filter { $0["type"] == "refund" }.compactMap { Int($0["amount_cents"] ?? "") }.reduce(0, +) == 90_000)
            // Every sale came through a ping: the two posts' and the five inbound leads' auctions.
            let pingsCSV = try await Self.csv("/api/v1/reports/export?type=pings", key: key, client: client)
            #expect(pingsCSV.count == 7)
            #expect(pingsCSV.filter { $0["sold_to"] == activity.alpha }.count == 5)
            #expect(Set(pingsCSV.map { $0["sold_to"] ?? "" }) == [activity.alpha, activity.beta, activity.zero])
        }
    }

    /// A report's lines by id.
    static func lines(_ report: [String: Any], _ field: String) throws -> [String: [String: Any]] {
        let lines = try #require(report[field] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: lines.map { ($0["id"] as? String ?? "", $0) })
    }

    static func figures(_ object: [String: Any]?, _ fields: String...) -> [Int?] {
        fields.map { object?[$0] as? Int }
    }

    /// A CSV export read back into rows keyed by the header (no field of these holds a comma or a quote).
    static func csv(_ uri: String, key: String, client: some TestClientProtocol) async throws -> [[String: String]] {
        try await client.execute(uri: uri, method: .get, headers: .apiKey(key)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let lines = String(buffer: response.body).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return lines.dropFirst().map { line in
                Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            }
        }
    }
}
