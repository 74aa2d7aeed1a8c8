import HTTPTypes
import Hummingbird
import LeadEngine
import LeadOutbound

/// `/api/v1/webhook-test`: the public tools a buyer checks their endpoint with before going live.
/// Key-less, so limited per client address by the group's middleware; `send` makes this server
/// call a URL anyone gives, so it is also limited per destination host, and the URL gets the
/// outbound target policy like every URL a tenant saves.
struct WebhookTestRoutes {
    let sender: WebhookTestSender
    let rateLimiter: RateLimiter
    let clock: any EngineClock

    /// Test sends one host may receive, from all callers together: the tester must not become a way
    /// to flood someone else's server from this one.
    static let hostPolicy = RateLimitPolicy(limitPerMinute: 30)

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("send", use: self.send)
        group.post("validate", use: self.validate)
        group.get("sample-payload", use: self.samplePayload)
    }

    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        var request = request
        var body = try await request.jsonObject(context: context)
        let url = body.string("url")
        let secret = body.string("secret")
        var missing = FieldErrors()
        if url == nil { missing.add("url", "is required") }
        if secret == nil { missing.add("secret", "is required") } else if secret?.isEmpty == true { missing.add("secret", "must not be empty") }
        try throwFieldErrors(body) { missing.all }
        guard let url, let secret, missing.isEmpty else { throw ValidationError(missing.all) }

        let target: OutboundURL
        switch OutboundURL.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let refusal): throw Problem.targetNotAllowed(refusal)
        }
        let decision = self.rateLimiter.check(key: "webhook-test-host:\(target.host)", policy: Self.hostPolicy)
        guard decision.allowed else { throw Problem.hostRateLimited(decision, host: "\(target.host)") }

        switch await self.sender.send(to: url, secret: secret, nowMilliseconds: self.clock.nowMilliseconds()) {
        case .refused(let refusal):
            throw Problem.targetNotAllowed(refusal)
        case .sent(let report):
            var answer: [String: JSONValue] = [
                "status_code": .optional(report.statusCode), "response_body": .optional(report.responseBody),
                "latency_ms": .int(report.latencyMilliseconds), "signature_sent": .string(report.signatureSent), "success": .bool(report.success),
            ]
            if let error = report.error { answer["error"] = .string(error) }
            return JSONResponse(.object(answer))
        }
    }

    @Sendable func validate(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        var request = request
        var body = try await request.jsonObject(context: context)
        let payload = body.string("payload")
        let signature = body.string("signature")
        let secret = body.string("secret")
        let webhookID = body.string("webhook_id")
        let webhookTimestamp = Self.unixSeconds(&body, "webhook_timestamp")
        let check = Result { () throws(ValidationError) in
            try WebhookSignatureCheck.validated(
                payload: payload, signature: signature, secret: secret, webhookID: webhookID, webhookTimestamp: webhookTimestamp
            )
        }
        try throwFieldErrors(body) { if case .failure(let error) = check { error.fields } else { [] } }
        let verdict = try check.get().verdict()
        return JSONResponse(["valid": .bool(verdict.valid), "expected_signature": .string(verdict.expectedSignature)])
    }

    /// The very bytes a `lead.delivered` delivery carries, stamped now.
    @Sendable func samplePayload(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        JSONResponse(encoded: SampleDelivery.payload(nowMilliseconds: self.clock.nowMilliseconds()))
    }

    /// Unix seconds as a number, or as the digits the `webhook-timestamp` header carried.
    static func unixSeconds(_ body: inout FieldReader, _ field: String) -> Int64? {
        guard case .string(let text)? = body.object[field] else { return body.int64(field) }
        let isDigits = !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard isDigits, text.utf8.count <= 18, let seconds = Int64(text) else {
            body.errors.add(field, "must be Unix seconds, as a number or a string of digits")
            return nil
        }
        return seconds
    }
}

extension Problem {
    /// The outbound target policy refused the URL; the refusal's reason names the rule it breaks.
    static func targetNotAllowed(_ refusal: TargetRefusal) -> Problem {
        Problem(
            status: .unprocessableContent, code: "target_not_allowed", title: "Target not allowed",
            detail: "This server may not call that url (\(refusal.reason.rawValue)): \(refusal.detail).",
            errors: [FieldError(field: "url", refusal: refusal)]
        )
    }

    /// Too many test sends to one host, from whoever sent them.
    static func hostRateLimited(_ decision: RateLimitDecision, host: String) -> Problem {
        var headers = HTTPFields()
        decision.apply(to: &headers)
        return Problem(
            status: .tooManyRequests, code: "rate_limited", title: "Too many requests",
            detail: "Test sends to \(host) are limited to \(decision.limit) a minute; retry in \(decision.retryAfterSeconds) s.", headers: headers
        )
    }
}
