import Foundation
import LeadEngine
import Testing

@Suite("Inbound lead qualification and scoring")
struct LeadQualificationTests {
    static let consent = ConsentSubmission(
        consentType: "tcpa_express_written", consentText: "I agree to be contacted...", ipAddress: "203.0.113.42",
        pageURL: "https://example.com/intake", userAgent: "Mozilla/5.0"
    )

    static func submission(
        firstName: String? = "Jane", lastName: String? = "Doe", email: String? = "jane@example.com", phone: String? = "+17025551234",
        state: String? = "NV", zipCode: String? = "89101", consent: ConsentSubmission? = LeadQualificationTests.consent
    ) -> InboundSubmission {
        InboundSubmission(
            firstName: firstName, lastName: lastName, email: email, phone: phone, state: state, zipCode: zipCode, campaignType: .legalPI,
            source: "landing_page_v3", consent: consent
        )
    }

    @Test("the spec's example qualifies, normalised")
    func specExample() {
        let qualification = LeadQualification.qualify(Self.submission(email: " Jane@Example.COM ", phone: "(702) 555-1234", state: "nv"))
        #expect(qualification.passed, "\(qualification.failures)")
        #expect(qualification.contact.phone == "+17025551234")
        #expect(qualification.contact.email == "jane@example.com")
        #expect(qualification.contact.state == "NV")
        #expect(qualification.areaCode?.state == "NV")
    }

    @Test(
        "phones: valid NANP numbers in US area codes in service pass, normalised to E.164",
        arguments: [
            ("+17025551234", "+17025551234"), ("702-555-1234", "+17025551234"), ("1 (212) 555-0199", "+12125550199"),
            ("702.555.1234", "+17025551234"), ("+1 907 555 1234", "+19075551234"),
        ]
    )
    func validPhones(_ phone: String, _ e164: String) {
        let qualification = LeadQualification.qualify(Self.submission(phone: phone))
        #expect(!qualification.failures.contains { $0.field == "phone" }, "\(qualification.failures)")
        #expect(qualification.contact.phone == e164)
    }

    @Test(
        "phones: anything else is rejected with invalid_phone",
        arguments: [
            "702555123",  // nine digits
            "+447025551234",  // not NANP
            "+11025551234",  // area code starts with 1
            "+17021551234",  // exchange starts with 1
            "+19115551234",  // N11 is not an area code
            "+18005551234",  // toll-free: no person lives there
            "+15555551234",  // 555 is not an area code in service
            "+12265551234",  // a Canadian area code
            "phone me", "+1702555123x",
        ]
    )
    func invalidPhones(_ phone: String) {
        let failures = LeadQualification.qualify(Self.submission(phone: phone)).failures
        #expect(failures.map(\.code) == ["invalid_phone"], "\(failures)")
    }

    @Test(
        "emails: syntax is checked",
        arguments: [
            ("jane@example.com", true), ("jane.doe+leads@mail.example.co.uk", true), ("JANE@EXAMPLE.COM", true),
            ("jane@", false), ("@example.com", false), ("jane@example", false), ("jane..doe@example.com", false), ("jane doe@example.com", false),
            ("jane@exa_mple.com", false), ("jane@-example.com", false), ("jane@example.c", false),
        ]
    )
    func emails(_ email: String, _ valid: Bool) {
        let failures = LeadQualification.qualify(Self.submission(email: email)).failures
        #expect(failures.isEmpty == valid, "\(failures)")
        if !valid { #expect(failures.map(\.code) == ["invalid_email"]) }
    }

    @Test(
        "ZIP codes: five digits, in use, and in the lead's state",
        arguments: [
            ("NV", "89101", nil), ("TX", "88510", nil), ("NM", "88510", "zip_state_mismatch"), ("NV", "90210", "zip_state_mismatch"),
            ("DC", "20500", nil), ("VA", "20101", nil), ("DC", "20101", "zip_state_mismatch"), ("NV", "8910", "invalid_zip"),
            ("NV", "89a01", "invalid_zip"), ("NV", "00001", "invalid_zip"), ("AK", "99501", nil), ("HI", "96813", nil),
        ] as [(String, String, String?)]
    )
    func zipCodes(_ state: String, _ zip: String, _ code: String?) {
        let failures = LeadQualification.qualify(Self.submission(state: state, zipCode: zip)).failures
        #expect(failures.map(\.code) == (code.map { [$0] } ?? []), "\(failures)")
    }

    @Test("every missing field and a missing or bad consent is a reason, all at once")
    func everyReason() {
        let missing = LeadQualification.qualify(
            Self.submission(firstName: nil, lastName: " ", email: nil, phone: nil, state: nil, zipCode: nil, consent: nil)
        )
        #expect(Set(missing.failures.map(\.field)) == ["first_name", "last_name", "email", "phone", "state", "zip_code", "consent"])
        #expect(Set(missing.failures.map(\.code)) == ["missing", "missing_consent"])

        let badState = LeadQualification.qualify(Self.submission(state: "ZZ"))
        #expect(badState.failures.map(\.code) == ["invalid_state"])

        let badConsent = LeadQualification.qualify(
            Self.submission(consent: ConsentSubmission(consentType: "maybe", consentText: "", ipAddress: "300.1.1.1"))
        )
        #expect(Set(badConsent.failures.map(\.field)) == ["consent.consent_type", "consent.consent_text", "consent.ip_address"])
        #expect(badConsent.failures.allSatisfy { $0.code == "invalid_consent" })
        #expect(badConsent.consent == nil)
    }

    @Test("the score sums documented signals and explains each; the spec's lead scores 87 with no source history")
    func score() {
        let spec = LeadQualification.qualify(
            Self.submission(consent: ConsentSubmission(consentType: "tcpa_express_written", consentText: "I agree", ipAddress: "203.0.113.42", pageURL: "https://example.com/intake"))
        )
        let (score, signals) = LeadScore.score(spec, history: SourceHistory())
        #expect(score == 87)
        #expect(signals.map(\.name) == ["completeness", "consent", "phone", "email", "source_quality", "source_returns"])
        #expect(signals.reduce(0) { $0 + $1.points } == 87)

        let best = LeadScore.score(LeadQualification.qualify(Self.submission()), history: SourceHistory(leads: 10, qualified: 10, sold: 10, returned: 0))
        #expect(best.score == 100)

        // A source whose leads come back loses points; a lead with nothing valid scores near zero.
        let returned = LeadScore.score(LeadQualification.qualify(Self.submission()), history: SourceHistory(leads: 10, qualified: 10, sold: 10, returned: 4))
        #expect(returned.score == 80)
        let empty = LeadScore.score(
            LeadQualification.qualify(Self.submission(firstName: nil, lastName: nil, email: nil, phone: nil, state: nil, zipCode: nil, consent: nil)),
            history: SourceHistory(leads: 4, qualified: 0, sold: 0, returned: 0)
        )
        #expect(empty.score == 0)
        let disposable = LeadScore.score(LeadQualification.qualify(Self.submission(email: "x@mailinator.com")), history: SourceHistory())
        #expect(disposable.score == best.score - 8 - 5)
    }
}

@Suite("Lead lifecycle rules")
struct LeadLifecycleTests {
    @Test("manual moves follow the documented transitions; accept and return are never manual")
    func transitions() {
        #expect(LeadStatus.qualified.canMove(to: .contacted))
        #expect(LeadStatus.delivered.canMove(to: .contacted))
        #expect(LeadStatus.contacted.canMove(to: .converted))
        #expect(!LeadStatus.closed.canMove(to: .qualified))
        #expect(!LeadStatus.rejected.canMove(to: .qualified), "re-qualifying by hand would skip dedup")
        for status in LeadStatus.allCases {
            #expect(status.canMove(to: status))
            #expect(status == .accepted || !status.canMove(to: .accepted))
            #expect(status == .returned || !status.canMove(to: .returned))
            #expect(status == .sold || !status.canMove(to: .sold))
        }
    }

    @Test("billing periods: parsing, bounds and the month of an instant, in UTC")
    func periods() throws {
        let april = try #require(BillingPeriod("2026-04"))
        #expect(april.description == "2026-04")
        #expect(april.startMilliseconds == 1_775_001_600_000)
        let may = try #require(BillingPeriod("2026-05"))
        #expect(april.endMilliseconds == may.startMilliseconds)
        #expect(BillingPeriod(containingMilliseconds: april.endMilliseconds - 1) == april)
        #expect(BillingPeriod(containingMilliseconds: april.endMilliseconds) == april.next)
        let december = try #require(BillingPeriod("2026-12"))
        #expect(december.next == BillingPeriod("2027-01"))
        for bad in ["2026-4", "2026-13", "2026-00", "26-04", "2026/04", "2026-04-01", "", "abcd-ef"] {
            #expect(BillingPeriod(bad) == nil, "\(bad)")
        }
    }

    @Test("prepaid funds: reservations never let concurrent sales overdraw; invoiced buyers stop at their credit limit")
    func funds() {
        let funds = BuyerFunds()
        #expect(funds.snapshot().canPay(buyerID: "b", priceCents: 1_000_000), "no terms, no limit")
        funds.load(buyerID: "b", terms: BillingTerms(mode: .prepaid), balanceCents: 1000)
        #expect(funds.reserve(buyerID: "b", priceCents: 600))
        #expect(!funds.reserve(buyerID: "b", priceCents: 600), "600 of 1000 is reserved")
        #expect(!funds.snapshot().canPay(buyerID: "b", priceCents: 401))
        funds.release(buyerID: "b", priceCents: 600)
        #expect(funds.reserve(buyerID: "b", priceCents: 600))
        funds.charge(buyerID: "b", priceCents: 600)
        #expect(funds.available(buyerID: "b") == 400)
        funds.add(buyerID: "b", cents: 100)
        #expect(funds.available(buyerID: "b") == 500)

        funds.load(buyerID: "i", terms: BillingTerms(mode: .invoiced, creditLimitCents: 1000), balanceCents: -700)
        #expect(funds.available(buyerID: "i") == 300)
        #expect(!funds.reserve(buyerID: "i", priceCents: 301))
        funds.setTerms(buyerID: "i", terms: BillingTerms(mode: .invoiced))
        #expect(funds.available(buyerID: "i") == nil)
        #expect(funds.snapshot().canPay(buyerID: "i", priceCents: .max))
    }
}
