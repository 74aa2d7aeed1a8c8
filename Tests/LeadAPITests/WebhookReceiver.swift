import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import NIOCore
import Synchronization

/// A buyer's CRM on 127.0.0.1 that takes lead deliveries. It checks both signatures with HMAC code
/// of its own, counts each webhook id, and can be taken down (503) and brought back.
struct WebhookReceiver {
    static let secret = "whsec_receiver_secret"

    final class State: Sendable {
        let up = Mutex(true)
        let deliveriesByID = Mutex<[String: Int]>([:])
        let payloads = Mutex<[[String: JSONValue]]>([])
        let badSignatures = Mutex(0)
        let refused = Mutex(0)
    }

    let state = State()

    var app: some ApplicationProtocol {
        let router = Router()
        let state = self.state
        router.post("hook") { request, _ in
            guard state.up.withLock({ $0 }) else {
                state.refused.withLock { $0 += 1 }
                return Response(status: .serviceUnavailable)
            }
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let key = SymmetricKey(data: Array(Self.secret.utf8))
            let hex = HMAC<SHA256>.authenticationCode(for: bytes, using: key).map { String(format: "%02x", $0) }.joined()
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let timestamp = request.headers[HTTPField.Name("webhook-timestamp")!] ?? ""
            let standard = "v1," + Data(HMAC<SHA256>.authenticationCode(for: Array("\(id).\(timestamp).".utf8) + bytes, using: key)).base64EncodedString()
            guard request.headers[HTTPField.Name("X-EZLeeds-Signature")!] == "sha256=" + hex,
                request.headers[HTTPField.Name("webhook-signature")!] == standard, !id.isEmpty
            else {
                state.badSignatures.withLock { $0 += 1 }
                return Response(status: .unauthorized)
            }
            state.deliveriesByID.withLock { $0[id, default: 0] += 1 }
            if case .object(let payload) = try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) {
                state.payloads.withLock { $0.append(payload) }
            }
            return Response(status: .ok)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        try await self.app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)/hook")
        }
    }
}
