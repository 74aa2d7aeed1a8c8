import Benchmark
import BenchmarkFixtures
import Foundation
import LeadEngine

/// JSON on the ping hot path: decoding and validating the seller's ping body, and encoding the
/// answer with its bids. Foundation's coders are measured on the same data as the reference.
let benchmarks: @Sendable () -> Void = {
    let pingBody = Array(
        #"{"campaign_type":"legal_pi","state":"NV","zip_code":"89101","source":"landing_page_v3","tmax_ms":300}"#.utf8
    )

    // The server's path: strict parse into `JSONValue`, read the fields, validate.
    Benchmark("Decode-ping-JSONParser-and-validated", configuration: SuiteConfiguration.configuration()) { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                let value = try pingBody.withUnsafeBytes { bytes throws(JSONParser.SyntaxError) in try JSONParser.parse(bytes) }
                blackHole(try PingBodyFields(value).validated())
            } catch {
                benchmark.error("the ping body did not decode: \(error)")
            }
        }
    }

    // Reference: Foundation's decoder into a Decodable struct, then the same validation.
    Benchmark("Decode-ping-Foundation-JSONDecoder-reference", configuration: SuiteConfiguration.configuration()) { benchmark in
        let decoder = JSONDecoder()
        let data = Data(pingBody)
        for _ in benchmark.scaledIterations {
            do {
                let body = try decoder.decode(PingBody.self, from: data)
                blackHole(
                    try PingRequest.validated(
                        campaignType: body.campaignType, state: body.state, zipCode: body.zipCode, source: body.source,
                        tmaxMilliseconds: body.tmaxMilliseconds
                    )
                )
            } catch {
                benchmark.error("the ping body did not decode: \(error)")
            }
        }
    }

    let answer = PingAnswer.sample(bidCount: 10)

    // Reference: Foundation's encoder on a Codable struct of the answer's exact shape.
    Benchmark("Encode-answer-10-bids-Foundation-JSONEncoder-reference", configuration: SuiteConfiguration.configuration()) {
        benchmark in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try encoder.encode(answer))
            } catch {
                benchmark.error("the answer did not encode: \(error)")
            }
        }
    }

    // The server's path: `JSONWriter` straight into bytes, through `Ping.answerJSON()`.
    let ping = answer.ping
    Benchmark("Encode-answer-10-bids-Ping.answerJSON-JSONWriter", configuration: SuiteConfiguration.configuration()) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ping.answerJSON())
        }
    }

    // The path before `JSONWriter`, still how the other answers are written: build a `JSONValue`
    // tree and encode it (JSONEncoder underneath, keys sorted).
    Benchmark("Encode-answer-10-bids-JSONValue.encoded", configuration: SuiteConfiguration.configuration()) {
        benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(answer.jsonValue.encoded())
        }
    }
}

/// The ping body as Foundation decodes it.
struct PingBody: Decodable {
    var campaignType: String?
    var state: String?
    var zipCode: String?
    var source: String?
    var tmaxMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case campaignType = "campaign_type"
        case state
        case zipCode = "zip_code"
        case source
        case tmaxMilliseconds = "tmax_ms"
    }
}

/// Reads the ping's fields out of a parsed body, as LeadAPI's (internal) `FieldReader` does.
struct PingBodyFields {
    struct NotAnObject: Error {}

    let object: [String: JSONValue]

    init(_ value: JSONValue) throws {
        guard case .object(let object) = value else { throw NotAnObject() }
        self.object = object
    }

    func string(_ field: String) -> String? {
        if case .string(let value) = self.object[field] { value } else { nil }
    }

    func int(_ field: String) -> Int? {
        if case .integer(let value) = self.object[field] { Int(exactly: value) } else { nil }
    }

    func validated() throws -> PingRequest {
        try PingRequest.validated(
            campaignType: self.string("campaign_type"), state: self.string("state"), zipCode: self.string("zip_code"),
            source: self.string("source"), tmaxMilliseconds: self.int("tmax_ms")
        )
    }
}

/// The answer to a ping, in the spec's shape.
struct PingAnswer: Encodable {
    struct Bid: Encodable {
        var buyerID: String
        var buyerName: String
        var bidCents: Int64
        var exclusivity: String

        enum CodingKeys: String, CodingKey {
            case buyerID = "buyer_id"
            case buyerName = "buyer_name"
            case bidCents = "bid_cents"
            case exclusivity
        }
    }

    /// The ping the answer is about, for `Ping.answerJSON()`.
    var ping: LeadEngine.Ping
    var pingID: String
    /// RFC 3339, whole seconds, UTC, as the server writes times.
    var expiresAt: String
    var bids: [Bid]
    var floorPriceCents: Int64

    enum CodingKeys: String, CodingKey {
        // `ping` is not encoded: it is the same answer in the engine's type.
        case pingID = "ping_id"
        case expiresAt = "expires_at"
        case bids
        case floorPriceCents = "floor_price_cents"
    }

    static func sample(bidCount: Int) -> PingAnswer {
        let floorCents: Int64 = 2_500
        let ranked = Auction.rank(MarketFixtures.buyerOutcomes(count: bidCount * 2), floorCents: floorCents, maxBids: bidCount)
        precondition(ranked.bids.count == bidCount, "the fixture must leave \(bidCount) bids")
        let ping = Ping(
            id: "ping_0a5c0e9a1f77b4d2a9c3e8f101", tenantID: MarketFixtures.tenantID,
            request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "landing_page_v3"),
            floorPriceCents: floorCents, bids: ranked.bids, outcomes: ranked.outcomes,
            createdAtMilliseconds: MarketFixtures.epochMilliseconds
        )
        return PingAnswer(
            ping: ping,
            pingID: ping.id,
            expiresAt: ping.expiresAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)),
            bids: ranked.bids.map {
                Bid(buyerID: $0.buyerID, buyerName: $0.buyerName, bidCents: $0.bidCents, exclusivity: $0.exclusivity.rawValue)
            },
            floorPriceCents: floorCents
        )
    }

    /// The answer as LeadAPI's `PingPostRoutes.answer` builds it for the ping detail page.
    var jsonValue: JSONValue {
        .object([
            "ping_id": .string(self.pingID),
            "expires_at": .string(self.expiresAt),
            "bids": .array(
                self.bids.map { bid in
                    .object([
                        "buyer_id": .string(bid.buyerID), "buyer_name": .string(bid.buyerName), "bid_cents": .integer(bid.bidCents),
                        "exclusivity": .string(bid.exclusivity),
                    ])
                }
            ),
            "floor_price_cents": .integer(self.floorPriceCents),
        ])
    }
}
