import AsyncHTTPClient
import LeadEngine
import NIOCore
import NIOHTTP1

/// Posts `lead.delivered` events to buyers' webhooks, signed both ways: the spec's
/// `X-EZLeeds-Signature` and Standard Webhooks' `webhook-id`/`webhook-timestamp`/`webhook-signature`.
/// The client it is given never follows redirects.
public struct HTTPLeadDeliverer: LeadDeliverer {
    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// A client for deliveries: pooled keep-alive connections, no redirects (a webhook that
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

    public func deliver(_ delivery: Delivery, secret: String?, timeoutMilliseconds: Int, nowMilliseconds: Int64) async -> DeliveryAttempt {
        let started = ContinuousClock.now
        func attempt(status: Int?, error: String?) -> DeliveryAttempt {
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            return DeliveryAttempt(
                attemptedAtMilliseconds: nowMilliseconds, statusCode: status, error: error,
                durationMilliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
            )
        }
        guard let url = delivery.url else { return attempt(status: nil, error: "no webhook_url") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = Self.headers(for: delivery, secret: secret, timestampSeconds: nowMilliseconds / 1000)
        request.body = .bytes(ByteBuffer(bytes: delivery.payload))
        do {
            let response = try await self.client.execute(request, timeout: .milliseconds(Int64(timeoutMilliseconds)))
            // Drain a little of the body so the connection can be reused; its content does not matter.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return attempt(status: Int(response.status.code), error: nil)
        } catch {
            return attempt(status: nil, error: "\(error)")
        }
    }

    public static func headers(for delivery: Delivery, secret: String?, timestampSeconds: Int64) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json",
            "User-Agent": "ezleeds-webhooks/1",
            "webhook-id": delivery.id,
            "webhook-timestamp": String(timestampSeconds),
        ]
        if let secret {
            headers.add(name: "X-EZLeeds-Signature", value: WebhookSignature.ezleeds(body: delivery.payload, secret: secret))
            headers.add(
                name: "webhook-signature",
                value: WebhookSignature.standard(id: delivery.id, timestamp: timestampSeconds, body: delivery.payload, secret: secret)
            )
        }
        return headers
    }
}
