import LeadEngine
import Testing

@Suite("US federal holidays")
struct FederalHolidaysTests {
    @Test("2026: every holiday on its date, July 4th (a Saturday) also observed on Friday the 3rd")
    func year2026() {
        let dates = FederalHolidays.holidays(in: 2026).map { "\($0.month)-\($0.day)" }
        #expect(dates == ["1-1", "1-19", "2-16", "5-25", "6-19", "7-3", "7-4", "9-7", "10-12", "11-11", "11-26", "12-25"])
        #expect(FederalHolidays.holiday(year: 2026, month: 7, day: 3)?.observed == true)
        #expect(FederalHolidays.holiday(year: 2026, month: 11, day: 26)?.name == "Thanksgiving Day")
        #expect(FederalHolidays.holiday(year: 2026, month: 11, day: 27) == nil)
    }

    @Test("weekend holidays are observed on the nearest weekday, across the year's end too")
    func observedDays() {
        // 2027: June 19 a Saturday, July 4 a Sunday, Christmas a Saturday; 2028's New Year's Day a
        // Saturday, observed on Friday, December 31, 2027.
        #expect(FederalHolidays.holiday(year: 2027, month: 6, day: 18)?.observed == true)
        #expect(FederalHolidays.holiday(year: 2027, month: 7, day: 5)?.name == "Independence Day (observed)")
        #expect(FederalHolidays.holiday(year: 2027, month: 12, day: 24)?.observed == true)
        #expect(FederalHolidays.holiday(year: 2027, month: 12, day: 31)?.name == "New Year's Day (observed)")
        #expect(FederalHolidays.holiday(year: 2027, month: 12, day: 25) != nil, "the date itself counts too")
    }

    @Test("Juneteenth is a holiday from 2021 on; Memorial Day is May's last Monday")
    func rules() {
        #expect(FederalHolidays.holiday(year: 2020, month: 6, day: 19) == nil)
        #expect(FederalHolidays.holiday(year: 2021, month: 6, day: 19) != nil)
        #expect(FederalHolidays.holiday(year: 2030, month: 5, day: 27)?.name == "Memorial Day")
        #expect(FederalHolidays.holidays(in: 2031).count == 11, "2031: no fixed holiday falls on a weekend, so nothing is observed")
    }
}
