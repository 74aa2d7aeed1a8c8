/// A signature a buyer computed, checked against the payload and secret it was computed from:
/// what `/webhook-test/validate` answers, so a buyer can debug their verification code.
///
/// Two forms, as deliveries carry both: the spec's `sha256=<hex>` (`X-EZLeeds-Signature`), and,
/// when the message's `webhook-id` and `webhook-timestamp` are given, Standard Webhooks'
/// `v1,<base64>` (`webhook-signature`), a space-separated list of which any one may match (a
/// sender rotating secrets signs with both). The answer's expected signature is in the form
/// presented. Comparisons take the same time wherever the signatures differ. The timestamp is not
/// held to a replay window: a tester checks old messages too.
public struct WebhookSignatureCheck: Sendable, Equatable {
    public enum Form: Sendable, Equatable {
        case ezleeds
        case standard(id: String, timestamp: Int64)
    }

    public var payload: [UInt8]
    public var signature: String
    public var secret: String
    public var form: Form

    /// Every missing or unusable field named at once.
    public static func validated(
        payload: String?, signature: String?, secret: String?, webhookID: String?, webhookTimestamp: Int64?
    ) throws(ValidationError) -> WebhookSignatureCheck {
        var errors = FieldErrors()
        if payload == nil { errors.add("payload", "is required: the raw body, exactly as received") }
        if let signature {
            if signature.trimmingWhitespace().isEmpty { errors.add("signature", "must not be empty") }
        } else {
            errors.add("signature", "is required")
        }
        if let secret {
            if secret.isEmpty { errors.add("secret", "must not be empty") }
        } else {
            errors.add("secret", "is required")
        }
        if let webhookTimestamp, webhookTimestamp < 0 { errors.add("webhook_timestamp", "must be Unix seconds, not negative") }
        let presentsStandard = signature.map(Self.presentsStandard) ?? false
        switch (webhookID, webhookTimestamp) {
        case (nil, nil) where presentsStandard:
            errors.add("webhook_id", "is required to check a v1, signature (it is signed with the body)")
            errors.add("webhook_timestamp", "is required to check a v1, signature (it is signed with the body)")
        case (let id?, nil):
            if id.isEmpty { errors.add("webhook_id", "must not be empty") }
            errors.add("webhook_timestamp", "is required with webhook_id")
        case (nil, _?):
            errors.add("webhook_id", "is required with webhook_timestamp")
        case (let id?, _?) where id.isEmpty:
            errors.add("webhook_id", "must not be empty")
        default:
            break
        }
        try errors.throwIfAny()
        let signature = signature ?? ""
        let form: Form =
            if let webhookID, let webhookTimestamp, !Self.presentsEZLeeds(signature) {
                .standard(id: webhookID, timestamp: webhookTimestamp)
            } else {
                .ezleeds
            }
        return WebhookSignatureCheck(payload: Array((payload ?? "").utf8), signature: signature, secret: secret ?? "", form: form)
    }

    public init(payload: [UInt8], signature: String, secret: String, form: Form) {
        self.payload = payload
        self.signature = signature
        self.secret = secret
        self.form = form
    }

    /// Whether the signature matches, and the one that would have.
    public struct Verdict: Sendable, Equatable {
        public var valid: Bool
        public var expectedSignature: String

        public init(valid: Bool, expectedSignature: String) {
            self.valid = valid
            self.expectedSignature = expectedSignature
        }
    }

    public func verdict() -> Verdict {
        switch self.form {
        case .ezleeds:
            let expected = WebhookSignature.ezleeds(body: self.payload, secret: self.secret)
            let valid = WebhookSignature.isValidEZLeeds(signature: self.signature, body: self.payload, secret: self.secret)
            return Verdict(valid: valid, expectedSignature: expected)
        case .standard(let id, let timestamp):
            let expected = WebhookSignature.standard(id: id, timestamp: timestamp, body: self.payload, secret: self.secret)
            let expectedBytes = Array(expected.utf8)
            // Every v1 entry is compared, a match or not, so the time taken says nothing of which one matched.
            var matched = false
            for entry in self.signature.split(whereSeparator: \.isWhitespace) where entry.hasPrefix("v1,") {
                matched = Self.equalInConstantTime(Array(entry.utf8), expectedBytes) || matched
            }
            return Verdict(valid: matched, expectedSignature: expected)
        }
    }

    static func presentsEZLeeds(_ signature: String) -> Bool {
        signature.trimmingWhitespace().lowercased().hasPrefix("sha256=")
    }

    /// A Standard Webhooks list: some entry is `v<version>,<signature>`.
    static func presentsStandard(_ signature: String) -> Bool {
        guard !Self.presentsEZLeeds(signature) else { return false }
        return signature.split(whereSeparator: \.isWhitespace).contains { entry in
            guard entry.first == "v", let comma = entry.firstIndex(of: ",") else { return false }
            let version = entry[entry.index(after: entry.startIndex)..<comma]
            return !version.isEmpty && version.allSatisfy(\.isASCIIDigit)
        }
    }

    /// Lengths may differ in the open (every signature of a form has the same length); the bytes are
    /// all compared, whatever the first difference.
    static func equalInConstantTime(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
