import AsyncHTTPClient
import Foundation
import LeadEngine
import NIOCore
import NIOHTTP1

/// The buyer bid protocol over HTTP: a signed JSON POST to the buyer's `bid_url`, answered with
/// `{"bid_cents": N, "exclusivity": …}`, 204, or `{"bid_cents": 0}`. Every failure becomes a typed
/// no-bid answer; nothing here throws. Requests go over `BidConnectionPool`'s keep-alive
/// connections, never redirected (a bid endpoint that redirects is misconfigured, and following it
/// would leave the buyer's host).
public struct HTTPBidRequester: BidRequester {
    /// A bid answer is a few bytes; anything longer is not one.
    static let maxAnswerBytes = 16 * 1024

    let pool: BidConnectionPool

    public init(pool: BidConnectionPool) {
        self.pool = pool
    }

    public func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer {
        guard let url = buyer.bidURL else { return .failed(.unreachable, detail: "no bid_url") }
        let body = payload.json()
        let signature = buyer.webhookSecret.map { WebhookSignature.ezleeds(body: body, secret: $0) }
        return await self.pool.exchange(
            url: url,
            head: { target in
                var headers = HTTPHeaders()
                headers.reserveCapacity(7)
                headers.add(name: "Host", value: target.hostHeader)
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(body.count))
                headers.add(name: "User-Agent", value: "ezleeds-bidder/1")
                headers.add(name: "X-EZLeeds-Ping-Id", value: payload.pingID)
                if let signature { headers.add(name: "X-EZLeeds-Signature", value: signature) }
                return HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path, headers: headers)
            },
            body: ByteBuffer(bytes: body), timeout: .milliseconds(Int64(timeoutMilliseconds))
        )
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
