import LeadEngine
import NIOCore

/// Call steps as signed call tasks to the operator's dialer: `POST` of a `call.requested` event
/// with the lead's number, name, state and the agent's script, signed as lead deliveries are
/// (`X-EZLeeds-Signature`, and Standard Webhooks' headers). A 2xx means the dialer took the task.
/// The `webhook-id` is the enrollment and step, so a dialer can drop a task it has seen.
public struct DialerCallSender: OutreachSender {
    /// Where call tasks go, and the secret they are signed with.
    public struct Endpoint: Sendable, Equatable {
        public var url: String
        public var secret: String

        public init(url: String, secret: String) {
            self.url = url
            self.secret = secret
        }
    }

    let url: String
    let secret: String
    let pool: OutboundConnectionPool
    let clock: any EngineClock
    let timeout: TimeAmount

    public init(endpoint: Endpoint, pool: OutboundConnectionPool, clock: any EngineClock, timeout: TimeAmount = .seconds(10)) {
        self.url = endpoint.url
        self.secret = endpoint.secret
        self.pool = pool
        self.clock = clock
        self.timeout = timeout
    }

    public func send(_ message: OutreachMessage) async -> SendOutcome {
        let body = Self.payload(message)
        let id = "\(message.enrollmentID)-\(message.step)"
        let timestamp = self.clock.nowMilliseconds() / 1000
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("User-Agent", "ezleeds-outreach/1"),
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("X-EZLeeds-Signature", WebhookSignature.ezleeds(body: body, secret: self.secret)),
            ("webhook-signature", WebhookSignature.standard(id: id, timestamp: timestamp, body: body, secret: self.secret)),
        ]
        let call = OutboundCall(url: self.url, timeout: self.timeout, maxBodyBytes: 4 * 1024) { target in
            HTTPPost.encode(to: target, headers: headers, body: body)
        }
        return OutreachAnswer.outcome(of: await self.pool.exchange(call)) { body in
            if case .string(let id)? = OutreachAnswer.object(body)?["id"] { return id }
            return nil
        }
    }

    /// The `call.requested` event, as the dialer reads it.
    public static func payload(_ message: OutreachMessage) -> [UInt8] {
        let event: JSONValue = [
            "event": "call.requested", "enrollment_id": .string(message.enrollmentID), "sequence_id": .string(message.sequenceID),
            "step": .integer(Int64(message.step)), "lead_id": .string(message.leadID), "phone": .string(message.to),
            "first_name": .string(message.firstName), "last_name": .string(message.lastName), "state": .string(message.state),
            "script": .string(message.body),
        ]
        return event.encoded()
    }
}
