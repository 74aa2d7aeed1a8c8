import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import NIOCore
import Synchronization

/// Real-time bidders on 127.0.0.1, one path each, for the ping tests. Every request's signature is
/// checked with HMAC code of its own (not the server's signer); a bad one is answered 401.
struct BidServer {
    static let secret = "whsec_bidder_secret"

    /// What the bidders received, for the tests to inspect.
    final class Received: Sendable {
        let bodies = Mutex<[String: [String: JSONValue]]>([:])
        let badSignatures = Mutex(0)
    }

    let received = Received()

    var app: some ApplicationProtocol {
        let router = Router()
        let received = self.received
        let bidders: [(String, @Sendable () async throws -> Response)] = [
            ("fast", { Self.json(#"{"bid_cents": 40000, "exclusivity": "exclusive"}"#) }),
            ("greedy", { Self.json(#"{"bid_cents": 9999999}"#) }),
            ("slow", {
                try await Task.sleep(for: .seconds(4))
                return Self.json(#"{"bid_cents": 80000}"#)
            }),
            ("garbage", { Self.json("certainly not json") }),
            ("broken", { Response(status: .internalServerError) }),
            ("pass", { Response(status: .noContent) }),
            ("zero", { Self.json(#"{"bid_cents": 0}"#) }),
        ]
        for (name, answer) in bidders {
            router.post("bid/\(name)") { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 16)
                let bytes = Array(body.readableBytesView)
                let expected = "sha256=" + HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Array(Self.secret.utf8)))
                    .map { String(format: "%02x", $0) }.joined()
                guard request.headers[HTTPField.Name("X-EZLeeds-Signature")!] == expected else {
                    received.badSignatures.withLock { $0 += 1 }
                    return Response(status: .unauthorized)
                }
                if case .object(let object) = try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) {
                    received.bodies.withLock { $0[name] = object }
                }
                return try await answer()
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs `body` with the bidders listening; hands it their base URL.
    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        try await self.app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)/bid")
        }
    }
}
