// What the harness sends: prebuilt request bytes per scenario, and for ping → post the post that
// follows a ping's answer.
import NIOCore

/// The kinds of request whose latencies are kept apart.
enum RequestKind: String, CaseIterable, Codable, Sendable {
    case hello, healthz, ping, post, inbound
}

/// One request ready to write: raw HTTP/1.1 bytes.
struct Outgoing: Sendable {
    var kind: RequestKind
    var bytes: ByteBuffer
}

/// Everything the open-loop engine needs to know about a scenario. Immutable and shared by all
/// event loops.
struct Workload: Sendable {
    var name: String
    var host: String
    var port: Int
    /// The request sent at each tick of the schedule.
    var scheduled: Outgoing
    /// ping → post: after each ping answer with a bid, post a lead to the best bid.
    var postsAfterPing: Bool = false
    var complianceKey: String = ""
    /// ping-rtb: ping answers slower than this since their actual send are counted as late.
    var lateAfterNanoseconds: UInt64?
    /// inbound: each tick sends a distinct lead (its own phone and email), so dedup does not turn
    /// the run into a stream of duplicates; the API key goes in X-API-Key.
    var inboundAPIKey: String?
    /// Keep the `lead_id` of every lead the server acknowledged (posts and inbound leads answered 2xx).
    var recordsAcknowledgedLeads = false

    var keepsBodies: Bool { postsAfterPing || recordsAcknowledgedLeads }

    static func request(method: String, path: String, host: String, port: Int, headers: [(String, String)] = [], body: String? = nil) -> ByteBuffer {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        return ByteBuffer(string: text)
    }

    /// The request for schedule slot `serial`: the same bytes every time, except for inbound leads.
    func outgoing(serial: Int) -> Outgoing {
        guard let apiKey = self.inboundAPIKey else { return self.scheduled }
        let phone = 2_000_000 + serial % 8_000_000
        let json = """
            {"first_name":"Jane","last_name":"Doe","email":"inbound\(serial)@example.com","phone":"+1702\(phone)",\
            "state":"NV","zip_code":"89101","campaign_type":"legal_pi","source":"loadtest",\
            "consent":{"consent_type":"tcpa_express_written","consent_text":"I agree to be contacted by phone and email.",\
            "ip_address":"203.0.113.42","page_url":"https://example.com/intake","user_agent":"ezleeds-load"}}
            """
        return Outgoing(
            kind: .inbound,
            bytes: Self.request(method: "POST", path: "/api/v1/leads/inbound", host: host, port: port, headers: [("X-API-Key", apiKey)], body: json)
        )
    }

    /// The post that follows a ping's answer, or nil when the ping found no bid.
    /// `serial` makes each lead's phone and email distinct.
    func post(after answer: Answer, serial: Int) -> Outgoing? {
        guard answer.status == 200, let body = answer.body,
              let pingID = Self.firstString(after: "\"ping_id\"", in: body),
              let buyerID = Self.firstString(after: "\"buyer_id\"", in: body)
        else { return nil }
        let phone = 2_000_000 + serial % 8_000_000
        let json = """
            {"ping_id":"\(pingID)","buyer_id":"\(buyerID)",\
            "lead":{"first_name":"Jane","last_name":"Doe","phone":"+1702\(phone)","email":"load\(serial)@example.com",\
            "state":"NV","zip_code":"89101"},\
            "consent":{"consent_type":"tcpa_express_written","consent_text":"I agree to be contacted by phone and email.",\
            "ip_address":"203.0.113.42","page_url":"https://example.com/intake","user_agent":"ezleeds-load"}}
            """
        let bytes = Self.request(
            method: "POST", path: "/api/v1/pingpost/post", host: host, port: port,
            headers: [("X-Compliance-API-Key", complianceKey)], body: json)
        return Outgoing(kind: .post, bytes: bytes)
    }

    /// The string value of the first `key` in a JSON text. The ping answer has `ping_id` once and
    /// the best bid's `buyer_id` first, so a scan is enough and far cheaper than decoding.
    static func firstString(after key: String, in body: ByteBuffer) -> String? {
        let bytes = body.readableBytesView
        let needle = Array(key.utf8)
        guard let start = bytes.firstRange(of: needle)?.upperBound else { return nil }
        var i = start
        while i < bytes.endIndex, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ":") { i += 1 }
        guard i < bytes.endIndex, bytes[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        guard let end = bytes[i...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: bytes[i..<end], as: UTF8.self)
    }
}
