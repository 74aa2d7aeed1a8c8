import Foundation
import LeadEngine
import NIOCore

/// The buyer bid protocol over HTTP: a signed JSON POST to the buyer's `bid_url`, answered with
/// `{"bid_cents": N, "exclusivity": …}`, 204, or `{"bid_cents": 0}`. Every failure becomes a typed
/// no-bid answer; nothing here throws. Requests go over `OutboundConnectionPool`'s keep-alive
/// connections, through the outbound target policy, never redirected (a bid endpoint that
/// redirects is misconfigured, and following it would leave the buyer's host).
public struct HTTPBidRequester: BidRequester {
    /// A bid answer is a few bytes; anything longer is not one.
    static let maxAnswerBytes = 16 * 1024

    let pool: OutboundConnectionPool

    public init(pool: OutboundConnectionPool) {
        self.pool = pool
    }

    public func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer {
        guard let call = Self.call(to: buyer, payload: payload, body: payload.json(), timeoutMilliseconds: timeoutMilliseconds) else {
            return .failed(.unreachable, detail: "no bid_url")
        }
        return Self.bidAnswer(await self.pool.exchange(call))
    }

    /// One round for the whole ping: no task per bidder. Every request has its own timer, none
    /// later than the deadline, so every answer is in by then.
    public func requestBids(
        from buyers: [Buyer], payload: BidRequestPayload, timeoutsMilliseconds: [Int], deadline: ContinuousClock.Instant
    ) async -> [TimedBidAnswer?] {
        let body = payload.json()
        var calls: [OutboundCall] = []
        calls.reserveCapacity(buyers.count)
        var indices: [Int] = []
        var answers = [TimedBidAnswer?](repeating: nil, count: buyers.count)
        for (index, buyer) in buyers.enumerated() {
            if let call = Self.call(to: buyer, payload: payload, body: body, timeoutMilliseconds: timeoutsMilliseconds[index]) {
                calls.append(call)
                indices.append(index)
            } else {
                answers[index] = TimedBidAnswer(answer: .failed(.unreachable, detail: "no bid_url"), answeredAt: .now)
            }
        }
        for (offset, timed) in await self.pool.exchange(calls).enumerated() {
            answers[indices[offset]] = TimedBidAnswer(answer: Self.bidAnswer(timed.answer), answeredAt: timed.answeredAt)
        }
        return answers
    }

    /// The signed POST of the payload to the buyer's bid_url; nil without one. Every header value
    /// is ours (host from a parsed URL, hex ids and signatures), so the head is written directly.
    static func call(to buyer: Buyer, payload: BidRequestPayload, body: [UInt8], timeoutMilliseconds: Int) -> OutboundCall? {
        guard let url = buyer.bidURL else { return nil }
        let signature = buyer.webhookSecret.map { WebhookSignature.ezleeds(body: body, secret: $0) }
        let pingID = payload.pingID
        return OutboundCall(url: url, timeout: .milliseconds(Int64(timeoutMilliseconds)), maxBodyBytes: Self.maxAnswerBytes) { target in
                var request = ByteBuffer()
                request.reserveCapacity(256 + body.count)
                request.writeString("POST ")
                request.writeString(target.requestTarget)
                request.writeString(" HTTP/1.1\r\nHost: ")
                request.writeString(target.hostHeader)
                request.writeString("\r\nContent-Type: application/json\r\nContent-Length: ")
                request.writeString(String(body.count))
                request.writeString("\r\nUser-Agent: ezleeds-bidder/1\r\nX-EZLeeds-Ping-Id: ")
                request.writeString(pingID)
                if let signature {
                    request.writeString("\r\nX-EZLeeds-Signature: ")
                    request.writeString(signature)
                }
                request.writeString("\r\n\r\n")
                request.writeBytes(body)
                return request
        }
    }

    /// The bid protocol's reading of an answer: 204 declines, 200 carries the bid, any other status is an error.
    static func bidAnswer(_ answer: OutboundAnswer) -> BidAnswer {
        switch answer {
        case .response(status: 204, _): return .declined
        case .response(status: 200, let body): return Self.parseAnswer(body ?? ByteBuffer())
        case .response(let status, _): return .failed(.httpError, detail: "status \(status)")
        case .failed(let failure, let detail):
            let reason: NoBidReason =
                switch failure {
                case .timeout, .timeoutBeforeSending: .timeout
                case .unreachable, .notConnected: .unreachable
                case .badResponse: .badResponse
                case .targetNotAllowed: .targetNotAllowed
                }
            return .failed(reason, detail: detail)
        }
    }

    /// Reads a 200 answer. Anything but an object with a non-negative integer `bid_cents` (and,
    /// optionally, `exclusivity` of `shared` or `exclusive`) is a bad response.
    public static func parseAnswer(_ buffer: ByteBuffer) -> BidAnswer {
        let parsed = buffer.withUnsafeReadableBytes { bytes in Result { () throws(JSONParser.SyntaxError) in try JSONParser.parse(bytes) } }
        guard case .success(.object(let object)) = parsed else { return .failed(.badResponse, detail: "not a JSON object") }
        guard case .integer(let cents) = object["bid_cents"] ?? .null, cents >= 0 else {
            return .failed(.badResponse, detail: "bid_cents must be a non-negative integer")
        }
        var exclusivity: Exclusivity?
        switch object["exclusivity"] {
        case nil, .null?: exclusivity = nil
        case .string(let raw)?:
            guard let value = Exclusivity(rawValue: raw) else { return .failed(.badResponse, detail: "exclusivity must be shared or exclusive") }
            exclusivity = value
        default: return .failed(.badResponse, detail: "exclusivity must be shared or exclusive")
        }
        return cents == 0 ? .declined : .bid(cents: cents, exclusivity: exclusivity)
    }
}
