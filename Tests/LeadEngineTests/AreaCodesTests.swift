import Foundation
import LeadEngine
import Testing

@Suite("US area codes")
struct AreaCodesTests {
    struct Known: Sendable, CustomTestStringConvertible {
        let code: Int
        let state: String
        let zones: Set<String>
        var testDescription: String { "\(code) \(state)" }
    }

    static let eastern = "America/New_York"
    static let central = "America/Chicago"
    static let mountain = "America/Denver"
    static let pacific = "America/Los_Angeles"

    static let known: [Known] = [
        Known(code: 702, state: "NV", zones: [pacific]),
        Known(code: 775, state: "NV", zones: [pacific, mountain]),
        Known(code: 212, state: "NY", zones: [eastern]),
        Known(code: 917, state: "NY", zones: [eastern]),
        Known(code: 213, state: "CA", zones: [pacific]),
        Known(code: 415, state: "CA", zones: [pacific]),
        Known(code: 305, state: "FL", zones: [eastern]),
        Known(code: 645, state: "FL", zones: [eastern]),
        Known(code: 689, state: "FL", zones: [eastern]),
        Known(code: 850, state: "FL", zones: [central, eastern]),
        Known(code: 448, state: "FL", zones: [central, eastern]),
        Known(code: 208, state: "ID", zones: ["America/Boise", pacific]),
        Known(code: 986, state: "ID", zones: ["America/Boise", pacific]),
        Known(code: 541, state: "OR", zones: [pacific, "America/Boise"]),
        Known(code: 503, state: "OR", zones: [pacific]),
        Known(code: 206, state: "WA", zones: [pacific]),
        Known(code: 915, state: "TX", zones: [mountain]),
        Known(code: 214, state: "TX", zones: [central]),
        Known(code: 713, state: "TX", zones: [central]),
        Known(code: 806, state: "TX", zones: [central]),
        Known(code: 907, state: "AK", zones: ["America/Anchorage", "America/Adak"]),
        Known(code: 808, state: "HI", zones: ["Pacific/Honolulu"]),
        Known(code: 602, state: "AZ", zones: ["America/Phoenix"]),
        Known(code: 928, state: "AZ", zones: ["America/Phoenix", mountain]),
        Known(code: 303, state: "CO", zones: [mountain]),
        Known(code: 983, state: "CO", zones: [mountain]),
        Known(code: 801, state: "UT", zones: [mountain]),
        Known(code: 317, state: "IN", zones: ["America/Indiana/Indianapolis"]),
        Known(code: 812, state: "IN", zones: ["America/Indiana/Indianapolis", central]),
        Known(code: 219, state: "IN", zones: [central, "America/Indiana/Indianapolis"]),
        Known(code: 313, state: "MI", zones: ["America/Detroit"]),
        Known(code: 906, state: "MI", zones: ["America/Detroit", "America/Menominee"]),
        Known(code: 502, state: "KY", zones: ["America/Kentucky/Louisville"]),
        Known(code: 270, state: "KY", zones: [central, eastern]),
        Known(code: 423, state: "TN", zones: [eastern, central]),
        Known(code: 615, state: "TN", zones: [central]),
        Known(code: 865, state: "TN", zones: [eastern]),
        Known(code: 931, state: "TN", zones: [central]),
        Known(code: 605, state: "SD", zones: [central, mountain]),
        Known(code: 701, state: "ND", zones: [central, mountain]),
        Known(code: 308, state: "NE", zones: [central, mountain]),
        Known(code: 785, state: "KS", zones: [central, mountain]),
        Known(code: 312, state: "IL", zones: [central]),
        Known(code: 404, state: "GA", zones: [eastern]),
        Known(code: 617, state: "MA", zones: [eastern]),
        Known(code: 472, state: "NC", zones: [eastern]),
        Known(code: 202, state: "DC", zones: [eastern]),
        Known(code: 771, state: "DC", zones: [eastern]),
        Known(code: 787, state: "PR", zones: ["America/Puerto_Rico"]),
        Known(code: 939, state: "PR", zones: ["America/Puerto_Rico"]),
        Known(code: 340, state: "VI", zones: ["America/St_Thomas"]),
        Known(code: 671, state: "GU", zones: ["Pacific/Guam"]),
        Known(code: 684, state: "AS", zones: ["Pacific/Pago_Pago"]),
        Known(code: 670, state: "MP", zones: ["Pacific/Saipan"]),
    ]

    /// N11 service codes, an unassigned code, toll-free, premium, personal-communications, government and
    /// carrier codes, expansion codes, Canada and the Caribbean, and numbers that are not three digits.
    static let notUS: [Int] = [
        -1, 0, 100, 199, 211, 311, 411, 511, 611, 711, 811, 911, 555, 800, 833, 844, 855, 866, 877, 888, 900,
        500, 521, 533, 544, 566, 577, 588, 600, 700, 710, 950, 958, 976, 290, 370, 960, 204, 416, 604, 905, 242, 876, 809,
        1000, 12_345,
    ]

    static let statesAndDC: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC",
        "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
    ]
    static let territories: Set<String> = ["PR", "VI", "GU", "AS", "MP"]

    @Test("a known area code gives its state and every zone it is used in", arguments: AreaCodesTests.known)
    func knownCode(_ known: Known) throws {
        let entry = try #require(AreaCodes.lookUp(known.code))
        #expect(entry.code == known.code)
        #expect(entry.state == known.state)
        #expect(Set(entry.timeZones) == known.zones)
        #expect(entry.timeZones.count == known.zones.count, "no zone is listed twice")
    }

    @Test("service, non-geographic, foreign and out-of-range codes are not US area codes", arguments: AreaCodesTests.notUS)
    func notAUSAreaCode(_ code: Int) {
        #expect(AreaCodes.lookUp(code) == nil)
    }

    @Test("every state and DC has an area code, and so does every territory")
    func everyStateCovered() {
        let states = Set(AreaCodes.all.map(\.state))
        #expect(Self.statesAndDC.subtracting(states).isEmpty, "without an area code: \(Self.statesAndDC.subtracting(states))")
        #expect(Self.territories.subtracting(states).isEmpty, "without an area code: \(Self.territories.subtracting(states))")
        let expected = Self.statesAndDC.union(Self.territories)
        #expect(states.subtracting(expected).isEmpty, "not a state, DC or territory: \(states.subtracting(expected))")
    }

    @Test("every entry has distinct, real IANA time zones")
    func zonesAreReal() {
        for entry in AreaCodes.all {
            #expect(!entry.timeZones.isEmpty, "\(entry.code) has no time zone")
            #expect(Set(entry.timeZones).count == entry.timeZones.count, "\(entry.code) lists a zone twice")
            for zone in entry.timeZones {
                #expect(TimeZone(identifier: zone) != nil, "\(entry.code): \(zone) is not a time zone")
                #expect(zone.hasPrefix("America/") || zone.hasPrefix("Pacific/"), "\(entry.code): \(zone)")
            }
        }
    }

    @Test("only geographic codes: none below 200, no N11 or other easily recognizable code, no N9X expansion code")
    func onlyGeographicCodes() {
        for entry in AreaCodes.all {
            let middle = entry.code / 10 % 10
            let last = entry.code % 10
            #expect((200...999).contains(entry.code), "\(entry.code)")
            #expect(entry.code % 100 != 11, "\(entry.code) is an N11 code")
            #expect(middle != last, "\(entry.code) is an easily recognizable code (800, 888, 900…)")
            #expect(middle != 9, "\(entry.code) is reserved for expansion")
            #expect(![37, 96].contains(entry.code / 10), "\(entry.code) is reserved")
            #expect(![456, 500, 600, 700, 710, 900].contains(entry.code), "\(entry.code) is non-geographic")
        }
    }

    @Test("all is sorted, unique, and agrees with lookUp")
    func allAgreesWithLookUp() {
        let all = AreaCodes.all
        let codes = all.map(\.code)
        #expect(codes == codes.sorted())
        #expect(Set(codes).count == codes.count)
        #expect(all.count >= 360, "\(all.count) area codes: the table looks truncated")
        for entry in all { #expect(AreaCodes.lookUp(entry.code) == entry) }
        #expect((0...999).filter { AreaCodes.lookUp($0) != nil }.count == all.count)
    }

    @Test("the table names its sources")
    func source() {
        #expect(AreaCodes.source.contains("nationalnanpa.com"))
        #expect(AreaCodes.source.contains("49 CFR Part 71"))
    }
}
