import Foundation
import LeadEngine
import Testing

@Suite("Template text: checked when saved, rendered as plain text over the lead's fields")
struct TemplateTextTests {
    static func lead(firstName: String = "Zoë", lastName: String = "O'Brien & <Co>", email: String = "z@example.com") -> Lead {
        Lead(
            id: "lead-1", tenantID: "ten_1", pingID: nil, buyerID: nil, campaignType: .legalPI, source: "google", contact: LeadContact(
                firstName: firstName, lastName: lastName, phone: "+17025551234", email: email, state: "NV", zipCode: "89101"
            ),
            status: .qualified, soldPriceCents: nil, consentCertificateID: nil, createdAt: Date(epochMilliseconds: 0)
        )
    }

    static func refusal(_ text: String) -> String? {
        do {
            try TemplateText.check(text, field: "body")
            return nil
        } catch {
            #expect(error.fields.map(\.field) == ["body"])
            return error.fields.first?.message
        }
    }

    @Test("every lead field renders, nothing is HTML-escaped, and a field the lead lacks is a false section")
    func renders() {
        let text = "Hi {{first_name}} {{{last_name}}} {{&last_name}} ({{phone}}, {{email}}, {{state}} {{zip_code}}, {{campaign_type}} via {{source}})"
        #expect(throws: Never.self) { try TemplateText.check(text, field: "body") }
        #expect(TemplateText.render(text, lead: Self.lead()) == "Hi Zoë O'Brien & <Co> O'Brien & <Co> (+17025551234, z@example.com, NV 89101, legal_pi via google)")
        let sections = "Hi {{first_name}}{{#email}}, we wrote to {{email}}{{/email}}{{^email}}, no email{{/email}}.{{! not sent }}"
        #expect(TemplateText.render(sections, lead: Self.lead()) == "Hi Zoë, we wrote to z@example.com.")
        #expect(TemplateText.render(sections, lead: Self.lead(email: "")) == "Hi Zoë, no email.")
        #expect(TemplateText.render("{{uppercased(first_name)}} {{ lowercased(state) }}", lead: Self.lead()) == "ZOË nv")
        #expect(TemplateText.variables(in: sections) == ["first_name", "email"])
    }

    @Test("an unknown variable, a partial, a block, a pragma, changed delimiters, an unknown transform or bad syntax is refused, naming it")
    func refuses() throws {
        #expect(try #require(Self.refusal("Hi {{firstname}}")).contains("{{firstname}}"))
        #expect(try #require(Self.refusal("{{#phone_number}}x{{/phone_number}}")).contains("phone_number"))
        #expect(try #require(Self.refusal("{{{ssn}}}")).contains("ssn"))
        #expect(try #require(Self.refusal("{{> footer}}")).contains("partial"))
        #expect(try #require(Self.refusal("{{$block}}x{{/block}}")).contains("partial or block"))
        #expect(try #require(Self.refusal("{{=<% %>=}}<% first_name %>")).contains("delimiters"))
        #expect(try #require(Self.refusal("{{% CONTENT_TYPE: HTML}}")).contains("pragma"))
        #expect(try #require(Self.refusal("{{reversed(first_name)}}")).contains("unknown transform reversed()"))
        #expect(try #require(Self.refusal("{{#email}}open")).contains("not a valid template"))
        #expect(try #require(Self.refusal("{{first_name")).contains("not a valid template"))
        #expect(Self.refusal("No variables at all, {single braces} are text.") == nil)
    }
}
