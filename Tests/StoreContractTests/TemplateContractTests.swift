import Foundation
import LeadEngine
import Testing

@Suite("Store contract: message templates")
struct TemplateContractTests {
    static func template(_ id: String, tenantID: String = "ten_1", channel: OutreachChannel = .email, offset: Int64 = 0) -> MessageTemplate {
        MessageTemplate(
            id: id, tenantID: tenantID, name: "Template \(id)", channel: channel, subject: channel == .email ? "Hello {{first_name}}" : nil,
            body: "Hi {{first_name}},\nünïcode — thanks.", createdAt: Times.at(offset), updatedAt: Times.at(offset)
        )
    }

    @Test("a template is keyed by tenant and id: inserted once, read, listed newest first, replaced", arguments: StoreUnderTest.all)
    func lifecycle(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            #expect(try await s.templates.insert(Self.template("tpl_welcome")))
            #expect(try await !s.templates.insert(Self.template("tpl_welcome", channel: .sms)), "the tenant has one with that id")
            #expect(try await s.templates.insert(Self.template("tpl_welcome", tenantID: "ten_2")), "another tenant may use the id")
            #expect(try await s.templates.insert(Self.template("tpl_sms", channel: .sms, offset: 10)))
            #expect(try await s.templates.template(id: "tpl_welcome", tenantID: "ten_1") == Self.template("tpl_welcome"))
            #expect(try await s.templates.template(id: "tpl_sms", tenantID: "ten_1") == Self.template("tpl_sms", channel: .sms, offset: 10))
            #expect(try await s.templates.template(id: "tpl_sms", tenantID: "ten_2") == nil)
            let page = try await s.templates.templates(tenantID: "ten_1", page: PageRequest(page: 1, perPage: 10))
            #expect(page.items.map(\.id) == ["tpl_sms", "tpl_welcome"] && page.total == 2)

            var changed = Self.template("tpl_welcome")
            changed.name = "Renamed"
            changed.channel = .sms
            changed.subject = nil
            changed.body = "Short"
            changed.updatedAt = Times.at(99)
            #expect(try await s.templates.replace(changed))
            #expect(try await s.templates.template(id: "tpl_welcome", tenantID: "ten_1") == changed)
            #expect(try await s.templates.template(id: "tpl_welcome", tenantID: "ten_2") == Self.template("tpl_welcome", tenantID: "ten_2"))
            #expect(try await !s.templates.replace(Self.template("tpl_missing")))
        }
    }

    @Test("a template a sequence of the tenant names is not deleted; an unused one is, once", arguments: StoreUnderTest.all)
    func deleteUnlessInUse(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            _ = try await s.templates.insert(Self.template("tpl_welcome"))
            _ = try await s.templates.insert(Self.template("tpl_welcome", tenantID: "ten_2"))
            try await s.sequences.insert(SequenceContractTests.sequence("seq_1"))
            #expect(try await s.templates.delete(id: "tpl_welcome", tenantID: "ten_1") == .inUse(sequenceIDs: ["seq_1"]))
            #expect(try await s.templates.template(id: "tpl_welcome", tenantID: "ten_1") != nil)
            #expect(try await s.templates.delete(id: "tpl_welcome", tenantID: "ten_2") == .removed(Self.template("tpl_welcome", tenantID: "ten_2")))
            #expect(try await s.templates.delete(id: "tpl_welcome", tenantID: "ten_2") == .notFound)
            #expect(try await s.templates.template(id: "tpl_welcome", tenantID: "ten_2") == nil)
        }
    }
}
