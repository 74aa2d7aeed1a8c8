import LeadEngine
import Testing

@Suite("ZIP code prefixes")
struct ZipCodePrefixesTests {
    /// Real ZIP Codes (USPS city/state data) and the state each one is addressed to.
    static let realZips: [(String, String)] = [
        ("89101", "NV"), ("10001", "NY"), ("00501", "NY"), ("20500", "DC"), ("20101", "VA"), ("96801", "HI"),
        ("99501", "AK"), ("88510", "TX"), ("87501", "NM"), ("83201", "ID"), ("82001", "WY"), ("73301", "TX"),
        ("30301", "GA"), ("39901", "GA"), ("90210", "CA"), ("02903", "RI"), ("03301", "NH"), ("05401", "VT"),
        ("06103", "CT"), ("07102", "NJ"), ("19901", "DE"), ("21201", "MD"), ("25301", "WV"), ("58501", "ND"),
        ("57501", "SD"), ("59601", "MT"), ("68501", "NE"), ("72201", "AR"), ("70112", "LA"), ("71101", "LA"),
        ("97201", "OR"), ("98101", "WA"), ("84101", "UT"), ("85001", "AZ"), ("80202", "CO"), ("46204", "IN"),
        ("48201", "MI"), ("53202", "WI"), ("55101", "MN"), ("40601", "KY"), ("37201", "TN"), ("38101", "TN"),
        ("35203", "AL"), ("39201", "MS"), ("64101", "MO"), ("66101", "KS"), ("60601", "IL"), ("43215", "OH"),
        ("15222", "PA"), ("27601", "NC"), ("29201", "SC"), ("32301", "FL"), ("04101", "ME"), ("01101", "MA"),
        ("50309", "IA"), ("74101", "OK"),
        // Special cases: IRS and other unique ZIPs, and ZIPs in a prefix shared by two or more states.
        ("05501", "MA"), ("56901", "DC"), ("45999", "OH"), ("87654", "NM"), ("39813", "GA"), ("88901", "NV"),
        ("06390", "NY"), ("06320", "CT"), ("73960", "TX"), ("73949", "OK"), ("83414", "WY"), ("83422", "ID"),
        ("20588", "MD"), ("20598", "VA"), ("96799", "AS"),
        // Territories and military.
        ("00901", "PR"), ("00802", "VI"), ("96910", "GU"), ("96950", "MP"), ("96941", "FM"), ("96960", "MH"),
        ("96940", "PW"), ("34001", "AA"), ("09001", "AE"), ("96201", "AP"),
    ]

    /// Real ZIP Codes paired with a neighbouring state they do not belong to.
    static let wrongStates: [(String, String)] = [
        ("89101", "CA"), ("88510", "NM"), ("20101", "DC"), ("83201", "WY"), ("82001", "ID"), ("87501", "TX"),
        ("73301", "OK"), ("39901", "MS"), ("97201", "WA"), ("98101", "OR"), ("02903", "MA"), ("00501", "NJ"),
        ("05501", "VT"), ("56901", "MN"), ("20001", "MD"), ("89101", "AZ"), ("96801", "AS"), ("00901", "VI"),
    ]

    /// Prefixes USPS has not assigned (no ZIP Code starts with them).
    static let unassignedPrefixes: [Int] = [
        0, 1, 2, 3, 4, 213, 269, 343, 345, 348, 353, 419, 428, 429, 517, 518, 519, 529, 533, 536, 552, 568, 578, 579, 589,
        621, 632, 642, 643, 659, 663, 682, 694, 695, 696, 697, 698, 699, 702, 709, 715, 732, 742, 771, 817, 818, 819, 839,
        848, 849, 854, 858, 861, 862, 866, 867, 868, 869, 872, 886, 887, 888, 892, 896, 899, 909, 929, 987,
    ]

    static let territoriesAndMilitary: Set<String> = ["PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW", "AA", "AE", "AP"]

    @Test("a real ZIP code is in its state", arguments: Self.realZips)
    func realZip(zip: String, state: String) {
        #expect(ZipCodePrefixes.zipCode(zip, isIn: state))
        #expect(ZipCodePrefixes.states(forZipCode: zip).contains(state))
    }

    @Test("a real ZIP code is not in a neighbouring state", arguments: Self.wrongStates)
    func wrongNeighbour(zip: String, state: String) {
        #expect(!ZipCodePrefixes.zipCode(zip, isIn: state))
    }

    @Test("every one of the 50 states and DC has at least one prefix")
    func everyStateHasAPrefix() {
        var covered: Set<String> = []
        for prefix in 0...999 { covered.formUnion(ZipCodePrefixes.states(forPrefix: prefix)) }
        for state in USState.codes {
            #expect(covered.contains(state), "\(state) has no prefix")
        }
    }

    @Test("prefixes name only the 51 lead states, territories and military codes, each once")
    func onlyKnownCodes() {
        for prefix in 0...999 {
            let states = ZipCodePrefixes.states(forPrefix: prefix)
            #expect(Set(states).count == states.count, "prefix \(prefix) repeats a state")
            for state in states {
                #expect(USState.isValid(state) || Self.territoriesAndMilitary.contains(state), "prefix \(prefix): \(state)")
            }
        }
    }

    @Test(
        "anything but exactly five ASCII digits has no state",
        arguments: ["8910", "891011", "8910a", "", " 89101", "89101 ", "89101-1234", "８９１０１", "٨٩١٠١", "-8910", "+8910", "8910.", "8\u{301}9101"]
    )
    func malformed(zip: String) {
        #expect(ZipCodePrefixes.states(forZipCode: zip) == [])
        #expect(!ZipCodePrefixes.zipCode(zip, isIn: "NV"))
    }

    @Test("an unassigned prefix has no state", arguments: Self.unassignedPrefixes)
    func unassigned(prefix: Int) {
        #expect(ZipCodePrefixes.states(forPrefix: prefix) == [])
        let zip = String(String(prefix + 1000).dropFirst()) + "01"
        #expect(ZipCodePrefixes.states(forZipCode: zip) == [])
    }

    @Test("a prefix outside 0...999 has no state", arguments: [-1, 1000, Int.min, Int.max])
    func outOfRange(prefix: Int) {
        #expect(ZipCodePrefixes.states(forPrefix: prefix) == [])
    }

    @Test("shared prefixes list every state that uses them; their neighbours stay single")
    func sharedPrefixes() {
        #expect(ZipCodePrefixes.states(forPrefix: 63) == ["CT", "NY"])
        #expect(ZipCodePrefixes.states(forPrefix: 205) == ["DC", "MD", "VA"])
        #expect(ZipCodePrefixes.states(forPrefix: 739) == ["OK", "TX"])
        #expect(ZipCodePrefixes.states(forPrefix: 834) == ["ID", "WY"])
        #expect(ZipCodePrefixes.states(forPrefix: 967) == ["HI", "AS"])
        #expect(ZipCodePrefixes.states(forPrefix: 969) == ["GU", "MP", "FM", "MH", "PW"])
        #expect(ZipCodePrefixes.states(forPrefix: 201) == ["VA"])
        #expect(ZipCodePrefixes.states(forPrefix: 200) == ["DC"])
        #expect(ZipCodePrefixes.states(forPrefix: 885) == ["TX"])
        #expect(ZipCodePrefixes.states(forPrefix: 884) == ["NM"])
        #expect(ZipCodePrefixes.states(forPrefix: 831) == ["WY"])
        #expect(ZipCodePrefixes.states(forPrefix: 968) == ["HI"])
    }

    @Test("the source names the USPS prefix list")
    func source() {
        #expect(ZipCodePrefixes.source.contains("L002"))
        #expect(ZipCodePrefixes.source.contains("https://"))
    }
}
