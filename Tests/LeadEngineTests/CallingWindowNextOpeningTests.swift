import Foundation
import LeadEngine
import Testing

@Suite("Calling window: the next instant it opens, computed from the rules")
struct CallingWindowNextOpeningTests {
    let rules = StateRuleBook.shipped

    func milliseconds(_ iso: String) throws -> Int64 {
        try #require(try? Date(iso, strategy: .iso8601)).epochMilliseconds
    }

    func opening(state: String, phone: String, from iso: String) throws -> Int64? {
        let rule = try #require(self.rules.rule(for: state))
        return CallingWindow.nextOpening(
            rule: rule, federalFloor: self.rules.federalFloor, timeZones: CallingWindow.timeZones(phone: phone, state: rule),
            fromMilliseconds: try self.milliseconds(iso)
        )
    }

    @Test("daylight saving: 08:00 local the morning the clocks change, in both directions")
    func daylightSaving() throws {
        // Saturday 21:30 PST; Sunday 8 March 2026 starts PDT (UTC-7): 08:00 is 15:00Z, not 16:00Z.
        #expect(try self.opening(state: "CA", phone: "+12135550100", from: "2026-03-08T05:30:00Z") == self.milliseconds("2026-03-08T15:00:00Z"))
        // Saturday 21:30 PDT; Sunday 1 November 2026 is back on PST (UTC-8): 08:00 is 16:00Z.
        #expect(try self.opening(state: "CA", phone: "+12135550100", from: "2026-11-01T04:30:00Z") == self.milliseconds("2026-11-01T16:00:00Z"))
    }

    @Test("a lead who may be in several zones waits for the last one to open")
    func lastZone() throws {
        // A Los Angeles number in Texas: Pacific, Central and Mountain. Texas opens at 09:00 on a
        // Monday; 09:00 in Los Angeles (16:00Z) is the first instant open in all three.
        #expect(try self.opening(state: "TX", phone: "+12135550100", from: "2026-04-20T13:30:00Z") == self.milliseconds("2026-04-20T16:00:00Z"))
        // Already open everywhere: now.
        #expect(try self.opening(state: "TX", phone: "+12135550100", from: "2026-04-20T18:00:00Z") == self.milliseconds("2026-04-20T18:00:00Z"))
    }

    @Test("a Sunday ban and a holiday ban push to the next allowed day")
    func bans() throws {
        // Alabama: no Sunday calls, 08:00–20:00 Central. Saturday 20:30 CDT → Monday 08:00 CDT.
        #expect(try self.opening(state: "AL", phone: "+12055550100", from: "2026-04-19T01:30:00Z") == self.milliseconds("2026-04-20T13:00:00Z"))
        // Saturday before Memorial Day (Monday 25 May 2026): Sunday banned, Monday a holiday → Tuesday.
        #expect(try self.opening(state: "AL", phone: "+12055550100", from: "2026-05-24T02:00:00Z") == self.milliseconds("2026-05-26T13:00:00Z"))
        // Texas opens at noon on Sundays.
        #expect(try self.opening(state: "TX", phone: "+12145550100", from: "2026-04-19T02:30:00Z") == self.milliseconds("2026-04-19T17:00:00Z"))
    }

    @Test("the instant found is open by evaluate, and the minute before it is not", arguments: ["CA", "TX", "AL", "RI", "FL", "IN", "NV", "UT"])
    func agreesWithEvaluate(state: String) throws {
        let rule = try #require(self.rules.rule(for: state))
        let zones = rule.timeZones
        var generator = SystemRandomNumberGenerator()
        let start = try self.milliseconds("2026-01-01T00:00:00Z")
        for _ in 0..<200 {
            let from = start + Int64.random(in: 0..<(365 * 86_400_000), using: &generator)
            let opens = try #require(
                CallingWindow.nextOpening(rule: rule, federalFloor: self.rules.federalFloor, timeZones: zones, fromMilliseconds: from)
            )
            #expect(opens >= from)
            #expect(CallingWindow.evaluate(rule: rule, federalFloor: self.rules.federalFloor, timeZones: zones, atMilliseconds: opens).open)
            if opens > from {
                #expect(!CallingWindow.evaluate(rule: rule, federalFloor: self.rules.federalFloor, timeZones: zones, atMilliseconds: opens - 1).open)
            }
        }
    }

    @Test("a state's daily cap: allowed again when enough contacts have aged out of the 24 hours")
    func dailyCap() {
        let hour: Int64 = 3_600_000
        let contacts: [Int64] = [0, hour, 2 * hour, 3 * hour]
        #expect(DailyContactCap.count(contacts, atMilliseconds: 4 * hour) == 4)
        // Four in the window, three allowed: two must age out, the second at 1 h + 24 h.
        #expect(DailyContactCap.nextAllowed(contacts, limit: 3, fromMilliseconds: 4 * hour) == hour + 24 * hour)
        #expect(DailyContactCap.nextAllowed(contacts, limit: 5, fromMilliseconds: 4 * hour) == 4 * hour)
        #expect(DailyContactCap.count(contacts, atMilliseconds: 24 * hour) == 3)
    }
}
