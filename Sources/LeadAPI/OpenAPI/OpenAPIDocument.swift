import LeadEngine
/// The OpenAPI 3.1 description of every endpoint built so far. Each API category keeps its paths
/// next to its routes (`BuyerRoutes+OpenAPI.swift`, …); this file only assembles them.
enum OpenAPIDocument {
    static let document: JSONValue = {
        var paths: [String: JSONValue] = [:]
        var schemas: [String: JSONValue] = OpenAPIComponents.schemas
        var webhooks: [String: JSONValue] = [:]
        let parts = [
            SystemRoutes.openAPI, BuyerRoutes.openAPI, CampaignRoutes.openAPI, PingPostRoutes.openAPI, PingPostSettingsRoutes.openAPI,
            ConsentRoutes.openAPI, ComplianceRoutes.openAPI, LeadRoutes.openAPI, BillingRoutes.openAPI, SequenceRoutes.openAPI, TemplateRoutes.openAPI, SMSInboundRoutes.openAPI,
            DomainRoutes.openAPI, UnsubscribeRoutes.openAPI, ReportRoutes.openAPI,
            WebhookTestRoutes.openAPI,
        ]
        for part in parts {
            paths.merge(part.paths) { _, new in new }
            schemas.merge(part.schemas) { _, new in new }
            webhooks.merge(part.webhooks) { _, new in new }
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "EZLeeds API",
                "version": "1.0.0",
                "description": "Real-time ping-post lead marketplace engine. Errors are RFC 9457 application/problem+json.",
            ],
            "servers": [["url": "/"]],
            "paths": .object(paths),
            "webhooks": .object(webhooks),
            "components": [
                "schemas": .object(schemas),
                "securitySchemes": [
                    "ApiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                    "ComplianceKey": ["type": "apiKey", "in": "header", "name": "X-Compliance-API-Key"],
                ],
                "responses": .object(OpenAPIComponents.responses),
            ],
        ]
    }()

    static let encoded: [UInt8] = document.encoded()
}

/// The paths and schemas one API category contributes, and the requests the engine makes of others
/// (OpenAPI 3.1 `webhooks`, such as the buyer bid protocol).
struct OpenAPIPart {
    var paths: [String: JSONValue]
    var schemas: [String: JSONValue] = [:]
    var webhooks: [String: JSONValue] = [:]
}
