import LeadEngine
import Testing

@Suite("Field rules")
struct FieldRulesTests {
    @Test("ZIP codes are exactly five ASCII digits", arguments: ["90210", "00501", "99950", "00000"])
    func validZips(zip: String) {
        #expect(FieldRules.isZipCode(zip))
    }

    @Test(
        "anything else is not a ZIP code",
        arguments: ["", "9021", "902100", "9021a", " 9021", "90210 ", "90210-1234", "٩٠٢١٠", "９０２１０", "-9021", "+9021", "9.210"]
    )
    func invalidZips(zip: String) {
        #expect(!FieldRules.isZipCode(zip))
    }

    @Test("51 state codes: the 50 states and DC, upper case")
    func states() {
        #expect(USState.codes.count == 51)
        #expect(Set(USState.codes).count == 51)
        #expect(USState.codes == USState.codes.sorted())
        #expect(USState.codes.allSatisfy { $0.count == 2 && $0 == $0.uppercased() })
        #expect(USState.isValid("DC"))
        #expect(USState.names["DC"] == "District of Columbia")
        for code in ["AL", "AK", "CA", "HI", "NY", "TX", "WY", "WV", "ND", "SD", "NC", "SC"] {
            #expect(USState.isValid(code), "\(code)")
        }
        for code in ["PR", "GU", "VI", "AS", "MP", "ca", "Ca", "", "CAL", "XX", "UM"] {
            #expect(!USState.isValid(code), "\(code)")
        }
    }

    @Test("field helpers add named errors")
    func helpers() {
        var errors = FieldErrors()
        FieldRules.zipCode("123", field: "zip", into: &errors)
        FieldRules.state("ZZ", field: "state", into: &errors)
        FieldRules.webURL("nope", field: "url", into: &errors)
        #expect(FieldRules.campaignType("bogus", field: "type", into: &errors) == nil)
        #expect(FieldRules.campaignType("solar", field: "type", into: &errors) == .solar)
        #expect(errors.all.map(\.field) == ["zip", "state", "url", "type"])
        #expect(throws: ValidationError.self) { try errors.throwIfAny() }

        var none = FieldErrors()
        FieldRules.zipCode("12345", field: "zip", into: &none)
        FieldRules.state("DC", field: "state", into: &none)
        #expect(none.isEmpty)
    }

    @Test("campaign types are spelled as the API spells them")
    func campaignTypes() {
        #expect(CampaignType.allCases.count == 17)
        #expect(CampaignType(rawValue: "legal_pi") == .legalPI)
        #expect(CampaignType(rawValue: "auto_insurance") == .autoInsurance)
        #expect(CampaignType.documentedList.contains("legal_mass_tort"))
    }

    @Test("page requests: bounds checked, offset computed")
    func paging() throws {
        #expect(try PageRequest.validated(page: nil, perPage: nil) == PageRequest(page: 1, perPage: 25))
        #expect(try PageRequest.validated(page: 3, perPage: 100).offset == 200)
        let error = #expect(throws: ValidationError.self) { try PageRequest.validated(page: 0, perPage: 101) }
        #expect(error?.fields.map(\.field) == ["page", "per_page"])
        #expect(throws: ValidationError.self) { try PageRequest.validated(page: 1, perPage: 0) }
    }

    // Regression: `validated` once had no upper bound on `page`, so `?page=9223372036854775807`
    // was accepted and `offset` ((page - 1) * perPage) trapped on overflow in the repositories,
    // crashing the server. The test checks without trapping.
    @Test("a huge page number is refused, or at least yields an offset that does not overflow")
    func hugePage() {
        for page in [Int.max, Int.max / 10, 1 << 60] {
            do {
                let request = try PageRequest.validated(page: page, perPage: 100)
                let overflow = (request.page - 1).multipliedReportingOverflow(by: request.perPage).overflow
                #expect(!overflow, "page \(page) was accepted, and its offset overflows Int")
            } catch {
                #expect(error.fields.map(\.field) == ["page"])
            }
        }
    }
}
