import LeadEngine

/// A ping's outcomes as its row keeps them: every buyer considered, in order, with its bid's rank,
/// in `RecordCoding`'s compact form. The JSON it replaced spelled out seven field names per buyer,
/// 1.5 KB of a ping's 2.2 KB among 1,000 buyers, written for every ping at the engine's full rate.
package enum PingOutcomeRecord {
    static let version: Int64 = 1

    package static func encode(_ outcomes: [BuyerOutcome], ranks: [String: Int]) -> [UInt8] {
        var writer = RecordWriter(capacity: 8 + outcomes.count * 64)
        writer.integer(Self.version)
        writer.array(outcomes) { Self.write($1, rank: ranks[$1.buyerID], to: &$0) }
        return writer.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws -> [(outcome: BuyerOutcome, rank: Int?)] {
        var reader = RecordReader(bytes)
        guard try reader.integer() == Self.version else { throw CorruptRecord(at: 0) }
        let outcomes = try reader.array(Self.read)
        guard reader.isAtEnd else { throw CorruptRecord(at: bytes.count) }
        return outcomes
    }

    /// One buyer's outcome, and its bid's rank when it bid; the sale log writes a ping's outcomes
    /// with this too. A bid's buyer and response time are the outcome's, written once.
    package static func write(_ outcome: BuyerOutcome, rank: Int?, to writer: inout RecordWriter) {
        writer.string(outcome.buyerID)
        writer.string(outcome.buyerName)
        writer.optional(outcome.responseMilliseconds) { $0.integer($1) }
        switch outcome.result {
        case .bid(let bid):
            writer.bool(true)
            writer.optional(rank) { $0.integer($1) }
            writer.integer(bid.bidCents)
            writer.string(bid.exclusivity.rawValue)
            writer.string(bid.source.rawValue)
        case .noBid(let reason, let detail):
            writer.bool(false)
            writer.string(reason.rawValue)
            writer.optional(detail) { $0.string($1) }
        }
    }

    package static func read(_ reader: inout RecordReader) throws -> (outcome: BuyerOutcome, rank: Int?) {
        let buyerID = try reader.string()
        let buyerName = try reader.string()
        let response = try reader.optional { try $0.int() }
        guard try reader.bool() else {
            let result = BuyerOutcome.Result.noBid(try reader.raw(NoBidReason.self), detail: try reader.optional { try $0.string() })
            return (BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: result, responseMilliseconds: response), nil)
        }
        let rank = try reader.optional { try $0.int() }
        let bid = Bid(
            buyerID: buyerID, buyerName: buyerName, bidCents: try reader.integer(), exclusivity: try reader.raw(Exclusivity.self),
            source: try reader.raw(BidSource.self), responseMilliseconds: response ?? 0
        )
        return (BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid), responseMilliseconds: response), rank)
    }

    /// Outcomes from the JSON the `outcomes` column held before this record (rows written before
    /// 2026-12-04), each with its bid's rank; nil when the text is not such JSON.
    package static func decode(json text: String) -> [(outcome: BuyerOutcome, rank: Int?)]? {
        struct Malformed: Error {}
        guard case .array(let items) = try? JSONParser.parse(text) else { return nil }
        return try? items.map { item in
            guard case .object(let fields) = item, case .string(let buyerID)? = fields["buyer_id"],
                case .string(let buyerName)? = fields["buyer_name"]
            else { throw Malformed() }
            func integer(_ key: String) -> Int64? { if case .integer(let value)? = fields[key] { value } else { nil } }
            func string(_ key: String) -> String? { if case .string(let value)? = fields[key] { value } else { nil } }
            let response = integer("response_ms").map { Int($0) }
            if let cents = integer("bid_cents") {
                guard let exclusivity = string("exclusivity").flatMap(Exclusivity.init(rawValue:)),
                    let source = string("bid_source").flatMap(BidSource.init(rawValue:))
                else { throw Malformed() }
                let bid = Bid(buyerID: buyerID, buyerName: buyerName, bidCents: cents, exclusivity: exclusivity, source: source, responseMilliseconds: response ?? 0)
                let outcome = BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .bid(bid), responseMilliseconds: response)
                return (outcome, integer("bid_rank").map { Int($0) })
            }
            guard let reason = string("no_bid_reason").flatMap(NoBidReason.init(rawValue:)) else { throw Malformed() }
            return (BuyerOutcome(buyerID: buyerID, buyerName: buyerName, result: .noBid(reason, detail: string("detail")), responseMilliseconds: response), nil)
        }
    }
}
