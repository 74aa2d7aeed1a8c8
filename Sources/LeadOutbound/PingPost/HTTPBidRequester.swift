import AsyncHTTPClient
import Foundation
import LeadEngine
import NIOCore
import NIOHTTP1

/// The buyer bid protocol over HTTP: a signed JSON POST to the buyer's `bid_url`, answered with
/// `{"bid_cents": N, "exclusivity": …}`, 204, or `{"bid_cents": 0}`. Every failure becomes a typed
/// no-bid answer; nothing here throws.
public struct HTTPBidRequester: BidRequester {
    /// A bid answer is a few bytes; anything longer is not one.
    static let maxAnswerBytes = 16 * 1024

    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// A client tuned for bid calls: pooled keep-alive connections, no redirects (a bid endpoint that
    /// redirects is misconfigured, and following it would leave the buyer's host).
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(2), read: .seconds(2)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
        configuration.decompression = .disabled
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func requestBid(from buyer: Buyer, payload: BidRequestPayload, timeoutMilliseconds: Int) async -> BidAnswer {
        guard let url = buyer.bidURL else { return .failed(.unreachable, detail: "no bid_url") }
        let body = payload.json()
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = [
            "Content-Type": "application/json",
            "User-Agent": "ezleeds-bidder/1",
            "X-EZLeeds-Ping-Id": payload.pingID,
        ]
        if let secret = buyer.webhookSecret {
            request.headers.add(name: "X-EZLeeds-Signature", value: WebhookSignature.ezleeds(body: body, secret: secret))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await self.client.execute(request, timeout: .milliseconds(Int64(timeoutMilliseconds)))
            switch response.status.code {
            case 204:
                return .declined
            case 200:
                let answer = try await response.body.collect(upTo: Self.maxAnswerBytes)
                return Self.parseAnswer(answer)
            default:
                return .failed(.httpError, detail: "status \(response.status.code)")
            }
        } catch {
            return Self.classify(error)
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

    static func classify(_ error: any Error) -> BidAnswer {
        if error is CancellationError { return .failed(.timeout, detail: "cut off at the deadline") }
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [.deadlineExceeded, .readTimeout, .connectTimeout, .cancelled, .writeTimeout]
            if timeouts.contains(error) { return .failed(.timeout, detail: "\(error)") }
            if error == .bodyLengthMismatch || error == .invalidProxyResponse { return .failed(.badResponse, detail: "\(error)") }
            return .failed(.unreachable, detail: "\(error)")
        }
        if error is NIOTooManyBytesError { return .failed(.badResponse, detail: "answer longer than \(Self.maxAnswerBytes) bytes") }
        return .failed(.unreachable, detail: "\(error)")
    }
}
