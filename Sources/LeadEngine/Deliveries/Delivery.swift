import Foundation

/// A lead on its way to a buyer's webhook: the signed payload, kept with the same webhook id
/// through every retry so the buyer can drop duplicates.
public struct Delivery: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending
        case delivered
        case failed
        /// The buyer has no webhook_url: the sale stands, nothing is sent.
        case notConfigured = "not_configured"
    }

    /// The `webhook-id` of Standard Webhooks: `msg_…`.
    public var id: String
    public var tenantID: String
    public var leadID: String
    public var buyerID: String
    public var url: String?
    public var payload: [UInt8]
    public var status: Status
    public var attempts: Int
    public var nextAttemptAtMilliseconds: Int64?
    public var createdAtMilliseconds: Int64

    public init(
        id: String, tenantID: String, leadID: String, buyerID: String, url: String?, payload: [UInt8], status: Status, attempts: Int = 0,
        nextAttemptAtMilliseconds: Int64?, createdAtMilliseconds: Int64
    ) {
        self.id = id
        self.tenantID = tenantID
        self.leadID = leadID
        self.buyerID = buyerID
        self.url = url
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAtMilliseconds = nextAttemptAtMilliseconds
        self.createdAtMilliseconds = createdAtMilliseconds
    }

    /// The `lead.delivered` event exactly as `/webhook-test/sample-payload` shows it.
    public static func leadDeliveredPayload(lead: Lead, at date: Date) -> [UInt8] {
        // Written straight to bytes: one per post, at the engine's full rate.
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("event")
        writer.string("lead.delivered")
        writer.key("timestamp")
        writer.timestamp(milliseconds: date.epochMilliseconds)
        writer.key("data")
        writer.beginObject()
        for (key, value) in [
            ("lead_id", lead.id), ("first_name", lead.contact.firstName), ("last_name", lead.contact.lastName),
            ("email", lead.contact.email), ("phone", lead.contact.phone), ("state", lead.contact.state),
            ("zip_code", lead.contact.zipCode), ("campaign_type", lead.campaignType.rawValue),
        ] {
            writer.key(key)
            writer.string(value)
        }
        writer.key("score")
        if let score = lead.score { writer.integer(Int64(score)) } else { writer.null() }
        writer.key("consent_certificate_id")
        if let certificate = lead.consentCertificateID { writer.string(certificate) } else { writer.null() }
        writer.key("sold_price_cents")
        if let cents = lead.soldPriceCents { writer.integer(cents) } else { writer.null() }
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }
}

/// Why a delivery attempt failed, for the buyer and the seller to act on.
public enum DeliveryFailure: String, Sendable, Equatable, CaseIterable {
    /// The webhook did not answer in time.
    case timeout
    /// The webhook could not be reached: refused, reset, DNS, TLS.
    case unreachable
    /// The webhook answered with a status other than 2xx (redirects included: they are not followed).
    case httpError = "http_error"
    /// The webhook's answer was not HTTP.
    case badResponse = "bad_response"
    /// The outbound target policy refused the URL or the address its host resolved to.
    case targetNotAllowed = "target_not_allowed"
}

/// One try at handing a delivery to the buyer.
public struct DeliveryAttempt: Sendable, Equatable {
    public var attemptedAtMilliseconds: Int64
    public var statusCode: Int?
    /// Nil for a 2xx.
    public var reason: DeliveryFailure?
    public var error: String?
    public var durationMilliseconds: Int

    public init(attemptedAtMilliseconds: Int64, statusCode: Int?, reason: DeliveryFailure? = nil, error: String?, durationMilliseconds: Int) {
        self.attemptedAtMilliseconds = attemptedAtMilliseconds
        self.statusCode = statusCode
        self.reason = reason
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }

    /// Only a 2xx counts; a redirect is a failure (redirects are never followed).
    public var succeeded: Bool { self.statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Sends a delivery's payload to the buyer's webhook, signed with the buyer's secret.
public protocol LeadDeliverer: Sendable {
    func deliver(_ delivery: Delivery, secret: String?, timeoutMilliseconds: Int, nowMilliseconds: Int64) async -> DeliveryAttempt
}

/// When to try a failed delivery again: exponential steps with ±20 % jitter, so buyers coming back
/// from an outage are not hit by every queued lead at once. After the last step the delivery fails.
public enum DeliverySchedule {
    /// Seconds after the attempt that failed: 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h.
    public static let retryDelaysSeconds: [Int64] = [10, 30, 120, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400]

    /// The time of the next attempt after `attempts` failed ones, or nil when there is none left.
    public static func nextAttempt(afterFailedAttempts attempts: Int, nowMilliseconds: Int64, jitter: Double) -> Int64? {
        guard attempts >= 1, attempts <= self.retryDelaysSeconds.count else { return nil }
        let base = Double(self.retryDelaysSeconds[attempts - 1] * 1000)
        return nowMilliseconds + Int64(base * (1 + 0.2 * max(-1, min(1, jitter))))
    }
}
