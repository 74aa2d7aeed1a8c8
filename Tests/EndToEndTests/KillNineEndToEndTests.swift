import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// The durability promise of a post, tested the way it is broken: the built binary, a real socket,
/// sellers streaming ping → post from several tasks, and `kill -9` while posts are in flight. A post
/// answers only after its lead, sale and ledger charge are committed, so whatever was answered must
/// be there after the restart, charged once at its price; what was cut off may be there or not, but
/// never anything else, and every balance still equals its entries.
@Suite("kill -9, end to end", .serialized)
struct KillNineEndToEndTests {
    static let sellers = 6
    static let price = (acme: 35000, bolt: 30000)
    static let funds = 100_000_000

    @Test("SIGKILL mid-stream: every answered post's lead and ledger charge survive the restart, nothing else is charged, `ledger verify` is clean")
    func acknowledgedSalesSurviveKillNine() async throws {
        let workspace = try Workspace()
        let tenant = try JSON.object(try await workspace.run(["tenant", "create", "Acme Leads"]).stdout)
        let tenantID = try #require(tenant["tenant_id"] as? String)
        let adminKey = try #require(tenant["admin_key"] as? String)
        // Keys past the default 100 requests a minute: the sellers send hundreds a second.
        func key(_ role: String) async throws -> String {
            let issued = try await workspace.run(["key", "create", "--tenant", tenantID, "--role", role, "--rate-limit-per-minute", "100000000"])
            return try #require(try JSON.object(issued.stdout)["key"] as? String, "\(issued.stderr)")
        }
        let standard: HTTPHeaders = ["X-API-Key": try await key("standard"), "Content-Type": "application/json"]
        let compliance: HTTPHeaders = ["X-Compliance-API-Key": try await key("compliance"), "Content-Type": "application/json"]
        let admin: HTTPHeaders = ["X-API-Key": adminKey, "Content-Type": "application/json"]

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let first = try await workspace.startServer()
            // Two prepaid buyers, so a sale is a charge that moves a balance that can be checked; both
            // bid on every legal_pi lead in NV, shared, so every ping has two bids.
            var buyers: [String] = []
            for (name, price) in [("Acme Law", Self.price.acme), ("Bolt Law", Self.price.bolt)] {
                let created = try await client.request(
                    first.url("/api/v1/buyers"), method: .POST, headers: standard,
                    body: #"{"name": "\#(name)", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": \#(price), "billing_mode": "prepaid"}"#
                )
                #expect(created.status == 201, "\(created.body)")
                let buyerID = try #require(try JSON.object(created.body)["id"] as? String)
                let credit = try await client.request(
                    first.url("/api/v1/billing/credits/add"), method: .POST, headers: admin,
                    body: #"{"amount_cents": \#(Self.funds), "reason": "Prepayment", "buyer_id": "\#(buyerID)"}"#
                )
                #expect(credit.status == 201, "\(credit.body)")
                buyers.append(buyerID)
            }

            // The sellers stream until the kill; the kill comes once enough posts were answered and
            // one is in flight, after a while (no tight bound: a loaded machine only makes it later).
            let tally = Tally()
            let started = ContinuousClock.now
            let killed = try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.sellers {
                    group.addTask { await Self.sell(to: first, client: client, headers: compliance, tally: tally) }
                }
                while !tally.readyToKill(after: started) { try await Task.sleep(for: .milliseconds(10)) }
                tally.markKilled()
                first.process.signal(SIGKILL)
                let killed = await first.process.exit()
                try await group.waitForAll()
                return killed
            }
            #expect(killed.signaled && killed.status == SIGKILL, "the server died of the SIGKILL, not before it")
            let seen = tally.snapshot()
            #expect(seen.surprises.isEmpty, "before the kill every ping and post should succeed: \(seen.surprises.prefix(5))")
            try #require(seen.sales.count >= 20, "too few posts answered before the kill to mean anything")

            // The database as the kill left it, before any restart could tidy it: already consistent.
            let crashed = try await workspace.run(["ledger", "verify"])
            #expect(crashed.status == 0, "\(crashed.stdout) \(crashed.stderr)")

            // The OS released the dead server's lock: a new one starts on the same database.
            let second = try await workspace.startServer()
            let charges = try await Self.charges(of: second, client: client, headers: standard)
            var chargedLeads: [String: [String: Any]] = [:]
            for charge in charges {
                let leadID = try #require(charge["lead_id"] as? String, "a charge names its lead: \(charge)")
                #expect(chargedLeads.updateValue(charge, forKey: leadID) == nil, "lead \(leadID) charged twice")
            }

            // Every answered post: its lead is there, sold to the buyer at the price, and charged once for it.
            let leads = try await Self.leads(seen.sales.map(\.leadID), of: second, client: client, headers: standard)
            for sale in seen.sales {
                let lead = leads[sale.leadID]
                #expect(lead?["status"] as? String == "delivered" || lead?["status"] as? String == "sold", "answered lead \(sale.leadID) lost: \(String(describing: lead))")
                #expect(lead?["buyer_id"] as? String == sale.buyerID)
                #expect(lead?["sold_price_cents"] as? Int == sale.priceCents)
                #expect(lead?["ping_id"] as? String == sale.pingID)
                let charge = chargedLeads[sale.leadID]
                #expect(charge != nil, "answered lead \(sale.leadID) has no ledger charge")
                #expect(charge?["buyer_id"] as? String == sale.buyerID)
                #expect(charge?["amount_cents"] as? Int == sale.priceCents)
            }
            // A charge no seller heard of is one whose post the kill cut off: at most one per seller, and its ping one of theirs.
            let answered = Set(seen.sales.map(\.leadID))
            let unanswered = chargedLeads.keys.filter { !answered.contains($0) }
            #expect(unanswered.count <= seen.cutOff.count, "\(unanswered.count) charges beyond the \(seen.cutOff.count) posts cut off")
            let unansweredLeads = try await Self.leads(unanswered, of: second, client: client, headers: standard)
            #expect(unansweredLeads.count == unanswered.count, "a charge whose lead is missing")
            for (leadID, lead) in unansweredLeads {
                #expect(seen.cutOff.contains(lead["ping_id"] as? String ?? ""), "lead \(leadID) charged from a ping no cut-off post used: \(lead)")
            }

            // Each balance is its prepayment less exactly its charges, and the buyer counts the same sales.
            for (buyerID, price) in zip(buyers, [Self.price.acme, Self.price.bolt]) {
                let buyer = try JSON.object(try await client.request(second.url("/api/v1/buyers/\(buyerID)"), method: .GET, headers: standard).body)
                let charged = charges.filter { $0["buyer_id"] as? String == buyerID }
                #expect(charged.allSatisfy { $0["amount_cents"] as? Int == price })
                #expect(buyer["balance_cents"] as? Int == Self.funds - charged.count * price, "\(buyer)")
                #expect(buyer["leads_purchased"] as? Int == charged.count)
            }
            #expect(try await second.terminate().status == 0)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()

        let verified = try await workspace.run(["ledger", "verify"])
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let report = try JSON.object(verified.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect((report["mismatches"] as? [Any])?.isEmpty == true)
        #expect((report["accounts_checked"] as? Int ?? 0) >= 2)
    }

    /// One seller: ping, post the lead to one of the bidders (by turns), again, until its request
    /// fails after the kill. Whatever answered 200 is acknowledged; a post that got no answer is cut off.
    static func sell(to server: RunningServer, client: HTTPClient, headers: HTTPHeaders, tally: Tally) async {
        while !tally.killed {
            let serial = tally.nextSerial()
            var posting: String?
            do {
                let ping = try await client.request(
                    server.url("/api/v1/pingpost/ping"), method: .POST, headers: headers,
                    body: #"{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "kill_nine"}"#
                )
                let answer = try JSON.object(ping.body)
                guard ping.status == 200, let pingID = answer["ping_id"] as? String, let bids = answer["bids"] as? [[String: Any]], !bids.isEmpty,
                    let buyerID = bids[serial % bids.count]["buyer_id"] as? String
                else {
                    tally.surprise("ping \(ping.status): \(ping.body)")
                    return
                }
                // Distinct phones and emails, as distinct people.
                let lead = #"{"first_name": "Jane", "last_name": "Doe", "phone": "+1702\#(2_000_000 + serial)", "email": "seller\#(serial)@example.com", "state": "NV", "zip_code": "89101"}"#
                let consent = #"{"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted...", "ip_address": "203.0.113.42"}"#
                posting = pingID
                tally.posting(true)
                let post = try await client.request(
                    server.url("/api/v1/pingpost/post"), method: .POST, headers: headers,
                    body: #"{"ping_id": "\#(pingID)", "buyer_id": "\#(buyerID)", "lead": \#(lead), "consent": \#(consent)}"#
                )
                tally.posting(false)
                posting = nil
                let receipt = try JSON.object(post.body)
                guard post.status == 200, let leadID = receipt["lead_id"] as? String, let price = receipt["price_cents"] as? Int,
                    receipt["buyer_id"] as? String == buyerID
                else {
                    tally.surprise("post \(post.status): \(post.body)")
                    return
                }
                tally.answered(Tally.Sale(leadID: leadID, buyerID: buyerID, pingID: pingID, priceCents: price))
            } catch {
                if let posting { tally.cutOff(posting) }
                // The kill is marked before it is sent: an error before it is the server's fault.
                if !tally.killed { tally.surprise("\(error)") }
                return
            }
        }
    }

    /// Every charge in the ledger, page by page.
    static func charges(of server: RunningServer, client: HTTPClient, headers: HTTPHeaders) async throws -> [[String: Any]] {
        var charges: [[String: Any]] = []
        var total = 0
        var page = 1
        repeat {
            let response = try await client.request(server.url("/api/v1/billing/transactions?type=charge&per_page=100&page=\(page)"), method: .GET, headers: headers)
            try #require(response.status == 200, "\(response.body)")
            let listing = try JSON.object(response.body)
            let items = try #require(listing["items"] as? [[String: Any]])
            total = try #require(listing["total"] as? Int)
            charges += items
            page += 1
            if items.isEmpty { break }
        } while charges.count < total
        #expect(charges.count == total)
        return charges
    }

    /// The leads by id, fetched a few at a time; a lead that answers anything but 200 is left out.
    static func leads(_ ids: [String], of server: RunningServer, client: HTTPClient, headers: HTTPHeaders) async throws -> [String: [String: Any]] {
        let bodies = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var found: [(String, String)] = []
                    for id in ids.enumerated().filter({ $0.offset % 8 == lane }).map(\.element) {
                        let response = try await client.request(server.url("/api/v1/leads/\(id)"), method: .GET, headers: headers)
                        if response.status == 200 { found.append((id, response.body)) }
                    }
                    return found
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        var leads: [String: [String: Any]] = [:]
        for (id, body) in bodies { leads[id] = try JSON.object(body) }
        return leads
    }

    /// What the sellers saw, shared by their tasks.
    final class Tally: Sendable {
        struct Sale: Sendable {
            var leadID: String
            var buyerID: String
            var pingID: String
            var priceCents: Int
        }

        struct State: Sendable {
            var serial = 0
            var sales: [Sale] = []
            var postsInFlight = 0
            /// The pings whose posts got no answer.
            var cutOff: Set<String> = []
            /// Anything other than success before the kill.
            var surprises: [String] = []
            var killed = false
        }

        private let state = Mutex(State())

        var killed: Bool { self.state.withLock { $0.killed } }
        func snapshot() -> State { self.state.withLock { $0 } }
        func nextSerial() -> Int { self.state.withLock { state in defer { state.serial += 1 }; return state.serial } }
        func posting(_ started: Bool) { self.state.withLock { $0.postsInFlight += started ? 1 : -1 } }
        func answered(_ sale: Sale) { self.state.withLock { $0.sales.append(sale) } }
        func cutOff(_ pingID: String) { self.state.withLock { _ = $0.cutOff.insert(pingID) } }
        func surprise(_ text: String) { self.state.withLock { $0.surprises.append(text) } }
        func markKilled() { self.state.withLock { $0.killed = true } }

        /// After 1.5 s of streaming, with at least 20 posts answered and one in flight; or at once
        /// when something went wrong, or after 12 s whatever the count (the test then fails on it).
        func readyToKill(after start: ContinuousClock.Instant) -> Bool {
            let elapsed = ContinuousClock.now - start
            return self.state.withLock { state in
                !state.surprises.isEmpty || elapsed > .seconds(12) || (elapsed > .milliseconds(1500) && state.sales.count >= 20 && state.postsInFlight > 0)
            }
        }
    }
}
