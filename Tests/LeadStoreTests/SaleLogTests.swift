import Foundation
import GRDB
import LeadEngine
import LeadStoreRecords
import Synchronization
import Testing

@testable import LeadStore

@Suite("The sale log: a sale committed as one record, filled into its tables behind the answer")
struct SaleLogTests {
    static let now: Int64 = Times.base

    /// A sale as a post makes it, with every optional part filled in and text a codec could trip on.
    static func sale(_ n: Int, buyerID: String = "b1", priceCents: Int64 = 2_500) -> SaleRecord {
        let leadID = "lead_\(n)"
        let at = Date(epochMilliseconds: Self.now + Int64(n))
        let bid = Bid(buyerID: buyerID, buyerName: "Büyer \"One\"", bidCents: priceCents, exclusivity: .shared, source: .realTime, responseMilliseconds: 17)
        var ping = Ping(
            id: "ping_\(n)", tenantID: "ten_1",
            request: PingRequest(campaignType: .legalPI, state: "CA", zipCode: "90210", source: "seller ☀︎", tmaxMilliseconds: 150, listedOnDoNotCall: false),
            floorPriceCents: 100, bids: [bid],
            outcomes: [
                BuyerOutcome(bid: bid), BuyerOutcome(buyerID: "b9", buyerName: "", result: .noBid(.belowFloor, detail: "bid 50 < floor 100"), responseMilliseconds: 3),
                BuyerOutcome(buyerID: "b8", buyerName: "Other", result: .noBid(.paused, detail: nil)),
            ],
            createdAtMilliseconds: Self.now - 1_000, outrankedStaticBuyers: 12
        )
        ping.soldTo = [buyerID]
        let consent = Consent(
            consentType: .tcpaExpressWritten, consentText: "I agree — to be called.\n", ipAddress: "203.0.113.9", pageURL: "https://x.test/f?a=1&b=2",
            userAgent: nil
        )
        let certificate = ConsentCertificate(
            id: "cert_\(n)", tenantID: "ten_1", leadID: leadID, consent: consent, createdAt: Date(epochMilliseconds: Self.now / 1000 * 1000),
            hash: "sha256:ab", signature: "c2ln", keyID: "key_1"
        )
        let lead = Lead(
            id: leadID, tenantID: "ten_1", pingID: ping.id, buyerID: buyerID, campaignType: .legalPI, source: "seller ☀︎",
            contact: LeadContact(firstName: "Zoë", lastName: "O'Brien", phone: "+17025550100", email: "zoe@example.test", state: "CA", zipCode: "90210"),
            status: .sold, score: 71, soldPriceCents: priceCents, consentCertificateID: certificate.id, soldAt: at, createdAt: at
        )
        var sale = SaleRecord(
            ping: ping, lead: lead, certificate: certificate, saleID: "sale_\(n)", campaignID: nil, priceCents: priceCents, responseMilliseconds: 17,
            chargeID: "txn_\(n)",
            delivery: Delivery(
                id: "del_\(n)", tenantID: "ten_1", leadID: leadID, buyerID: buyerID, url: "https://buyer.test/hook",
                payload: Delivery.leadDeliveredPayload(lead: lead, at: at), status: .pending, nextAttemptAtMilliseconds: Self.now + 60_000,
                createdAtMilliseconds: Self.now
            )
        )
        sale.doNotCall = DoNotCallMatch(federal: true, state: false, internalList: false, listsNotLoaded: ["state:CA"])
        sale.scored = LeadEvent(.scored, detail: ["score": 71, "signals": ["phone": .bool(true), "note": "ünïcode"]], at: at)
        return sale
    }

    /// The tenant, buyer b1 and the signing key the sales' certificates name.
    static func prepare(_ database: LeadDatabase) async throws {
        try await Fixtures.insertTenants(["ten_1"], into: database)
        try await SQLiteBuyerRepository(database: database).insert(Fixtures.buyer("b1", tenantID: "ten_1"))
        try await database.writer.write { db in
            try db.execute(sql: "INSERT INTO signing_keys (id, private_key, created_at) VALUES ('key_1', zeroblob(32), 0)")
        }
    }

    static func expectSame(_ read: SaleRecord, _ written: SaleRecord) {
        #expect(read.ping == written.ping)
        #expect(read.lead == written.lead)
        #expect(read.certificate == written.certificate)
        #expect(read.delivery == written.delivery)
        #expect(read.doNotCall == written.doNotCall)
        #expect(read.scored == written.scored)
        #expect(read.saleID == written.saleID && read.chargeID == written.chargeID && read.campaignID == written.campaignID)
        #expect(read.priceCents == written.priceCents && read.responseMilliseconds == written.responseMilliseconds && read.leadIsNew == written.leadIsNew)
    }

    @Test("a record reads back exactly as written, with and without its optional parts")
    func roundTrip() throws {
        let full = Self.sale(1)
        Self.expectSame(try SaleLogRecord.decode(SaleLogRecord.encode(full)), full)
        var bare = Self.sale(2, priceCents: 0)
        bare.certificate = nil
        bare.doNotCall = nil
        bare.scored = nil
        bare.campaignID = "cmp_1"
        bare.ping.outcomes = []
        bare.lead.score = nil
        bare.lead.rejectionReasons = [QualificationFailure(field: "email", code: "invalid", message: "is not an address")]
        bare.delivery.url = nil
        bare.delivery.status = .notConfigured
        bare.delivery.nextAttemptAtMilliseconds = nil
        Self.expectSame(try SaleLogRecord.decode(SaleLogRecord.encode(bare)), bare)
        // A full record is far smaller than the rows it fills (2.2 KB of outcomes JSON alone for a ping among 1,000 buyers).
        #expect(SaleLogRecord.encode(full).count < 1_600)
    }

    @Test("every truncation, a record of another layout and trailing bytes are refused, never misread")
    func corruptRecords() throws {
        let bytes = SaleLogRecord.encode(Self.sale(1))
        for length in 0..<bytes.count {
            #expect(throws: (any Error).self) { try SaleLogRecord.decode(Array(bytes[0..<length])) }
        }
        var otherVersion = bytes
        otherVersion[0] = 4  // zig-zag 2
        #expect(throws: CorruptRecord.self) { try SaleLogRecord.decode(otherVersion) }
        #expect(throws: CorruptRecord.self) { try SaleLogRecord.decode(bytes + [0]) }
    }

    @Test("a logged sale is in no table until folded; the fold fills them all, empties the log, and folds nothing twice")
    func foldFillsTables() async throws {
        try await withTemporaryDatabase { database in
            try await Self.prepare(database)
            let log = SQLiteSaleLog(database: database)
            let first = try await log.append(Self.sale(1))
            let second = try await log.append(Self.sale(2))
            #expect(second > first)
            let leads = SQLiteLeadRepository(database: database)
            #expect(try await leads.lead(id: "lead_1", tenantID: "ten_1") == nil)
            #expect(try await log.backlog() == 2)

            let fold = try await log.materialise(limit: 64)
            #expect(fold == SaleLogFold(materialised: 2, through: second))
            #expect(try await log.backlog() == 0)
            #expect(try await leads.lead(id: "lead_1", tenantID: "ten_1") == Self.sale(1).lead)
            let counts = try await database.writer.read { db in
                try ["sales", "ledger_entries", "deliveries", "consent_certificates", "pings", "lead_events"].map { table in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1
                }
            }
            // Four events a lead: received, consent certified, do-not-call checked, scored; and sold.
            #expect(counts == [2, 2, 2, 2, 2, 10])
            let balance = try await database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT balance_cents FROM buyers WHERE id = 'b1'") }
            #expect(balance == -5_000)
            #expect(try await log.materialise(limit: 64) == SaleLogFold(materialised: 0, through: nil))
            #expect(try await SQLiteLedgerRepository(database: database).verify().mismatches.isEmpty)
            // Positions never go back, even once the log is empty.
            #expect(try await log.append(Self.sale(3)) > second)
        }
    }

    @Test("a store closed with sales still logged fills them in when reopened, once")
    func replayAfterReopen() async throws {
        let file = TemporaryDatabaseFile()
        defer { file.remove() }
        try MigratedDatabaseTemplate.copy(to: file.path)
        do {
            let database = try await LeadDatabase.open(path: file.path)
            try await Self.prepare(database)
            let log = SQLiteSaleLog(database: database)
            for n in 1...130 { _ = try await log.append(Self.sale(n)) }
            // One fold of 64 ran before the "crash"; the rest stays logged.
            #expect(try await log.materialise(limit: 64).materialised == 64)
            try database.close()
        }
        let database = try await LeadDatabase.open(path: file.path)
        let materialiser = SaleMaterialiser(log: SQLiteSaleLog(database: database))
        #expect(try await materialiser.catchUp() == 66)
        #expect(try await materialiser.catchUp() == 0)
        let sales = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sales") }
        #expect(sales == 130)
        #expect(try await SQLiteLedgerRepository(database: database).verify().mismatches.isEmpty)
        try database.close()
    }

    @Test("a sale the tables refuse is kept aside with its reason and reported; the sales after it are filled in")
    func refusedSaleKeptAside() async throws {
        try await withTemporaryDatabase { database in
            try await Self.prepare(database)
            let reported = ReportedSales()
            let materialiser = SaleMaterialiser(log: SQLiteSaleLog(database: database)) { reported.add($0) }
            _ = try await materialiser.append(Self.sale(1))
            // A buyer the store does not know: the charge cannot be booked.
            _ = try await materialiser.append(Self.sale(2, buyerID: "b_unknown"))
            let third = try await materialiser.append(Self.sale(3))
            try await materialiser.waitUntilMaterialised(third)
            #expect(reported.sales.map(\.leadID) == ["lead_2"])
            #expect(reported.sales.first?.reason.contains("FOREIGN KEY") == true)
            let (sold, refused) = try database.writer.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT lead_id FROM sales ORDER BY lead_id"),
                    try Row.fetchAll(db, sql: "SELECT * FROM sale_log_refused")
                )
            }
            #expect(sold == ["lead_1", "lead_3"])
            #expect(refused.count == 1)
            let kept: Data = refused[0]["record"]
            #expect(try SaleLogRecord.decode(Array(kept)).lead.id == "lead_2", "kept whole, readable")
            #expect(try await materialiser.backlog() == 0)
        }
    }

    @Test("200 concurrent posts and readers: each reader that waits for its sale finds it, and nothing is filled in twice")
    func concurrentAppendsAndReaders() async throws {
        try await withTemporaryDatabase { database in
            try await Self.prepare(database)
            let materialiser = SaleMaterialiser(log: SQLiteSaleLog(database: database), batch: 16)
            let leads = SQLiteLeadRepository(database: database)
            let found = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 1...200 {
                    group.addTask {
                        _ = try await materialiser.append(Self.sale(n))
                        try await materialiser.awaitAcknowledged()
                        return try await leads.lead(id: "lead_\(n)", tenantID: "ten_1") != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(found == 200)
            #expect(materialiser.isCaughtUp)
            let (sales, charges) = try await database.writer.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM sales"), try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_entries"))
            }
            #expect(sales == 200 && charges == 200)
        }
    }
}

private final class ReportedSales: Sendable {
    private let state = Mutex<[RefusedSale]>([])
    func add(_ sales: [RefusedSale]) { self.state.withLock { $0 += sales } }
    var sales: [RefusedSale] { self.state.withLock { $0 } }
}
