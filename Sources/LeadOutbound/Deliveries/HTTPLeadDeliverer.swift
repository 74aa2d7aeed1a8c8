import LeadEngine
import NIOCore

/// Posts `lead.delivered` events to buyers' webhooks (or a campaign's `delivery_webhook`), signed
/// both ways: the spec's `X-EZLeeds-Signature` and Standard Webhooks' `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`. Requests go over `OutboundConnectionPool`'s
/// keep-alive connections, so through the outbound target policy, and are never redirected (a
/// webhook that redirects is misconfigured, and following it would leave the buyer's host).
public struct HTTPLeadDeliverer: LeadDeliverer {
    let pool: OutboundConnectionPool

    public init(pool: OutboundConnectionPool) {
        self.pool = pool
    }

    public func deliver(_ delivery: Delivery, secret: String?, timeoutMilliseconds: Int, nowMilliseconds: Int64) async -> DeliveryAttempt {
        let started = ContinuousClock.now
        func attempt(status: Int?, reason: DeliveryFailure?, error: String?) -> DeliveryAttempt {
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            return DeliveryAttempt(
                attemptedAtMilliseconds: nowMilliseconds, statusCode: status, reason: reason, error: error,
                durationMilliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
            )
        }
        guard let url = delivery.url else { return attempt(status: nil, reason: .unreachable, error: "no webhook_url") }
        let headers = Self.headers(for: delivery, secret: secret, timestampSeconds: nowMilliseconds / 1000)
        let payload = delivery.payload
        // Only the status matters: the body is drained, never read.
        let call = OutboundCall(url: url, timeout: .milliseconds(Int64(timeoutMilliseconds)), maxBodyBytes: 0) { target in
            HTTPPost.encode(to: target, headers: headers, body: payload)
        }
        switch await self.pool.exchange(call) {
        case .response(let status, _) where (200..<300).contains(status):
            return attempt(status: status, reason: nil, error: nil)
        case .response(let status, _):
            return attempt(status: status, reason: .httpError, error: "status \(status)")
        case .failed(let failure, let detail):
            let reason: DeliveryFailure =
                switch failure {
                case .timeout, .timeoutBeforeSending: .timeout
                case .unreachable, .notConnected: .unreachable
                case .badResponse: .badResponse
                case .targetNotAllowed: .targetNotAllowed
                }
            return attempt(status: nil, reason: reason, error: detail)
        }
    }

    /// The delivery's headers: ours only (hex ids, digits, base64 and hex signatures).
    public static func headers(for delivery: Delivery, secret: String?, timestampSeconds: Int64) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "ezleeds-webhooks/1"),
            ("webhook-id", delivery.id),
            ("webhook-timestamp", String(timestampSeconds)),
        ]
        if let secret {
            headers.append(("X-EZLeeds-Signature", WebhookSignature.ezleeds(body: delivery.payload, secret: secret)))
            headers.append(
                ("webhook-signature", WebhookSignature.standard(id: delivery.id, timestamp: timestampSeconds, body: delivery.payload, secret: secret))
            )
        }
        return headers
    }
}
