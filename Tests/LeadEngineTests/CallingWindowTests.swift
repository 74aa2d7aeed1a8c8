import Foundation
import LeadEngine
import Testing

@Suite("Calling windows in the called party's local time")
struct CallingWindowTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var what: String
        var state: String
        var phone: String
        var at: String
        var open: Bool
        var testDescription: String { self.what }
    }

    static let cases: [Case] = [
        Case(what: "Florida panhandle (850): 19:30 Central is 20:30 Eastern, past Florida's 20:00", state: "FL", phone: "+18505551234", at: "2026-04-23T00:30:00Z", open: false),
        Case(what: "Florida panhandle (850): 07:30 Central is closed though Eastern is 08:30", state: "FL", phone: "+18505551234", at: "2026-04-22T12:30:00Z", open: false),
        Case(what: "Florida panhandle (850): 08:30 Central, 09:30 Eastern", state: "FL", phone: "+18505551234", at: "2026-04-22T13:30:00Z", open: true),
        Case(what: "Arizona in summer (602): Phoenix keeps standard time, 20:30 local", state: "AZ", phone: "+16025551234", at: "2026-07-15T03:30:00Z", open: true),
        Case(what: "Arizona in summer (928): the Navajo Nation keeps daylight time, 21:30 there", state: "AZ", phone: "+19285551234", at: "2026-07-15T03:30:00Z", open: false),
        Case(what: "Indiana's split: Indianapolis (317) at 08:30 Eastern", state: "IN", phone: "+13175551234", at: "2026-04-22T12:30:00Z", open: true),
        Case(what: "Indiana's split: northwest Indiana (219) is 07:30 Central", state: "IN", phone: "+12195551234", at: "2026-04-22T12:30:00Z", open: false),
        Case(what: "a Sunday in Alabama: no solicitation calls", state: "AL", phone: "+12055551234", at: "2026-04-26T17:00:00Z", open: false),
        Case(what: "a weekday in Alabama at noon", state: "AL", phone: "+12055551234", at: "2026-04-27T17:00:00Z", open: true),
        Case(what: "a Sunday in Rhode Island: no solicitation calls", state: "RI", phone: "+14015551234", at: "2026-04-26T16:00:00Z", open: false),
        Case(what: "Rhode Island on Saturday at 17:30, past its 17:00", state: "RI", phone: "+14015551234", at: "2026-04-25T21:30:00Z", open: false),
        Case(what: "Texas on Sunday morning, 10:00 Central: Sunday calls start at noon", state: "TX", phone: "+12145551234", at: "2026-04-26T15:00:00Z", open: false),
        Case(what: "Texas on Sunday at 13:00 Central", state: "TX", phone: "+12145551234", at: "2026-04-26T18:00:00Z", open: true),
        Case(what: "Christmas Day in Pennsylvania, which bans holiday calls", state: "PA", phone: "+12155551234", at: "2026-12-25T17:00:00Z", open: false),
        Case(what: "Christmas Day in California, which does not", state: "CA", phone: "+12135551234", at: "2026-12-25T20:00:00Z", open: true),
        Case(what: "the hour after daylight saving ends in New York: 07:30 EST, not 08:30", state: "NY", phone: "+12125551234", at: "2026-11-01T12:30:00Z", open: false),
        Case(what: "an hour later in New York: 08:30 EST", state: "NY", phone: "+12125551234", at: "2026-11-01T13:30:00Z", open: true),
        Case(what: "the day after daylight saving starts in New York: 08:30 EDT", state: "NY", phone: "+12125551234", at: "2026-03-09T12:30:00Z", open: true),
        Case(what: "20:30 in Massachusetts, whose window ends at 20:00", state: "MA", phone: "+16175551234", at: "2026-04-22T00:30:00Z", open: false),
        Case(what: "20:30 in California, whose window ends at 21:00", state: "CA", phone: "+12135551234", at: "2026-04-22T03:30:00Z", open: true),
        Case(what: "a Nevada area code on a New York lead: open only if both places are", state: "NY", phone: "+17025551234", at: "2026-04-22T12:30:00Z", open: false),
    ]

    @Test("the window table", arguments: Self.cases)
    func table(_ example: Case) throws {
        let book = StateRuleBook.shipped
        let rule = try #require(book.rule(for: example.state))
        let instant = try #require(try? Date(example.at, strategy: Date.ISO8601FormatStyle()))
        let zones = CallingWindow.timeZones(phone: example.phone, state: rule)
        let verdict = CallingWindow.evaluate(rule: rule, federalFloor: book.federalFloor, timeZones: zones, atMilliseconds: instant.epochMilliseconds)
        #expect(verdict.open == example.open, "\(verdict.zones.map { "\($0.timeZone) \($0.localDate) \($0.localTime): \($0.reason ?? "open")" })")
        if !verdict.open { #expect(verdict.zones.contains { $0.reason != nil }) }
    }

    @Test("a state whose hours are unknown gets the federal window, with a warning")
    func unknownHours() throws {
        let book = StateRuleBook.shipped
        let nevada = try #require(book.rule(for: "NV"))
        #expect(nevada.callingHours == nil)
        let morning = try #require(try? Date("2026-04-22T15:30:00Z", strategy: Date.ISO8601FormatStyle()))
        let verdict = CallingWindow.evaluate(
            rule: nevada, federalFloor: book.federalFloor, timeZones: ["America/Los_Angeles"], atMilliseconds: morning.epochMilliseconds
        )
        #expect(verdict.open)
        #expect(verdict.warnings.count == 1)
        let night = CallingWindow.evaluate(
            rule: nevada, federalFloor: book.federalFloor, timeZones: ["America/Los_Angeles"], atMilliseconds: morning.epochMilliseconds + 14 * 3_600_000
        )
        #expect(!night.open, "22:30 is past the federal 21:00")
    }
}
