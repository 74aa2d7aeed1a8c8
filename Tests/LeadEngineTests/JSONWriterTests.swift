import Foundation
import LeadEngine
import Testing

@Suite("JSON writer: the hot answers without Codable")
struct JSONWriterTests {
    /// Strings a buyer name or source could hold, hostile ones included.
    static let hostileStrings: [String] = [
        "", "plain", "quote \" inside", "back\\slash", "\\\"", "line\nbreak", "\r\t\u{08}\u{0C}", "\u{00}\u{01}\u{1F}",
        "\u{7F} delete", "é ü ñ 中文 🙂", "\u{2028}\u{2029}", "</script>", "{\"injected\": true}", "trailing \\",
        String(repeating: "x\"", count: 500),
    ]

    @Test("every string, hostile or not, round-trips through JSONDecoder unchanged", arguments: Self.hostileStrings)
    func stringsRoundTrip(value: String) throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key(value)
        writer.string(value)
        writer.endObject()
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(writer.bytes))
        #expect(decoded == [value: value])
        // Our own strict parser agrees.
        let parsed = try writer.bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(parsed == .object([value: .string(value)]))
    }

    @Test("control characters are escaped, never written raw")
    func controlCharactersEscaped() {
        var writer = JSONWriter()
        writer.string("a\u{00}b\u{1F}c\nd")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\u0000b\u001fc\nd""#)
        #expect(!writer.bytes.contains { $0 < 0x20 })
    }

    @Test("integers at the edges, nesting and commas")
    func structure() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("numbers")
        writer.beginArray()
        for value in [0, 1, -1, 9, 10, 123_456_789, Int64.max, Int64.min] { writer.integer(value) }
        writer.endArray()
        writer.key("empty")
        writer.beginObject()
        writer.endObject()
        writer.key("list")
        writer.beginArray()
        writer.beginArray()
        writer.endArray()
        writer.bool(true)
        writer.bool(false)
        writer.null()
        writer.endArray()
        writer.endObject()
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == #"{"numbers":[0,1,-1,9,10,123456789,9223372036854775807,-9223372036854775808],"empty":{},"list":[[],true,false,null]}"#
        )
    }

    @Test("timestamps match Foundation's RFC 3339 formatting, before and after 1970 and across leap days")
    func timestamps() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, -1, 999, 1000, -1000, -86_400_000, 951_782_400_000, 4_107_542_399_999, 1_776_000_000_123, -2_208_988_800_000]
        for _ in 0..<2000 { samples.append(Int64.random(in: -5_000_000_000_000...10_000_000_000_000, using: &generator)) }
        let style = Date.ISO8601FormatStyle(timeZone: .gmt)
        for milliseconds in samples {
            var writer = JSONWriter()
            writer.timestamp(milliseconds: milliseconds)
            // Whole seconds, rounded down, as the API shows times.
            let seconds = (Double(milliseconds) / 1000).rounded(.down)
            let expected = "\"" + Date(timeIntervalSince1970: seconds).formatted(style) + "\""
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected, "\(milliseconds)")
        }
    }

    @Test("a ping answer decodes to exactly the spec's shape")
    func pingAnswer() throws {
        let bids = (0..<10).map { index in
            Bid(buyerID: "buyer_\(index)", buyerName: "Buyer \"\(index)\" ünïcode", bidCents: Int64(5000 - index), exclusivity: index % 2 == 0 ? .shared : .exclusive, source: .static)
        }
        let ping = Ping(
            id: "ping_00abc", tenantID: "ten_1", request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s"),
            floorPriceCents: 250, bids: bids, outcomes: [], createdAtMilliseconds: 1_776_000_000_500
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ping.answerJSON())) as? [String: Any])
        #expect(Set(object.keys) == ["ping_id", "expires_at", "bids", "floor_price_cents"])
        #expect(object["ping_id"] as? String == "ping_00abc")
        #expect(object["expires_at"] as? String == "2026-04-12T13:21:00Z")
        #expect(object["floor_price_cents"] as? Int == 250)
        let answered = try #require(object["bids"] as? [[String: Any]])
        #expect(answered.count == 10)
        for (bid, answer) in zip(bids, answered) {
            #expect(Set(answer.keys) == ["buyer_id", "buyer_name", "bid_cents", "exclusivity"])
            #expect(answer["buyer_id"] as? String == bid.buyerID)
            #expect(answer["buyer_name"] as? String == bid.buyerName)
            #expect(answer["bid_cents"] as? Int == Int(bid.bidCents))
            #expect(answer["exclusivity"] as? String == bid.exclusivity.rawValue)
        }
    }

    @Test("a bid request carries exactly the protocol's fields, with a hostile source escaped")
    func bidRequest() throws {
        let payload = BidRequestPayload(
            pingID: "ping_01ff", campaignType: .autoInsurance, state: "TX", zipCode: "75001", source: "lp \"v3\"\n", floorPriceCents: 2500,
            expiresAtMilliseconds: 1_776_000_060_999, tmaxMilliseconds: 150
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.json())) as? [String: Any])
        #expect(Set(object.keys) == ["ping_id", "campaign_type", "state", "zip_code", "source", "floor_price_cents", "expires_at", "tmax_ms"])
        #expect(object["campaign_type"] as? String == "auto_insurance")
        #expect(object["source"] as? String == "lp \"v3\"\n")
        #expect(object["floor_price_cents"] as? Int == 2500)
        #expect(object["expires_at"] as? String == "2026-04-12T13:21:00Z")
        #expect(object["tmax_ms"] as? Int == 150)
    }

    @Test("the lead.delivered payload carries every documented field, nulls included, and escapes what a seller typed")
    func leadDeliveredPayload() throws {
        let contact = LeadContact(firstName: "Zoë \"Z\"", lastName: "O'Brien\\", phone: "+17025551234", email: "z@example.com", state: "NV", zipCode: "89101")
        var lead = Lead(
            id: "lead-1", tenantID: "ten_1", pingID: "ping_00a", buyerID: "buyer_1", campaignType: .legalPI, source: "s", contact: contact,
            status: .sold, soldPriceCents: 50000, consentCertificateID: "cert_1", createdAt: Date(epochMilliseconds: 1_776_000_000_999)
        )
        let parsed = try Delivery.leadDeliveredPayload(lead: lead, at: lead.createdAt).withUnsafeBytes { try JSONParser.parse($0) }
        let expected: JSONValue = [
            "event": "lead.delivered", "timestamp": "2026-04-12T13:20:00Z",
            "data": [
                "lead_id": "lead-1", "first_name": .string(contact.firstName), "last_name": .string(contact.lastName),
                "email": "z@example.com", "phone": "+17025551234", "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi",
                "score": .null, "consent_certificate_id": "cert_1", "sold_price_cents": .integer(50000),
            ],
        ]
        #expect(parsed == expected)
        lead.consentCertificateID = nil
        lead.soldPriceCents = nil
        let bare = try Delivery.leadDeliveredPayload(lead: lead, at: lead.createdAt).withUnsafeBytes { try JSONParser.parse($0) }
        guard case .object(let object) = bare, case .object(let data)? = object["data"] else {
            Issue.record("not an object: \(bare)")
            return
        }
        #expect(data["consent_certificate_id"] == .null)
        #expect(data["sold_price_cents"] == .null)
    }

    @Test("JSONValue.encoded writes what JSONEncoder writes: sorted keys, integral numbers as integers, escapes, null for NaN")
    func valueEncoding() throws {
        let value: JSONValue = [
            "zeta": 1, "alpha": [true, false, .null, .number(0.929), .number(5.0), .number(-1e-7), .integer(Int64.min)],
            "mid": ["nested \"quote\" \\ / \u{1}": .string("line\nbreak é 😀"), "empty": [:], "list": []],
            "nan": .number(.nan),
        ]
        let text = String(decoding: value.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"alpha":[true,false,null,0.929,5,-1e-07,-9223372036854775808],"mid":{"empty":{},"list":[],"#))
        #expect(text.hasSuffix(#""nan":null,"zeta":1}"#))
        #expect(try JSONParser.parse(text) == value.replacingNaN)
        // Nested deeper than the writer goes: the encoder takes over, and the value survives.
        var deep: JSONValue = "bottom"
        for _ in 0..<62 { deep = .array([deep]) }
        #expect(try JSONParser.parse(String(decoding: deep.encoded(), as: UTF8.self)) == deep)
    }
}

extension JSONValue {
    /// The value as it reads back: JSON has no NaN, so a NaN number is null.
    fileprivate var replacingNaN: JSONValue {
        switch self {
        case .number(let number) where number.isNaN: .null
        case .number(let number) where number.rounded() == number: .integer(Int64(number))
        case .array(let items): .array(items.map(\.replacingNaN))
        case .object(let members): .object(members.mapValues(\.replacingNaN))
        default: self
        }
    }
}
