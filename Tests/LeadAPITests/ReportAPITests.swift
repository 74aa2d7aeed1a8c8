import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadStore
import Testing

@Suite("Reports API: the spec's shapes, CSV exports, tenants apart")
struct ReportAPITests {
    @Test("dashboard, campaign and buyer reports answer in the spec's shapes, zeros for what sold nothing")
    func shapes() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let (buyer, _) = try await LeadAPITests.soldLeads(2, server: server, client: client, price: 32500)
            let idle = try await create("/api/v1/campaigns", body: SpecExample.campaign, key: server.tenant.apiKey, client: client)
            let dashboard = try await LeadAPITests.get("/api/v1/reports/dashboard", server: server, client: client)
            let spec: Set = ["period", "leads_total", "leads_qualified", "leads_delivered", "acceptance_rate", "revenue_cents", "avg_lead_cost_cents"]
            #expect(spec.isSubset(of: Set(dashboard.keys)))
            #expect(dashboard["period"] as? String == "2026-04")
            #expect(dashboard["revenue_cents"] as? Int == 65000)
            #expect(dashboard["acceptance_rate"] as? Double == 1)

            let campaigns = try #require(try await LeadAPITests.get("/api/v1/reports/campaigns", server: server, client: client)["campaigns"] as? [[String: Any]])
            #expect(campaigns.count == 1)
            #expect(campaigns.first?["id"] as? String == idle)
            #expect(campaigns.first?["name"] as? String == "NV Personal Injury Q2")
            for field in ["leads", "accepted", "returned", "revenue_cents"] { #expect(campaigns.first?[field] as? Int == 0, "\(field)") }

            let buyers = try #require(try await LeadAPITests.get("/api/v1/reports/buyers?period=2026-04", server: server, client: client)["buyers"] as? [[String: Any]])
            #expect(buyers.count == 1)
            #expect(buyers.first?["id"] as? String == buyer)
            #expect(buyers.first?["leads_purchased"] as? Int == 2)
            #expect(buyers.first?["total_spent_cents"] as? Int == 65000)
            #expect(buyers.first?["acceptance_rate"] as? Double == 1)
            #expect(Set(["id", "name", "leads_purchased", "acceptance_rate", "total_spent_cents"]).isSubset(of: Set(buyers.first?.keys ?? [:].keys)))
            // A month with nothing in it, and another tenant: zeros and nothing of tenant A's.
            let empty = try await LeadAPITests.get("/api/v1/reports/dashboard?period=2025-12", server: server, client: client)
            #expect(empty["leads_total"] as? Int == 0 && empty["revenue_cents"] as? Int == 0 && empty["avg_lead_cost_cents"] as? Int == 0)
            let other = try await LeadAPITests.get("/api/v1/reports/dashboard", server: server, client: client, key: server.otherTenant.apiKey)
            #expect(other["leads_total"] as? Int == 0)
            #expect((try await LeadAPITests.get("/api/v1/reports/buyers", server: server, client: client, key: server.otherTenant.apiKey)["buyers"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("the leads export: the spec's first columns, RFC 4180 quoting, formula text guarded, phone numbers and numbers as they are")
    func leadsExport() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            // Qualification refuses these names, but the lead is kept, rejected, with them: and exported.
            let body = """
                {"first_name": "=HYPERLINK(\\"http://evil.example\\")", "last_name": "Doe, \\"Jr\\"\\nthe second", "email": "@mail.example",
                 "phone": "+17025551234", "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "-2+3",
                 "notes": "\\tcalled, twice\\r\\nno answer",
                 "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree.", "ip_address": "203.0.113.42"}}
                """
            let id = try #require(try await LeadAPITests.send(body, server: server, client: client)["id"] as? String)
            try await client.execute(uri: "/api/v1/reports/export?type=leads&period=2026-04", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"leads-2026-04.csv\"")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("id,first_name,last_name,status,score,email,phone,"))
                let rows = try Self.parse(text)
                #expect(rows.count == 2)
                let header = rows[0]
                #expect(header.count == rows[1].count)
                let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
                #expect(row["id"] == id)
                #expect(row["first_name"] == "'=HYPERLINK(\"http://evil.example\")")
                #expect(row["last_name"] == "Doe, \"Jr\"\nthe second")
                #expect(row["email"] == "'@mail.example")
                #expect(row["source"] == "'-2+3")
                #expect(row["notes"] == "'\tcalled, twice\r\nno answer")
                #expect(row["phone"] == "+17025551234", "an E.164 number is no formula")
                #expect(row["status"] == "rejected")
                #expect(row["created_at"] == "2026-04-12T13:20:00Z")
                #expect(Int(row["score"] ?? "") != nil)
                // The raw text quotes exactly the fields that need it.
                #expect(text.contains(#","'=HYPERLINK(""http://evil.example"")","Doe, ""Jr"""#))
            }
            // Filters narrow; another month, or another tenant, is a header alone.
            for (uri, key) in [
                ("/api/v1/reports/export?status=sold", server.tenant.apiKey), ("/api/v1/reports/export?period=2026-05", server.tenant.apiKey),
                ("/api/v1/reports/export", server.otherTenant.apiKey),
            ] {
                try await client.execute(uri: uri, method: .get, headers: .apiKey(key)) { response in
                    #expect(response.status == .ok)
                    let rows = try Self.parse(String(buffer: response.body))
                    #expect(rows.count == 1, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/v1/reports/export", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"leads-all.csv\"")
                let rows = try Self.parse(String(buffer: response.body))
                #expect(rows.count == 2)
            }
        }
    }

    @Test("an export reads batch after batch and loses no row at a batch's edge, however many share a millisecond")
    func batches() async throws {
        let server = try await TestServer.make()
        let exports = ReportExports(repository: SQLiteExportRepository(database: server.dependencies.database), batchSize: 3)
        try await server.test { client in
            for index in 0..<10 {
                _ = try await LeadAPITests.send(
                    LeadAPITests.inbound(phone: LeadAPITests.phone(index), email: "b\(index)@example.com"), server: server, client: client
                )
                if index % 4 == 3 { server.clock.advance(byMilliseconds: 1) }
            }
            var seen: [String] = []
            var batchSizes: [Int] = []
            try await exports.leads(tenantID: server.tenant.tenant.id, filter: LeadFilter()) { leads in
                batchSizes.append(leads.count)
                seen += leads.map(\.id)
            }
            #expect(batchSizes == [3, 3, 3, 1])
            #expect(seen.count == 10)
            #expect(Set(seen).count == 10)
        }
    }

    @Test("a posted lead is scored like an inbound one, its signals in a scored event, and carries its score in the delivery")
    func postedLeadScored() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let buyer = try await create("/api/v1/buyers", body: PingAPITests.buyer("Alpha", price: 30000), key: server.tenant.apiKey, client: client)
            let ping = try await DoNotCallEnforcementTests.ping(server, client)
            let post = try await DoNotCallEnforcementTests.post(ping: ping, buyer: buyer, phone: "+17025550201", server: server, client: client)
            let leadID = try #require(post["lead_id"] as? String)
            let lead = try await LeadAPITests.get("/api/v1/leads/\(leadID)", server: server, client: client)
            let score = try #require(lead["score"] as? Int)
            let scored = (lead["events"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "scored" }
            let detail = try #require(scored?["detail"] as? [String: Any])
            #expect(detail["score"] as? Int == score)
            let signals = try #require(detail["signals"] as? [[String: Any]])
            #expect(signals.compactMap { $0["points"] as? Int }.reduce(0, +) == score)
            // A Las Vegas number with full contact and written consent scores well; the source has no history here.
            #expect(score >= 60, "\(signals)")
        }
    }

    /// RFC 4180 records: quoted fields may hold commas, doubled quotes, CRs and LFs.
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r", characters.first == "\n" {
                characters.removeFirst()
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(character)
            }
        }
        try #require(!quoted && field.isEmpty && row.isEmpty, "the text ends with a CRLF after a whole record")
        return rows
    }
}
