import Foundation
import LeadEngine
import Testing

/// The shipped state rules against the federal floor and against facts the reference
/// (`shared/reference/state-rules.md`) states outright, plus the loader's validation.
@Suite("State telemarketing rules")
struct StateRulesTests {
    let book = StateRuleBook.shipped

    static let jurisdictions: [String] = [
        "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS",
        "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV",
        "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
    ]

    func rule(_ code: String) throws -> StateRule { try #require(book.rule(for: code)) }

    func hours(_ code: String, _ day: Weekday) throws -> DailyHours? {
        let week = try self.rule(code).callingHours
        return try #require(week, "\(code) has known hours")[day]
    }

    // MARK: - The whole book

    @Test func holdsTheFiftyStatesAndDCOnce() {
        #expect(book.all.count == 51)
        #expect(book.all.map(\.code) == Self.jurisdictions)
        #expect(book.rule(for: "nv")?.name == "Nevada")
        #expect(book.rule(for: "PR") == nil)
    }

    @Test func everyEntryNamesItsSources() {
        for rule in book.all {
            #expect(!rule.sources.isEmpty, "\(rule.code) has no source")
            for url in rule.sources {
                #expect(url.hasPrefix("http://") || url.hasPrefix("https://"), "\(rule.code): \(url)")
            }
        }
        #expect(!book.federalFloorSources.isEmpty)
    }

    @Test func everyWindowIsInsideTheFederalFloor() throws {
        #expect(book.federalFloor.start == "08:00")
        #expect(book.federalFloor.end == "21:00")
        for rule in book.all {
            guard let week = rule.callingHours else { continue }
            for day in Weekday.allCases {
                guard let window = week[day] else { continue }
                #expect(window.startMinutes >= 8 * 60, "\(rule.code) \(day.name) starts at \(window.start)")
                #expect(window.endMinutes <= 21 * 60, "\(rule.code) \(day.name) ends at \(window.end)")
                #expect(window.startMinutes < window.endMinutes, "\(rule.code) \(day.name)")
                #expect(window.isWithin(book.federalFloor))
            }
        }
    }

    @Test func everyTimeZoneIsKnownToFoundation() {
        for rule in book.all {
            #expect(!rule.timeZones.isEmpty, "\(rule.code) has no time zone")
            for zone in rule.timeZones {
                #expect(TimeZone(identifier: zone) != nil, "\(rule.code): \(zone)")
            }
            #expect(Set(rule.timeZones).count == rule.timeZones.count, "\(rule.code) repeats a zone")
        }
    }

    @Test(arguments: [
        ("FL", ["America/New_York", "America/Chicago"]),
        ("IN", ["America/Indiana/Indianapolis", "America/Indiana/Tell_City", "America/Indiana/Knox", "America/Chicago"]),
        ("KY", ["America/New_York", "America/Kentucky/Louisville", "America/Chicago"]),
        ("TN", ["America/Chicago", "America/New_York"]),
        ("TX", ["America/Chicago", "America/Denver"]),
        ("ID", ["America/Boise", "America/Los_Angeles"]),
        ("OR", ["America/Los_Angeles", "America/Boise"]),
        ("NE", ["America/Chicago", "America/Denver"]),
        ("KS", ["America/Chicago", "America/Denver"]),
        ("ND", ["America/Chicago", "America/North_Dakota/Center", "America/Denver"]),
        ("SD", ["America/Chicago", "America/Denver"]),
        ("MI", ["America/Detroit", "America/Menominee"]),
        ("AK", ["America/Anchorage", "America/Adak"]),
        ("AZ", ["America/Phoenix", "America/Denver"]),
    ])
    func multiZoneStatesListEveryZone(code: String, zones: [String]) throws {
        let rule = try self.rule(code)
        #expect(rule.timeZones.first == zones.first, "primary zone of \(code)")
        for zone in zones {
            #expect(rule.timeZones.contains(zone), "\(code) lacks \(zone)")
        }
    }

    @Test func singleZoneStates() throws {
        #expect(try rule("HI").timeZones == ["Pacific/Honolulu"])
        #expect(try rule("NY").timeZones == ["America/New_York"])
        #expect(try rule("CA").timeZones == ["America/Los_Angeles"])
    }

    // MARK: - Facts the reference states

    @Test func alabamaBansSundaysAndHolidays() throws {
        #expect(try hours("AL", .sunday) == nil)
        #expect(try hours("AL", .monday) == DailyHours(start: "08:00", end: "20:00"))
        #expect(try hours("AL", .saturday) == DailyHours(start: "08:00", end: "20:00"))
        #expect(try rule("AL").holidayBan == true)
    }

    @Test func rhodeIslandKeepsShortHoursAndNoSundays() throws {
        #expect(try hours("RI", .friday) == DailyHours(start: "09:00", end: "18:00"))
        #expect(try hours("RI", .saturday) == DailyHours(start: "10:00", end: "17:00"))
        #expect(try hours("RI", .sunday) == nil)
        #expect(try rule("RI").holidayBan == true)
    }

    @Test func mississippiBansSundaysButNoLongerHolidays() throws {
        #expect(try hours("MS", .sunday) == nil)
        #expect(try hours("MS", .wednesday) == DailyHours(start: "08:00", end: "20:00"))
        #expect(try rule("MS").holidayBan == false)
    }

    @Test func texasOpensAtNoonOnSundays() throws {
        #expect(try hours("TX", .sunday) == DailyHours(start: "12:00", end: "21:00"))
        #expect(try hours("TX", .monday) == DailyHours(start: "09:00", end: "21:00"))
        #expect(try rule("TX").miniTCPA == .broad)
        #expect(try rule("TX").stateDoNotCallList == .ownList)
    }

    @Test func floridaCoreMiniTCPA() throws {
        let florida = try self.rule("FL")
        for day in Weekday.allCases {
            #expect(try hours("FL", day) == DailyHours(start: "08:00", end: "20:00"))
        }
        #expect(florida.maxCallsPer24Hours == 3)
        #expect(florida.miniTCPA == .core)
        #expect(florida.stateDoNotCallList == .ownList)
        #expect(florida.allPartyRecordingConsent == true)
    }

    @Test func connecticutNineToEight() throws {
        #expect(try hours("CT", .tuesday) == DailyHours(start: "09:00", end: "20:00"))
        #expect(try rule("CT").telemarketerRegistrationRequired == nil)
    }

    @Test func federalOnlyStatesGetTheFloorEveryDay() throws {
        for day in Weekday.allCases {
            #expect(try hours("OH", day) == DailyHours(start: "08:00", end: "21:00"))
        }
        #expect(try rule("OH").holidayBan == false)
    }

    @Test func unknownHoursStayUnknown() throws {
        #expect(try rule("ND").callingHours == nil)
        #expect(try rule("NV").callingHours == nil)
        #expect(book.all.filter { $0.callingHours == nil }.map(\.code) == ["ND", "NV"])
    }

    @Test func recordingConsent() throws {
        #expect(try rule("CA").allPartyRecordingConsent == true)
        #expect(try rule("NY").allPartyRecordingConsent == false)
        #expect(try rule("TX").allPartyRecordingConsent == false)
        let conservative = book.all.filter { $0.allPartyRecordingConsent == true }.map(\.code)
        #expect(
            Set(conservative) == ["CA", "CT", "DE", "FL", "IL", "MD", "MA", "MI", "MT", "NV", "NH", "OR", "PA", "WA"])
        #expect(try rule("MI").recordingConsentNote != nil)
        #expect(try rule("OR").recordingConsentNote != nil)
    }

    @Test func frequencyCapsOnlyWhereFound() {
        let capped = book.all.filter { $0.maxCallsPer24Hours != nil }
        #expect(capped.map(\.code) == ["FL", "MD", "OK"])
        #expect(capped.allSatisfy { $0.maxCallsPer24Hours == 3 })
    }

    @Test func stateListsAndMiniTCPAs() {
        let ownLists = book.all.filter { $0.stateDoNotCallList == .ownList }.map(\.code)
        #expect(Set(ownLists) == ["CO", "FL", "IN", "LA", "MA", "MO", "MS", "OK", "PA", "TN", "TX", "WY"])
        let core = book.all.filter { $0.miniTCPA == .core }.map(\.code)
        #expect(Set(core) == ["FL", "MD", "OK", "WA"])
        let broad = book.all.filter { $0.miniTCPA == .broad }.map(\.code)
        #expect(Set(broad) == ["AZ", "CT", "GA", "NY", "TX", "VA"])
    }

    @Test func registration() throws {
        #expect(try rule("CA").telemarketerRegistrationRequired == true)
        #expect(try rule("WA").telemarketerRegistrationRequired == true)
        #expect(try rule("NY").telemarketerRegistrationRequired == nil)
    }

    @Test func weekdaysFollowTheGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let sunday = try #require(calendar.date(from: DateComponents(year: 2026, month: 3, day: 1)))
        #expect(Weekday(rawValue: calendar.component(.weekday, from: sunday)) == .sunday)
        #expect(Weekday.monday.name == "monday")
        #expect(Weekday(name: "saturday") == .saturday)
    }

    // MARK: - Loader validation

    @Test func loadsAValidDocument() throws {
        let loaded = try StateRuleBook.load(from: Self.document(Self.jurisdictions.map { Self.entry($0) }))
        #expect(loaded.all.count == 51)
        #expect(loaded.rule(for: "NV")?.callingHours?[.sunday] == nil)
        #expect(loaded.rule(for: "NV")?.callingHours?[.monday] == DailyHours(start: "08:00", end: "21:00"))
    }

    @Test func rejectsFiftyEntries() {
        let entries = Self.jurisdictions.dropLast().map { Self.entry($0) }
        #expect(throws: StateRuleBook.LoadError.wrongJurisdictionCount(50)) {
            try StateRuleBook.load(from: Self.document(entries))
        }
    }

    @Test func rejectsADuplicateCode() {
        let codes = Self.jurisdictions.filter { $0 != "NY" } + ["NV"]
        #expect(throws: StateRuleBook.LoadError.duplicateCode("NV")) {
            try StateRuleBook.load(from: Self.document(codes.map { Self.entry($0) }))
        }
    }

    @Test(arguments: [("08:00", "25:00"), ("8:00", "21:00"), ("08:60", "21:00"), ("21:00", "08:00"), ("09:00", "09:00")])
    func rejectsABadTime(start: String, end: String) throws {
        let entries = Self.jurisdictions.map { Self.entry($0, start: $0 == "NV" ? start : "08:00", end: $0 == "NV" ? end : "21:00") }
        let error = #expect(throws: StateRuleBook.LoadError.self) { try StateRuleBook.load(from: Self.document(entries)) }
        guard case .invalidEntry(let code, _) = try #require(error) else {
            Issue.record("expected invalidEntry, got \(String(describing: error))")
            return
        }
        #expect(code == "NV")
    }

    @Test func rejectsAMissingDayOrField() {
        var noSunday = Self.entry("NV")
        var week = noSunday["calling_hours"] as? [String: Any] ?? [:]
        week["sunday"] = nil
        noSunday["calling_hours"] = week
        #expect(throws: StateRuleBook.LoadError.self) {
            try StateRuleBook.load(from: Self.document(Self.jurisdictions.map { $0 == "NV" ? noSunday : Self.entry($0) }))
        }
        var noBan = Self.entry("NV")
        noBan["holiday_ban"] = nil
        #expect(throws: StateRuleBook.LoadError.self) {
            try StateRuleBook.load(from: Self.document(Self.jurisdictions.map { $0 == "NV" ? noBan : Self.entry($0) }))
        }
        #expect(throws: StateRuleBook.LoadError.self) { try StateRuleBook.load(from: Data("{".utf8)) }
    }

    // MARK: - Synthetic documents

    /// A minimal valid entry: federal hours Monday to Saturday, no calls on Sunday, all else unknown.
    static func entry(_ code: String, start: String = "08:00", end: String = "21:00") -> [String: Any] {
        var week: [String: Any] = [:]
        for day in Weekday.allCases { week[day.name] = day == .sunday ? NSNull() : ["start": start, "end": end] }
        var entry: [String: Any] = [
            "code": code, "name": "State \(code)", "time_zones": ["America/New_York"], "calling_hours": week,
            "additional_restrictions": [String](), "sources": ["https://example.com/\(code)"],
        ]
        for key in [
            "calling_hours_note", "holiday_ban", "holidays_note", "all_party_recording_consent", "recording_consent_note",
            "telemarketer_registration_required", "registration_note", "mini_tcpa", "mini_tcpa_note", "state_dnc_list",
            "state_dnc_note", "max_calls_per_24h",
        ] {
            entry[key] = NSNull()
        }
        return entry
    }

    static func document(_ entries: [[String: Any]]) throws -> Data {
        let document: [String: Any] = [
            "source_document": "test",
            "federal_floor": ["start": "08:00", "end": "21:00", "sources": ["https://example.com/floor"]],
            "jurisdictions": entries,
        ]
        return try JSONSerialization.data(withJSONObject: document)
    }
}
