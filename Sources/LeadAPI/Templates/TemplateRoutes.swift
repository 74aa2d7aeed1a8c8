import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/templates`: the tenant's outreach texts, which sequence steps name by `template_id`.
struct TemplateRoutes {
    let registry: TemplateRegistry
    let idempotency: IdempotencyGate

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: self.create)
        group.get(use: self.list)
        group.get(":id", use: self.show)
        group.patch(":id", use: self.update)
        group.delete(":id", use: self.delete)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try await self.idempotency.run(request, principal: principal, endpoint: "templates", body: buffer) {
            var body = try FieldReader(jsonBody: buffer)
            let draft = MessageTemplateDraft(
                id: body.string("id"), name: body.string("name"), channel: body.string("channel"), subject: body.string("subject"), body: body.string("body")
            )
            try throwFieldErrors(body) { TemplateRules.problems(in: draft) }
            let template = try await self.registry.create(draft, tenantID: principal.tenantID)
            return JSONResponse(status: .created, headers: [.location: "/api/v1/templates/\(template.id)"], Self.resource(template))
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let page = query.page()
        try query.errors.throwIfAny()
        let templates = try await self.registry.list(tenantID: principal.tenantID, page: page)
        return JSONResponse(.list(templates.items.map(Self.resource), total: templates.total, page: page.page, perPage: page.perPage))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        return JSONResponse(Self.resource(try await self.registry.existing(id: try context.parameters.require("id"), tenantID: principal.tenantID)))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        var request = request
        var body = try await request.jsonObject(context: context)
        var changes = MessageTemplateChanges()
        changes.name = body.update("name") { $0.string($1) }
        changes.channel = body.update("channel") { $0.string($1) }
        changes.subject = body.nullableUpdate("subject") { $0.string($1) }
        changes.body = body.update("body") { $0.string($1) }
        try throwFieldErrors(body) { [] }
        return JSONResponse(Self.resource(try await self.registry.update(id: id, tenantID: principal.tenantID, changes: changes)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let template = try await self.registry.delete(id: try context.parameters.require("id"), tenantID: principal.tenantID)
        return JSONResponse(["deleted": true, "id": .string(template.id)])
    }

    /// The template as every template endpoint shows it, with the variables it uses.
    static func resource(_ template: MessageTemplate) -> JSONValue {
        [
            "id": .string(template.id), "name": .string(template.name), "channel": .string(template.channel.rawValue),
            "subject": template.subject.map(JSONValue.string) ?? .null, "body": .string(template.body),
            "variables": .array(TemplateText.variables(of: template).map(JSONValue.string)),
            "created_at": .timestamp(template.createdAt), "updated_at": .timestamp(template.updatedAt),
        ]
    }
}
