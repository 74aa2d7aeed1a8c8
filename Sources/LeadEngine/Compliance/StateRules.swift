import Foundation

// The state telemarketing rules behind `GET /compliance/rules/{state}` and the calling-window
// checks: one entry per state and DC, read from the `state-rules.json` resource shipped with the
// package. The data follows `shared/reference/state-rules.md` cell by cell; where that research
// found nothing, the field is `nil` ("unknown"), never a guess, so callers must treat `nil` as
// "block or warn", not as "allowed".

/// A day of the week, numbered the way the Gregorian `Calendar` numbers them (Sunday = 1), so
/// `calendar.component(.weekday, from: date)` maps straight to a case with `Weekday(rawValue:)`.
public enum Weekday: Int, CaseIterable, Sendable {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    /// Lower-case English name, as the rules file and the API spell it: "monday".
    public var name: String {
        switch self {
        case .sunday: "sunday"
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        case .saturday: "saturday"
        }
    }

    /// The day named `name` ("monday"), or `nil` for anything else.
    public init?(name: String) {
        guard let day = Weekday.allCases.first(where: { $0.name == name }) else { return nil }
        self = day
    }
}

/// One day's calling window in the called party's local time, as minutes after local midnight.
/// Telephone solicitations may be made from `start` up to `end`.
public struct DailyHours: Sendable, Equatable, Hashable {
    /// First minute calls are allowed, 0..<1440.
    public let startMinutes: Int
    /// The minute calls must stop, after `startMinutes`, at most 1439 (23:59).
    public let endMinutes: Int

    /// A window from `startMinutes` to `endMinutes`; `nil` unless both are times of day (0...1439)
    /// and the window is not empty.
    public init?(startMinutes: Int, endMinutes: Int) {
        guard (0..<1440).contains(startMinutes), (0..<1440).contains(endMinutes), startMinutes < endMinutes else {
            return nil
        }
        self.startMinutes = startMinutes
        self.endMinutes = endMinutes
    }

    /// A window from two "HH:MM" 24-hour times ("08:00", "21:00"); `nil` unless both parse and
    /// `start` is before `end`.
    public init?(start: String, end: String) {
        guard let startMinutes = DailyHours.minutes(from: start), let endMinutes = DailyHours.minutes(from: end) else {
            return nil
        }
        self.init(startMinutes: startMinutes, endMinutes: endMinutes)
    }

    /// "HH:MM", 24-hour: "08:00".
    public var start: String { DailyHours.text(startMinutes) }
    /// "HH:MM", 24-hour: "21:00".
    public var end: String { DailyHours.text(endMinutes) }

    /// Whether a call may start at `minuteOfDay` (minutes after local midnight): from `start`
    /// inclusive to `end` exclusive, so a call is never placed at or after the closing minute.
    public func contains(minuteOfDay: Int) -> Bool {
        startMinutes <= minuteOfDay && minuteOfDay < endMinutes
    }

    /// Whether this window lies entirely inside `other` (a state window inside the federal floor).
    public func isWithin(_ other: DailyHours) -> Bool {
        other.startMinutes <= startMinutes && endMinutes <= other.endMinutes
    }

    /// Minutes after midnight for a strict "HH:MM" (two digits each, 00-23 and 00-59), else `nil`.
    static func minutes(from text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    private static func text(_ minutes: Int) -> String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}

/// A state's calling window for each day of the week. A day without hours is a day with no
/// solicitation calls at all (a Sunday ban).
public struct WeeklyCallingHours: Sendable, Equatable {
    /// Seven slots, Sunday first (index = `Weekday.rawValue - 1`).
    private let days: [DailyHours?]

    /// Hours for each day as `hours(day)` answers; `nil` means no calls that day.
    public init(_ hours: (Weekday) -> DailyHours?) {
        self.days = Weekday.allCases.map(hours)
    }

    /// The window on `day`, or `nil` when calls are banned that day.
    public subscript(day: Weekday) -> DailyHours? { days[day.rawValue - 1] }
}

/// How strongly a state's own telephone-solicitation law reaches, as the reference rates it.
public enum MiniTCPA: String, Sendable {
    /// A post-2021 state TCPA analogue restricting automated calls and texts, with a private right
    /// of action, called a mini-TCPA by several law-firm sources (FL, OK, WA, MD).
    case core
    /// At least one law-firm source calls it a mini-TCPA or a new or strengthened state TCPA.
    case broad
    /// No mini-TCPA found.
    case noneFound = "none"
}

/// Which do-not-call list a caller must scrub against for the state, beyond its internal list.
public enum StateDoNotCallList: String, Sendable {
    /// A separate state list that must be bought or subscribed to and scrubbed.
    case ownList = "own_list"
    /// The state uses or adopts the FTC National Registry; no separate download.
    case national
}

/// Telemarketing rules of one jurisdiction (a state or DC). Every optional is `nil` where the
/// reference says "unknown": nothing was found either way.
public struct StateRule: Sendable, Equatable {
    /// Two-letter USPS code: "NV", "DC".
    public let code: String
    public let name: String
    /// IANA time zones of every part of the state, the one most of it uses first. A call must fit
    /// the window in all of them when the called party's zone is not known for sure.
    public let timeZones: [String]
    /// Local calling hours by day, at the called party. `nil` when the state's own window is
    /// unknown (the federal floor still applies). Where only the federal floor was found, every
    /// day is 08:00-21:00.
    public let callingHours: WeeklyCallingHours?
    /// Where the hours come from and what qualifies them (vendor table only, conflicting sources).
    public let callingHoursNote: String?
    /// Whether solicitation calls are banned on (legal or state) holidays.
    public let holidayBan: Bool?
    /// Which holidays, as the reference words it; the calendars differ by state.
    public let holidaysNote: String?
    /// Whether recording a call needs every party's consent. Conservative where the law is
    /// nuanced or contested (`recordingConsentNote` says how).
    public let allPartyRecordingConsent: Bool?
    public let recordingConsentNote: String?
    /// Whether a seller or telemarketer must register, be licensed or get a permit before calling
    /// into the state.
    public let telemarketerRegistrationRequired: Bool?
    /// Agency, fees and scope of the registration, or why it is unknown.
    public let registrationNote: String?
    public let miniTCPA: MiniTCPA?
    /// The law and its date, or why a state was not rated.
    public let miniTCPANote: String?
    public let stateDoNotCallList: StateDoNotCallList?
    public let stateDoNotCallListNote: String?
    /// Most solicitation calls to one person on the same subject in 24 hours; `nil` where the
    /// reference found no state cap.
    public let maxCallsPer24Hours: Int?
    /// Further restrictions in short sentences (disclosures, automated-call limits, text rules).
    public let additionalRestrictions: [String]
    /// Every URL the reference cites for this jurisdiction's entries.
    public let sources: [String]
}

/// Every jurisdiction's rules (the 50 states and DC), checked on load so that a defect in the
/// data file is found before any call is judged by it.
public struct StateRuleBook: Sendable {
    /// The 50 states plus DC.
    public static let jurisdictionCount = 51

    /// The research document the data was built from.
    public let sourceDocument: String
    /// The federal window that applies everywhere (47 CFR 64.1200(c)(1), 16 CFR 310.4(c)):
    /// 08:00-21:00 at the called party. State windows are stricter, never wider.
    public let federalFloor: DailyHours
    public let federalFloorSources: [String]
    /// Every rule, sorted by code.
    public let all: [StateRule]
    private let byCode: [String: StateRule]

    /// The rule for a two-letter code, in any letter case ("nv" finds Nevada); `nil` when unknown.
    public func rule(for code: String) -> StateRule? { byCode[code.uppercased()] }

    /// Why a rules document was rejected.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        /// Not JSON, or not the expected shape (a field missing or of the wrong type).
        case malformed(String)
        /// Not exactly one entry per state and DC.
        case wrongJurisdictionCount(Int)
        /// The same code appears twice.
        case duplicateCode(String)
        /// One entry breaks a rule: a bad code, time or day, or no time zone.
        case invalidEntry(code: String, reason: String)

        public var description: String {
            switch self {
            case .malformed(let detail): "state rules: malformed document: \(detail)"
            case .wrongJurisdictionCount(let count):
                "state rules: \(count) jurisdictions, expected \(StateRuleBook.jurisdictionCount)"
            case .duplicateCode(let code): "state rules: \(code) is listed twice"
            case .invalidEntry(let code, let reason): "state rules: \(code): \(reason)"
            }
        }
    }

    /// Reads and validates a rules document (the `state-rules.json` format): exactly 51
    /// jurisdictions, unique two-letter codes, all seven days given for known hours, valid
    /// "HH:MM" times with start before end, at least one time zone each.
    public static func load(from data: Data) throws -> StateRuleBook {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw LoadError.malformed(Self.describe(error))
        } catch {
            throw LoadError.malformed(String(describing: error))
        }
        guard let floor = DailyHours(start: document.federalFloor.start, end: document.federalFloor.end) else {
            throw LoadError.malformed("federal_floor is not a valid HH:MM window")
        }
        guard document.jurisdictions.count == jurisdictionCount else {
            throw LoadError.wrongJurisdictionCount(document.jurisdictions.count)
        }
        var byCode: [String: StateRule] = [:]
        for entry in document.jurisdictions {
            let rule = try entry.rule()
            guard byCode.updateValue(rule, forKey: rule.code) == nil else { throw LoadError.duplicateCode(rule.code) }
        }
        return StateRuleBook(
            sourceDocument: document.sourceDocument, federalFloor: floor, federalFloorSources: document.federalFloor.sources,
            all: byCode.values.sorted { $0.code < $1.code }, byCode: byCode
        )
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "document" : String(path.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): \(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }
}

// MARK: - The file format

/// The JSON document, as written. Optional fields must be present, `null` when unknown, so a
/// forgotten field is an error rather than a silent "unknown".
private struct Document: Decodable {
    let sourceDocument: String
    let federalFloor: FederalFloor
    let jurisdictions: [Entry]

    enum CodingKeys: String, CodingKey {
        case sourceDocument = "source_document", federalFloor = "federal_floor", jurisdictions
    }

    struct FederalFloor: Decodable {
        let start: String
        let end: String
        let sources: [String]
    }

    struct Hours: Decodable {
        let start: String
        let end: String
    }

    struct Entry: Decodable {
        let code: String
        let name: String
        let timeZones: [String]
        /// `nil`: hours unknown; a day mapped to `nil`: no calls that day.
        let callingHours: [String: Hours?]?
        let callingHoursNote: String?
        let holidayBan: Bool?
        let holidaysNote: String?
        let allPartyRecordingConsent: Bool?
        let recordingConsentNote: String?
        let telemarketerRegistrationRequired: Bool?
        let registrationNote: String?
        let miniTCPA: String?
        let miniTCPANote: String?
        let stateDoNotCallList: String?
        let stateDoNotCallListNote: String?
        let maxCallsPer24Hours: Int?
        let additionalRestrictions: [String]
        let sources: [String]

        enum CodingKeys: String, CodingKey {
            case code, name
            case timeZones = "time_zones"
            case callingHours = "calling_hours"
            case callingHoursNote = "calling_hours_note"
            case holidayBan = "holiday_ban"
            case holidaysNote = "holidays_note"
            case allPartyRecordingConsent = "all_party_recording_consent"
            case recordingConsentNote = "recording_consent_note"
            case telemarketerRegistrationRequired = "telemarketer_registration_required"
            case registrationNote = "registration_note"
            case miniTCPA = "mini_tcpa"
            case miniTCPANote = "mini_tcpa_note"
            case stateDoNotCallList = "state_dnc_list"
            case stateDoNotCallListNote = "state_dnc_note"
            case maxCallsPer24Hours = "max_calls_per_24h"
            case additionalRestrictions = "additional_restrictions"
            case sources
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            /// A field that must be present but may be `null`.
            func nullable<T: Decodable>(_ type: T.Type, _ key: CodingKeys) throws -> T? {
                guard container.contains(key) else {
                    throw DecodingError.keyNotFound(
                        key, .init(codingPath: container.codingPath, debugDescription: "required, null when unknown"))
                }
                return try container.decodeNil(forKey: key) ? nil : container.decode(T.self, forKey: key)
            }
            code = try container.decode(String.self, forKey: .code)
            name = try container.decode(String.self, forKey: .name)
            timeZones = try container.decode([String].self, forKey: .timeZones)
            callingHours = try nullable([String: Hours?].self, .callingHours)
            callingHoursNote = try nullable(String.self, .callingHoursNote)
            holidayBan = try nullable(Bool.self, .holidayBan)
            holidaysNote = try nullable(String.self, .holidaysNote)
            allPartyRecordingConsent = try nullable(Bool.self, .allPartyRecordingConsent)
            recordingConsentNote = try nullable(String.self, .recordingConsentNote)
            telemarketerRegistrationRequired = try nullable(Bool.self, .telemarketerRegistrationRequired)
            registrationNote = try nullable(String.self, .registrationNote)
            miniTCPA = try nullable(String.self, .miniTCPA)
            miniTCPANote = try nullable(String.self, .miniTCPANote)
            stateDoNotCallList = try nullable(String.self, .stateDoNotCallList)
            stateDoNotCallListNote = try nullable(String.self, .stateDoNotCallListNote)
            maxCallsPer24Hours = try nullable(Int.self, .maxCallsPer24Hours)
            additionalRestrictions = try container.decode([String].self, forKey: .additionalRestrictions)
            sources = try container.decode([String].self, forKey: .sources)
        }

        /// The validated rule, or the first thing wrong with the entry.
        func rule() throws -> StateRule {
            func invalid(_ reason: String) -> StateRuleBook.LoadError { .invalidEntry(code: code, reason: reason) }
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw invalid("the code is not two upper-case letters")
            }
            guard !name.isEmpty else { throw invalid("no name") }
            guard !timeZones.isEmpty else { throw invalid("no time zone") }
            let miniTCPA = try self.miniTCPA.map { text in
                guard let rating = MiniTCPA(rawValue: text) else { throw invalid("mini_tcpa \"\(text)\" is not core, broad or none") }
                return rating
            }
            let list = try stateDoNotCallList.map { text in
                guard let list = StateDoNotCallList(rawValue: text) else {
                    throw invalid("state_dnc_list \"\(text)\" is not own_list or national")
                }
                return list
            }
            if let maxCallsPer24Hours, maxCallsPer24Hours < 1 { throw invalid("max_calls_per_24h must be positive") }
            return StateRule(
                code: code, name: name, timeZones: timeZones, callingHours: try week(invalid),
                callingHoursNote: callingHoursNote, holidayBan: holidayBan, holidaysNote: holidaysNote,
                allPartyRecordingConsent: allPartyRecordingConsent, recordingConsentNote: recordingConsentNote,
                telemarketerRegistrationRequired: telemarketerRegistrationRequired, registrationNote: registrationNote,
                miniTCPA: miniTCPA, miniTCPANote: miniTCPANote, stateDoNotCallList: list,
                stateDoNotCallListNote: stateDoNotCallListNote, maxCallsPer24Hours: maxCallsPer24Hours,
                additionalRestrictions: additionalRestrictions, sources: sources
            )
        }

        /// All seven days must be named, so a missing day cannot pass for a Sunday ban.
        private func week(_ invalid: (String) -> StateRuleBook.LoadError) throws -> WeeklyCallingHours? {
            guard let callingHours else { return nil }
            if let stray = callingHours.keys.sorted().first(where: { Weekday(name: $0) == nil }) {
                throw invalid("calling_hours has an unknown day \"\(stray)\"")
            }
            var days: [Weekday: DailyHours] = [:]
            for day in Weekday.allCases {
                guard let slot = callingHours[day.name] else { throw invalid("calling_hours has no \(day.name)") }
                guard let hours = slot else { continue }
                guard DailyHours.minutes(from: hours.start) != nil, DailyHours.minutes(from: hours.end) != nil else {
                    throw invalid("\(day.name) \(hours.start)-\(hours.end) is not HH:MM-HH:MM")
                }
                guard let window = DailyHours(start: hours.start, end: hours.end) else {
                    throw invalid("\(day.name) starts at \(hours.start), not before its end \(hours.end)")
                }
                days[day] = window
            }
            return WeeklyCallingHours { days[$0] }
        }
    }
}
