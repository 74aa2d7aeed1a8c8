import LeadEngine
import NIOCore

/// Sends the sample `lead.delivered` event to a URL anyone may give (`/webhook-test/send`), signed
/// exactly as a real delivery (the same headers, from `HTTPLeadDeliverer`), and reports what came
/// back. The URL gets the outbound target policy like every other: refused before anything is sent
/// when the URL alone breaks it, and at connect when its host resolves to an address it refuses.
/// Redirects are reported, never followed; the whole exchange, connecting included, has `timeout`.
public struct WebhookTestSender: Sendable {
    public static let defaultTimeout: TimeAmount = .seconds(5)
    /// How much of the endpoint's body the report shows; the rest is read and dropped.
    public static let maxBodyBytes = 1024

    let pool: OutboundConnectionPool
    let timeout: TimeAmount

    /// `pool` should be the tester's own: a public endpoint must not share, or trip the breakers
    /// of, the connections buyers' deliveries use.
    public init(pool: OutboundConnectionPool, timeout: TimeAmount = Self.defaultTimeout) {
        self.pool = pool
        self.timeout = timeout
    }

    public func send(to url: String, secret: String, nowMilliseconds: Int64) async -> Outcome {
        // The policy's checks that need no look-up, here for their typed reason; the pool repeats them.
        let target: OutboundURL
        switch OutboundURL.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let refusal): return .refused(refusal)
        }
        if let refusal = self.pool.gate.policy.check(target) { return .refused(refusal) }

        let delivery = SampleDelivery.delivery(to: url, nowMilliseconds: nowMilliseconds)
        let headers = HTTPLeadDeliverer.headers(for: delivery, secret: secret, timestampSeconds: nowMilliseconds / 1000)
        let signature = headers.first { $0.name == "X-EZLeeds-Signature" }?.value ?? ""
        let payload = delivery.payload
        let call = OutboundCall(url: url, timeout: self.timeout, maxBodyBytes: Self.maxBodyBytes, truncatesLongBodies: true) { target in
            HTTPPost.encode(to: target, headers: headers, body: payload)
        }
        let started = ContinuousClock.now
        let answer = await self.pool.exchange(call)
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let latency = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        var report = Report(webhookID: delivery.id, statusCode: nil, responseBody: nil, latencyMilliseconds: latency, signatureSent: signature, error: nil)
        switch answer {
        case .response(let status, let body):
            report.statusCode = status
            // Lossy: a body cut inside a character, or not UTF-8 at all, still shows.
            report.responseBody = body.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
        case .failed(.targetNotAllowed, let detail):
            // Only an address can be refused at connect: the URL itself passed above.
            return .refused(TargetRefusal(.addressNotAllowed, Self.withoutReasonPrefix(detail)))
        case .failed(let failure, let detail):
            report.error = "\(failure.rawValue): \(detail)"
        }
        return .sent(report)
    }

    /// The pool reports a refusal as `reason: detail`.
    static func withoutReasonPrefix(_ detail: String) -> String {
        let prefix = TargetRefusal.Reason.addressNotAllowed.rawValue + ": "
        return detail.hasPrefix(prefix) ? String(detail.dropFirst(prefix.count)) : detail
    }

    public enum Outcome: Sendable, Equatable {
        /// The outbound target policy refused the URL: nothing was sent.
        case refused(TargetRefusal)
        /// The request went out, or was tried: what came back, or why nothing did.
        case sent(Report)
    }

    /// One test delivery as the endpoint answered it.
    public struct Report: Sendable, Equatable {
        /// The `webhook-id` sent, `msg_test_…`.
        public var webhookID: String
        /// Nil when no HTTP answer came (refused connection, reset, timeout).
        public var statusCode: Int?
        /// At most `maxBodyBytes` of the body, decoded as UTF-8 with replacement characters; nil when no answer came.
        public var responseBody: String?
        public var latencyMilliseconds: Int
        /// The `X-EZLeeds-Signature` value sent, `sha256=…`.
        public var signatureSent: String
        /// Why no answer came, when none did.
        public var error: String?

        /// Only a 2xx: a redirect is not followed, so it did not reach the endpoint that would take the lead.
        public var success: Bool { self.statusCode.map { (200..<300).contains($0) } ?? false }
    }
}
