import Foundation
import LeadEngine
import Testing

@Suite("Daily sales: daily_cap counted in the buyer's own calendar day")
struct DailySalesTests {
    /// 2026-11-26T07:30:00Z: 23:30 on the 25th in Los Angeles (PST, UTC−8).
    static let lateEveningInLosAngeles: Int64 = 1_795_678_200_000
    static let minute: Int64 = 60_000

    @Test("a Los Angeles buyer's day turns at its midnight, a UTC buyer's at UTC midnight")
    func daysTurnAtLocalMidnight() {
        let sales = DailySales()
        let t = Self.lateEveningInLosAngeles
        #expect(sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: t))
        #expect(sales.reserve(buyerID: "utc", cap: 1, timeZone: "UTC", nowMilliseconds: t))
        #expect(!sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: t + 29 * Self.minute))
        #expect(sales.snapshot(nowMilliseconds: t + 29 * Self.minute)["la"] == 1)
        // 08:00Z is midnight in Los Angeles: a new day there, the same day in UTC.
        let laMidnight = t + 30 * Self.minute
        #expect(sales.snapshot(nowMilliseconds: laMidnight)["la"] == 0)
        #expect(sales.snapshot(nowMilliseconds: laMidnight)["utc"] == 1)
        #expect(sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: laMidnight))
        #expect(!sales.reserve(buyerID: "utc", cap: 1, timeZone: "UTC", nowMilliseconds: laMidnight))
        // The UTC buyer starts over at 2026-11-27T00:00Z.
        let utcMidnight: Int64 = 1_795_737_600_000
        #expect(!sales.reserve(buyerID: "utc", cap: 1, timeZone: "UTC", nowMilliseconds: utcMidnight - 1))
        #expect(sales.reserve(buyerID: "utc", cap: 1, timeZone: "UTC", nowMilliseconds: utcMidnight))
    }

    @Test("a released reservation frees its place the same day, and never touches the next day's count")
    func release() {
        let sales = DailySales()
        let t = Self.lateEveningInLosAngeles
        #expect(sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: t))
        sales.release(buyerID: "la", nowMilliseconds: t)
        #expect(sales.snapshot(nowMilliseconds: t)["la"] == 0)
        #expect(sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: t))
        // A sale reserved before midnight and abandoned after it does not free a place in the new day.
        let nextDay = t + 31 * Self.minute
        #expect(sales.reserve(buyerID: "la", cap: 1, timeZone: "America/Los_Angeles", nowMilliseconds: nextDay))
        sales.release(buyerID: "la", nowMilliseconds: nextDay + 1)
        sales.release(buyerID: "la", nowMilliseconds: nextDay + 2)
        #expect(sales.snapshot(nowMilliseconds: nextDay + 3)["la"] == 0)
    }

    @Test("local days follow daylight saving: 23 hours in spring, 25 in autumn")
    func daylightSaving() {
        let hour: Int64 = 3_600_000
        // 2026-03-08 and 2026-11-01 are the US changeover days; noon UTC is inside both New York days.
        let spring = LocalDay(containing: 1_772_971_200_000, timeZone: "America/New_York")
        #expect(spring.endMilliseconds - spring.startMilliseconds == 23 * hour)
        #expect(spring.startMilliseconds == 1_772_946_000_000)  // 2026-03-08T05:00Z, midnight EST
        let autumn = LocalDay(containing: 1_793_534_400_000, timeZone: "America/New_York")
        #expect(autumn.endMilliseconds - autumn.startMilliseconds == 25 * hour)
        let utc = LocalDay(containing: 1_793_534_400_000, timeZone: "UTC")
        #expect(utc.endMilliseconds - utc.startMilliseconds == 24 * hour)
        #expect(utc.startMilliseconds % (24 * hour) == 0)
    }

    @Test("IANA names are known time zones; abbreviations and made-up names are not")
    func knownZones() {
        for zone in ["UTC", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu", "America/Phoenix"] {
            #expect(LocalDay.isKnownTimeZone(zone), "\(zone)")
        }
        for zone in ["Mars/Olympus_Mons", "", "america/new_york", "PST8PDT "] {
            #expect(!LocalDay.isKnownTimeZone(zone), "\(zone)")
        }
    }
}
