import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Testing

/// The dashboard's pages past the overview: what each shows, and that it shows it for the
/// signed-in tenant only.
@Suite("Dashboard pages: live figures, buyers, leads, sequences and domains")
struct DashboardPageTests {
    /// The markup of the table row marked `attribute="value"`.
    static func row(_ attribute: String, _ value: String, in html: String) -> String? {
        guard let start = html.range(of: "<tr \(attribute)=\"\(value)\"") else { return nil }
        let rest = html[start.lowerBound...]
        return rest.range(of: "</tr>").map { String(rest[..<$0.upperBound]) }
    }

    static func value(_ attribute: String, _ name: String, in html: String) -> String? {
        guard let range = html.range(of: "\(attribute)=\"\(name)\" data-value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func signedIn(_ key: String, _ client: some TestClientProtocol) async throws -> DashboardBrowser {
        var browser = DashboardBrowser()
        #expect(try await browser.signIn(key: key, client).status == .seeOther)
        return browser
    }

    @Test("live figures: pings, bids and sales per second and over the hour, from this node's memory, named by node, on the page and as JSON")
    func live() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let buyer = try await create("/api/v1/buyers", body: PingAPITests.buyer("Acme", price: 30_000), key: key, client: client)
            _ = try await create("/api/v1/buyers", body: PingAPITests.buyer("Beta", price: 20_000), key: key, client: client)
            var pings: [String] = []
            for _ in 0..<4 { pings.append(try await DoNotCallEnforcementTests.ping(server, client)) }
            let sold = try await DoNotCallEnforcementTests.post(ping: pings[0], buyer: buyer, phone: DoNotCallEnforcementTests.cleanPhone, server: server, client: client)
            #expect(sold["status"] as? Int == 200)
            try await server.dependencies.pings.flushJournal()
            server.clock.advance(byMilliseconds: 1_000)

            var browser = try await Self.signedIn(server.tenant.adminKey, client)
            let live = try await browser.get("/dashboard/live", client)
            #expect(live.status == .ok && live.headers[.contentType] == "application/json; charset=utf-8")
            let body = try live.object()
            #expect(body["node"] as? String == server.configuration.resolvedNodeName)
            let figures = Dictionary(
                uniqueKeysWithValues: (body["figures"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["value"] as? String ?? "") }
            )
            #expect(figures["pings_per_second"] == "0.4" && figures["bids_per_second"] == "0.8" && figures["sales_per_second"] == "0.1")
            #expect(figures["pings_last_hour"] == "4" && figures["bids_last_hour"] == "8" && figures["sales_last_hour"] == "1")
            #expect(Int(figures["auction_p50_us"] ?? "") != nil && Int(figures["auction_p99_us"] ?? "") != nil, "auction times measured")
            #expect((body["pings_per_minute"] as? [Int])?.reduce(0, +) == 4)

            let page = try await browser.get("/dashboard/", client).text
            for (name, value) in figures { #expect(Self.value("data-live", name, in: page) == value, "\(name) on the page") }
            #expect(page.contains("data-live-url=\"/dashboard/live\"") && page.contains("data-chart=\"pings_per_minute\""))

            var other = try await Self.signedIn(server.otherTenant.adminKey, client)
            let theirs = try await other.get("/dashboard/live", client).object()
            #expect((theirs["figures"] as? [[String: Any]])?.first { $0["name"] as? String == "pings_last_hour" }?["value"] as? String == "0")

            // Without a session the figures are not served: sign in first.
            var stranger = DashboardBrowser()
            #expect(try await stranger.get("/dashboard/live", client).status == .seeOther)
        }
    }

    @Test("buyers: the period's sales are the reports API's; bid rate, wins and no-bid reasons from this node; a buyer's last pings; another tenant's buyer is a 404 page")
    func buyers() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.apiKey
            let acme = try await create("/api/v1/buyers", body: PingAPITests.buyer("Acme", price: 30_000), key: key, client: client)
            let paused = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Paused", price: 40_000, extra: #", "status": "paused""#), key: key, client: client
            )
            let zips = try await create(
                "/api/v1/buyers", body: PingAPITests.buyer("Zips", price: 40_000, extra: #", "zip_codes": ["90210"]"#), key: key, client: client
            )
            var pings: [String] = []
            for _ in 0..<3 { pings.append(try await DoNotCallEnforcementTests.ping(server, client)) }
            for (index, ping) in pings.prefix(2).enumerated() {
                let answer = try await DoNotCallEnforcementTests.post(ping: ping, buyer: acme, phone: "+1702555013\(index)", server: server, client: client)
                #expect(answer["status"] as? Int == 200)
            }
            try await server.dependencies.pings.flushJournal()

            var browser = try await Self.signedIn(server.tenant.adminKey, client)
            let page = try await browser.get("/dashboard/buyers", client)
            #expect(page.status == .ok)
            let acmeRow = try #require(Self.row("data-buyer", acme, in: page.text))
            #expect(Self.value("data-figure", "bid_rate", in: acmeRow) == "1")
            #expect(Self.value("data-figure", "win_rate", in: acmeRow) == "0.667")
            #expect(Self.value("data-figure", "avg_bid_cents", in: acmeRow) == "30000")
            let pausedRow = try #require(Self.row("data-buyer", paused, in: page.text))
            #expect(Self.value("data-reason", "paused", in: pausedRow) == "3" && Self.value("data-figure", "bid_rate", in: pausedRow) == "0")
            #expect(Self.value("data-reason", "filtered_zip", in: try #require(Self.row("data-buyer", zips, in: page.text))) == "3")

            let report = try await LeadAPITests.get("/api/v1/reports/buyers", server: server, client: client)
            for line in report["buyers"] as? [[String: Any]] ?? [] {
                let row = try #require(Self.row("data-buyer", line["id"] as? String ?? "", in: page.text))
                for name in ["leads_purchased", "avg_lead_cost_cents", "returned", "acceptance_rate"] {
                    #expect(Double(Self.value("data-figure", name, in: row) ?? "") == (line[name] as? NSNumber)?.doubleValue, "\(name)")
                }
            }
            #expect(Self.value("data-figure", "leads_purchased", in: acmeRow) == "2")

            let sheet = try await browser.get("/dashboard/buyers/\(acme)", client)
            #expect(sheet.status == .ok)
            for ping in pings { #expect(sheet.text.contains("data-ping=\"\(ping)\" data-outcome=\"bid\""), "every ping listed") }
            #expect(sheet.text.components(separatedBy: "data-sold=\"true\"").count - 1 == 2, "the two sold")
            #expect(DashboardBrowser.figure("total_spent_cents", in: sheet.text) == "60000")
            #expect(DashboardBrowser.figure("wins", in: sheet.text) == "2")
            let pausedSheet = try await browser.get("/dashboard/buyers/\(paused)", client).text
            #expect(pausedSheet.contains("data-bar=\"paused\" data-value=\"3\""), "why no bid, charted")

            var other = try await Self.signedIn(server.otherTenant.adminKey, client)
            let foreign = try await other.get("/dashboard/buyers/\(acme)", client)
            #expect(foreign.status == .notFound && foreign.headers[.contentType] == "text/html; charset=utf-8")
            #expect(!(try await other.get("/dashboard/buyers", client).text.contains(acme)))
        }
    }

    @Test("leads: search by status, buyer and source, pages of 50, a lead id opens its page; the page shows events, verified consent and deliveries; another tenant's lead is a 404 page")
    func leads() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (buyer, leads) = try await LeadAPITests.soldLeads(3, server: server, client: client)
            let rejected = try await LeadAPITests.send(
                LeadAPITests.inbound(phone: "+1702555", email: "not-an-email"), server: server, client: client, expect: .created
            )
            var browser = try await Self.signedIn(server.tenant.adminKey, client)
            let all = try await browser.get("/dashboard/leads", client)
            #expect(all.status == .ok)
            for lead in leads { #expect(all.text.contains("<tr data-lead=\"\(lead)\"")) }
            #expect(all.text.contains("data-total=\"4\""))
            // The funnel's days add up to the overview's month, which is the reports API's.
            let api = try await LeadAPITests.get("/api/v1/reports/dashboard", server: server, client: client)
            let today = try #require(Self.row("data-day", DailyLeadFunnel(epochDay: server.clock.nowMilliseconds() / 86_400_000).day, in: all.text))
            for name in ["leads_total", "leads_qualified", "leads_delivered", "sales"] {
                #expect(Double(Self.value("data-figure", name, in: today) ?? "") == (api[name] as? NSNumber)?.doubleValue, "\(name) by day")
            }
            #expect(Self.value("data-figure", "leads_total", in: today) == "4" && Self.value("data-figure", "leads_qualified", in: today) == "3")
            let sold = try await browser.get("/dashboard/leads?status=rejected", client).text
            #expect(sold.contains("data-total=\"1\"") && sold.contains("data-lead=\"\(rejected["id"] as? String ?? "?")\""))
            let bought = try await browser.get("/dashboard/leads?buyer_id=\(buyer)&status=", client).text
            #expect(bought.contains("data-total=\"3\"") && bought.contains("<option value=\"\(buyer)\" selected>"))
            #expect(try await browser.get("/dashboard/leads?status=lost", client).status == .unprocessableContent)

            let jump = try await browser.get("/dashboard/leads?id=\(leads[1])", client)
            #expect(jump.status == .seeOther && jump.headers[.location] == "/dashboard/leads/\(leads[1])")
            let detail = try await browser.get("/dashboard/leads/\(leads[1])", client)
            #expect(detail.status == .ok)
            #expect(detail.text.contains("data-valid=\"true\""), "the consent certificate verifies")
            #expect(detail.text.contains("signature verifies"))
            #expect(detail.text.contains("data-event=\"sold\"") && detail.text.contains("data-event=\"received\""))
            #expect(detail.text.contains("data-delivery=\"msg_"), "the delivery, by its webhook id")
            #expect(detail.text.contains("data-fact=\"buyer\">Buyer<"))

            var other = try await Self.signedIn(server.otherTenant.adminKey, client)
            let foreign = try await other.get("/dashboard/leads/\(leads[1])", client)
            #expect(foreign.status == .notFound && foreign.text.contains("data-status=\"404\""))
            #expect(try await other.get("/dashboard/leads", client).text.contains("data-total=\"0\""))
        }
    }

    @Test("sequences: enrollments and each step's attempts by outcome; domains: each record's check")
    func sequencesAndDomains() async throws {
        let channels = OutreachSchedulerTests.Channels()
        let server = try await OutreachSchedulerTests.server(channels.all)
        try await server.test { client in
            let sequence = try await create("/api/v1/sequences", body: SequenceAPITests.spec, key: server.tenant.apiKey, client: client)
            let lead = try await SequenceAPITests.lead(server: server, client: client)
            _ = try await OutreachSchedulerTests.enroll(sequence, lead: lead, server: server, client: client)
            #expect(try await server.dependencies.outreachScheduler.runDue() == 1)
            let domain = try await create("/api/v1/domains", body: #"{"domain": "mail.acme.com"}"#, key: server.tenant.apiKey, client: client)
            _ = try await LeadAPITests.call(.post, "/api/v1/domains/\(domain)/verify", key: server.tenant.apiKey, client: client, expect: .ok)

            var browser = try await Self.signedIn(server.tenant.adminKey, client)
            let sequences = try await browser.get("/dashboard/sequences", client)
            #expect(sequences.status == .ok)
            #expect(sequences.text.contains("data-sequence=\"\(sequence)\""))
            #expect(DashboardBrowser.figure("enrolled", in: sequences.text) == "1" && DashboardBrowser.figure("active", in: sequences.text) == "1")
            let first = try #require(Self.row("data-step", "1", in: sequences.text))
            #expect(Self.value("data-outcome", "sent", in: first) == "1")
            #expect(Self.value("data-outcome", "sent", in: try #require(Self.row("data-step", "2", in: sequences.text))) == "0")

            let domains = try await browser.get("/dashboard/domains", client)
            #expect(domains.status == .ok)
            #expect(domains.text.contains("data-domain=\"\(domain)\"") && domains.text.contains("mail.acme.com"))
            for record in ["spf", "dkim", "dmarc"] { #expect(domains.text.contains("<tr data-record=\"\(record)\" data-outcome=\"fail\"")) }

            var other = try await Self.signedIn(server.otherTenant.adminKey, client)
            #expect(!(try await other.get("/dashboard/sequences", client).text.contains(sequence)))
            #expect(!(try await other.get("/dashboard/domains", client).text.contains("mail.acme.com")))
        }
    }
}
