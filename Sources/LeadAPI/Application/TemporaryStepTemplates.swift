import Foundation
import LeadEngine

// Stand-in until the templates branch lands (TemplateRegistry becomes the StepTemplates).
struct TemporaryStepTemplates: StepTemplates {
    func template(id: String, tenantID: String) async throws -> StepTemplate? { nil }
    func check(_ text: String, field: String) throws {}
    func render(_ text: String, lead: Lead) -> String {
        text.replacingOccurrences(of: "{{first_name}}", with: lead.contact.firstName)
    }
}
