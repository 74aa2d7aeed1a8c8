import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import LeadOutbound
import NIOCore
import Synchronization

/// A Twilio-style SMS API on 127.0.0.1: takes `POST /2010-04-01/Accounts/{sid}/Messages.json` with
/// HTTP Basic auth and a form body, decoded here with Foundation's own percent-decoding, and
/// answers from a script (then 201 with a message SID, as Twilio does).
struct SMSProviderFake {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "fake_auth_token"
    static let from = "+15005550006"

    struct Received: Sendable, Equatable {
        var path: String
        var authorization: String?
        var contentType: String?
        var form: [String: String]
    }

    final class State: Sendable {
        let received = Mutex<[Received]>([])
        /// Status and body of the next answers, in order.
        let script = Mutex<[(Int, String)]>([])
        /// How long each answer takes.
        let answerDelay = Mutex<Duration>(.zero)
    }

    let state = State()

    var app: some ApplicationProtocol {
        let router = Router()
        let state = self.state
        router.post("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            var request = request
            let body = String(decoding: try await request.collectBody(upTo: 1 << 20).readableBytesView, as: UTF8.self)
            var components = URLComponents()
            components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
            var form: [String: String] = [:]
            for item in components.queryItems ?? [] { form[item.name] = item.value ?? "" }
            let received = Received(
                path: request.uri.path, authorization: request.headers[.authorization], contentType: request.headers[.contentType], form: form
            )
            let count = state.received.withLock { list in
                list.append(received)
                return list.count
            }
            let delay = state.answerDelay.withLock { $0 }
            if delay > .zero { try await Task.sleep(for: delay) }
            let (status, text) = state.script.withLock { $0.isEmpty ? (201, #"{"sid": "SM\#(count)", "status": "queued"}"#) : $0.removeFirst() }
            return Response(
                status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    var received: [Received] { self.state.received.withLock { $0 } }

    /// The account as the server is configured with it, the API at `url`.
    static func account(url: String) -> TwilioSMSSender.Account {
        TwilioSMSSender.Account(apiURL: url, accountSID: Self.accountSID, authToken: Self.authToken, from: Self.from)
    }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        try await self.app.test(.live) { client in try await body("http://127.0.0.1:\(client.port ?? 0)") }
    }
}

/// The operator's dialer on 127.0.0.1: checks both signatures of each call task with HMAC code of
/// its own and keeps the tasks.
struct DialerReceiver {
    static let secret = "dialer_secret_for_tests"

    final class State: Sendable {
        let tasks = Mutex<[[String: JSONValue]]>([])
        let ids = Mutex<[String]>([])
        let badSignatures = Mutex(0)
    }

    let state = State()

    var app: some ApplicationProtocol {
        let router = Router()
        let state = self.state
        router.post("calls") { request, _ in
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
            if case .object(let task) = try JSONParser.parse(String(decoding: bytes, as: UTF8.self)) {
                state.tasks.withLock { $0.append(task) }
                state.ids.withLock { $0.append(id) }
            }
            return Response(status: .accepted)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        try await self.app.test(.live) { client in try await body("http://127.0.0.1:\(client.port ?? 0)/calls") }
    }
}
