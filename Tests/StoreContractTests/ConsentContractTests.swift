import Foundation
import LeadEngine
import Testing

@Suite("Store contract: consent certificates and withdrawals of consent")
struct ConsentContractTests {
    @Test("a certificate reads back exactly and verifies; revoking keeps the first time; other tenants see nothing", arguments: StoreUnderTest.all)
    func certificates(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let key = try await SaleFixtures.signingKey(s)
            #expect(try await SaleFixtures.signingKey(s).id == key.id, "the key is made once")
            let certificate = key.certify(id: "cert_1", tenantID: "ten_1", leadID: nil, consent: SaleFixtures.consent, createdAt: Times.at(1_500))
            try await s.consents.insert(certificate)
            let stored = try #require(try await s.consents.certificate(id: "cert_1", tenantID: "ten_1"))
            #expect(stored == certificate)
            #expect(key.verify(stored))
            #expect(try await s.consents.certificate(id: "cert_1", tenantID: "ten_2") == nil)
            await #expect(throws: (any Error).self) { try await s.consents.insert(certificate) }

            #expect(try await s.consents.revoke(id: "cert_1", tenantID: "ten_2", at: Times.at(1)) == nil)
            let revoked = try #require(try await s.consents.revoke(id: "cert_1", tenantID: "ten_1", at: Times.at(2_000)))
            #expect(revoked.revokedAt == Times.at(2_000))
            #expect(try await s.consents.revoke(id: "cert_1", tenantID: "ten_1", at: Times.at(3_000))?.revokedAt == Times.at(2_000))
            #expect(try await s.consents.certificate(id: "cert_1", tenantID: "ten_1")?.revokedAt == Times.at(2_000))
            #expect(try await s.consents.revoke(id: "cert_missing", tenantID: "ten_1", at: Times.at(1)) == nil)

            _ = try await LeadContractTests.intake(s, "lead_1")
            #expect(try await s.consents.leadExists(id: "lead_1", tenantID: "ten_1"))
            #expect(try await !s.consents.leadExists(id: "lead_1", tenantID: "ten_2"))
            #expect(try await !s.consents.leadExists(id: "lead_missing", tenantID: "ten_1"))
        }
    }

    @Test("a withdrawal lists the phone, revokes its leads' certificates and ends their enrollments, for that tenant only", arguments: StoreUnderTest.all)
    func withdrawal(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let key = try await SaleFixtures.signingKey(s)
            let phone = "+17025550100"
            // A lead with its certificate, a second lead with the phone, a lead with another phone, and one in another tenant.
            try await s.sales.commit(SaleFixtures.sale(1, key: key, phone: phone))
            _ = try await LeadContractTests.intake(s, "lead_in", phone: phone, email: "other@example.test", since: Int64.max)
            try await s.sales.commit(SaleFixtures.sale(2, key: key, phone: "+17025550200"))
            try await s.buyers.insert(Fixtures.buyer("b_other", tenantID: "ten_2"))
            try await s.sales.commit(SaleFixtures.sale(3, tenantID: "ten_2", buyerID: "b_other", key: key, phone: phone))
            let sequence = SequenceContractTests.sequence("seq_1")
            try await s.sequences.insert(sequence)
            for lead in ["lead_1", "lead_in", "lead_2"] {
                _ = try await s.sequences.enroll(SequenceContractTests.enrollment("enr_\(lead)", leadID: lead))
            }

            let report = try await s.consentWithdrawals.withdraw(phone: phone, tenantID: "ten_1", source: "sms_stop", nowMilliseconds: Times.base + 500)
            #expect(report == WithdrawalReport(tenantID: "ten_1", listed: true, certificatesRevoked: ["cert_1"], enrollmentsEnded: 2))
            #expect(try await s.doNotCall.isOnInternalDoNotCall(tenantID: "ten_1", phone: phone))
            #expect(try await !s.doNotCall.isOnInternalDoNotCall(tenantID: "ten_2", phone: phone))
            #expect(try await s.consents.certificate(id: "cert_1", tenantID: "ten_1")?.revokedAt == Times.at(500))
            #expect(try await s.consents.certificate(id: "cert_2", tenantID: "ten_1")?.revokedAt == nil)
            #expect(try await s.consents.certificate(id: "cert_3", tenantID: "ten_2")?.revokedAt == nil)
            let ended = try #require(try await s.sequences.enrollment(id: "enr_lead_1"))
            #expect(ended.status == .ended && ended.endReason == EnrollmentEndReason.optedOut.rawValue)
            #expect(ended.endedAtMilliseconds == Times.base + 500 && ended.nextStepAtMilliseconds == nil)
            #expect(try await s.sequences.enrollment(id: "enr_lead_2")?.status == .active)

            let again = try await s.consentWithdrawals.withdraw(phone: phone, tenantID: "ten_1", source: "sms_stop", nowMilliseconds: Times.base + 900)
            #expect(again == WithdrawalReport(tenantID: "ten_1", listed: false, certificatesRevoked: [], enrollmentsEnded: 0))
            #expect(try await s.consents.certificate(id: "cert_1", tenantID: "ten_1")?.revokedAt == Times.at(500))
        }
    }

    @Test("the tenants that texted a phone are those with a text to it that reached, or may have reached, the provider", arguments: StoreUnderTest.all)
    func tenantsThatTexted(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            try await s.tenants.insert(Fixtures.tenant("ten_3"), keys: [])
            let phone = "+17025550100"
            for (tenant, outcome, channel) in [
                ("ten_2", AttemptOutcome.sent, OutreachChannel.sms), ("ten_1", .unknown, .sms), ("ten_3", .failed, .sms), ("ten_3", .sent, .call),
            ] {
                _ = try await LeadContractTests.intake(s, "lead_\(tenant)_\(channel)", tenantID: tenant, phone: phone, since: Int64.max)
                try await SequenceContractTests.recordAttempt(
                    s, tenantID: tenant, leadID: "lead_\(tenant)_\(channel)", outcome: outcome, channel: channel, recipient: phone
                )
            }
            #expect(try await s.consentWithdrawals.tenantsThatTexted(phone: phone) == ["ten_1", "ten_2"])
            #expect(try await s.consentWithdrawals.tenantsThatTexted(phone: "+17025550999") == [])
        }
    }
}
