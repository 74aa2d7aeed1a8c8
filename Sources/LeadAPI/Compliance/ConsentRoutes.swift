import Hummingbird
import LeadEngine

/// `/api/v1/compliance`: record, verify and revoke consent certificates. The certificate signing
/// key's public half is published key-less at `/api/v1/compliance/public-key`.
struct ConsentRoutes {
    let registry: ConsentRegistry
    /// A revoked consent is an opt-out: its lead's phone joins the internal do-not-call list and
    /// its enrollments end, as after a STOP reply.
    let withdrawal: ConsentWithdrawal

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("record-consent", use: self.record)
        group.post("verify-consent", use: self.verify)
        group.post("revoke-consent", use: self.revoke)
    }

    func addPublicRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("public-key") { _, _ in JSONResponse(self.registry.publicJWK) }
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let leadID = body.string("lead_id")
        let consent = Result { () throws(ValidationError) in
            try Consent.validated(
                consentType: body.string("consent_type"), consentText: body.string("consent_text"), ipAddress: body.string("ip_address"),
                pageURL: body.string("page_url"), userAgent: body.string("user_agent"), channel: body.string("channel"),
                mechanism: body.string("mechanism"), prefix: ""
            )
        }
        try throwFieldErrors(body) { if case .failure(let error) = consent { error.fields } else { [] } }
        let certificate = try await self.registry.record(try consent.get(), leadID: leadID, tenantID: principal.tenantID)
        return JSONResponse(status: .created, [
            "certificate_id": .string(certificate.id),
            "created_at": .timestamp(certificate.createdAt),
            "hash": .string(certificate.hash),
            "signature": .string(certificate.signature),
            "key_id": .string(certificate.keyID),
        ])
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try await Self.certificateID(request, context: context)
        let (certificate, valid) = try await self.registry.verify(id: id, tenantID: principal.tenantID)
        guard let certificate else { return JSONResponse(["valid": false, "certificate": .null]) }
        return JSONResponse(["valid": .bool(valid), "certificate": Self.resource(certificate)])
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try await Self.certificateID(request, context: context)
        let certificate = try await self.withdrawal.revoke(certificateID: id, tenantID: principal.tenantID)
        return JSONResponse(Self.resource(certificate))
    }

    private static func certificateID(_ request: Request, context: AppRequestContext) async throws -> String {
        var request = request
        var body = try await request.jsonObject(context: context)
        let id = body.string("certificate_id")
        try throwFieldErrors(body) { [] }
        guard let id, !id.isEmpty else { throw Problem.invalidFields([FieldError(field: "certificate_id", message: "is required")]) }
        return id
    }

    static func resource(_ certificate: ConsentCertificate) -> JSONValue {
        [
            "id": .string(certificate.id),
            // Part of the signed form, so a certificate can be checked offline from this answer alone.
            "tenant_id": .string(certificate.tenantID),
            "lead_id": .optional(certificate.leadID),
            "consent_type": .string(certificate.consent.consentType.rawValue),
            "channel": .string(certificate.consent.channel),
            "mechanism": .string(certificate.consent.mechanism),
            "consent_text": .string(certificate.consent.consentText),
            "ip_address": .string(certificate.consent.ipAddress),
            "page_url": .optional(certificate.consent.pageURL),
            "user_agent": .optional(certificate.consent.userAgent),
            "created_at": .timestamp(certificate.createdAt),
            "hash": .string(certificate.hash),
            "signature": .string(certificate.signature),
            "key_id": .string(certificate.keyID),
            "is_active": .bool(certificate.isActive),
            "revoked_at": certificate.revokedAt.map(JSONValue.timestamp) ?? .null,
        ]
    }
}
