import HTTPTypes
import Hummingbird
import LeadEngine
import Logging
import NIOCore

/// `POST /api/v1/sms/inbound`: the SMS provider's incoming-message webhook (Twilio's form fields
/// `From`, `To`, `Body`, …). Key-less, so authenticated by `X-Twilio-Signature`: a bad or missing
/// one is a 403. A reply asking to stop withdraws consent for every tenant that texted the number.
struct SMSInboundRoutes {
    static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    let withdrawal: ConsentWithdrawal
    /// The provider's auth token; without one no signature can be checked and every request is refused.
    let authToken: String?
    /// `EZLEEDS_PUBLIC_BASE_URL`: the address the provider posts to, when a proxy stands in front.
    let publicBaseURL: String?

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("inbound", use: self.inbound)
    }

    @Sendable func inbound(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let authToken = self.authToken else {
            throw Problem.forbidden("SMS is not configured on this server, so no X-Twilio-Signature can be checked.")
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let parameters = FormBody.parse(body.readableBytesView)
        guard let signature = request.headers[.twilioSignature],
            TwilioRequestSignature.isValid(signature: signature, url: self.signedURL(of: request), parameters: parameters, authToken: authToken)
        else {
            throw Problem.forbidden("X-Twilio-Signature is missing or does not match this request.")
        }
        func field(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
        if let text = field("Body"), OptOutMessage.isOptOut(text), let from = field("From"), let phone = PhoneNumber.e164(fromUS: from) {
            let reports = try await self.withdrawal.optOut(phone: phone)
            context.logger.info(
                "opt-out received", metadata: ["tenants": "\(reports.map(\.tenantID))", "enrollments_ended": "\(reports.map(\.enrollmentsEnded).reduce(0, +))"]
            )
        }
        return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: Self.emptyTwiML)))
    }

    /// The URL the provider signed: the public base URL and the path, or the request's own Host.
    func signedURL(of request: Request) -> String {
        let pathAndQuery = request.uri.description
        if let base = self.publicBaseURL {
            return (base.hasSuffix("/") ? String(base.dropLast()) : base) + pathAndQuery
        }
        let scheme = request.headers[.forwardedProto] ?? "http"
        let host = request.head.authority ?? ""
        return "\(scheme)://\(host)\(pathAndQuery)"
    }
}

extension HTTPField.Name {
    static let twilioSignature = Self("X-Twilio-Signature")!
    static let forwardedProto = Self("X-Forwarded-Proto")!
}
