import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/domains`: the tenant's sending domains, the DNS records to publish for each, and their verification.
struct DomainRoutes {
    let registry: DomainRegistry
    let idempotency: IdempotencyGate

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: self.create)
        group.get(use: self.list)
        group.get(":id", use: self.show)
        group.post(":id/verify", use: self.verify)
        group.delete(":id", use: self.delete)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "domains", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let name = body.string("domain")
            try throwFieldErrors(body) { [] }
            guard let name else { throw ValidationError(field: "domain", message: "is required") }
            let domain = try await self.registry.register(name, tenantID: principal.tenantID)
            return JSONResponse(status: .created, headers: [.location: "/api/v1/domains/\(domain.id)"], self.resource(domain))
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let page = query.page()
        try query.errors.throwIfAny()
        let domains = try await self.registry.list(tenantID: principal.tenantID, page: page)
        return JSONResponse(.list(domains.items.map(self.resource), total: domains.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        return JSONResponse(self.resource(try await self.registry.existing(id: try context.parameters.require("id"), tenantID: principal.tenantID)))
    }

    /// Looks the records up now. A DNS outage is a 200 whose checks say `dns_unavailable`, never a 5xx.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        return JSONResponse(self.resource(try await self.registry.verify(id: try context.parameters.require("id"), tenantID: principal.tenantID)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let domain = try await self.registry.delete(id: try context.parameters.require("id"), tenantID: principal.tenantID)
        return JSONResponse(["deleted": true, "domain": .string(domain.name.ascii), "id": .string(domain.id)])
    }

    /// The domain as every domain endpoint shows it: the spec's fields, the records to publish and the last checks.
    func resource(_ domain: SendingDomain) -> JSONValue {
        [
            "id": .string(domain.id), "domain": .string(domain.name.ascii), "status": .string(domain.status.rawValue),
            "dns_records": .array(
                domain.records(spfInclude: self.registry.spfInclude).map { record in
                    ["type": .string(record.type), "name": .string(record.name), "value": .string(record.value)]
                }
            ),
            "spf_valid": .bool(domain.spfValid), "dkim_valid": .bool(domain.dkimValid), "dmarc_valid": .bool(domain.dmarcValid),
            "checks": .array(domain.checks.map(Self.check)),
            "created_at": .timestamp(domain.createdAt), "checked_at": domain.checkedAt.map(JSONValue.timestamp) ?? .null,
            "verified_at": domain.verifiedAt.map(JSONValue.timestamp) ?? .null,
        ]
    }

    static func check(_ check: DomainCheck) -> JSONValue {
        [
            "record": .string(check.record.rawValue), "name": .string(check.name), "outcome": .string(check.outcome.rawValue),
            "found": .array(check.found.map(JSONValue.string)), "reason": check.reason.map(JSONValue.string) ?? .null,
        ]
    }
}
