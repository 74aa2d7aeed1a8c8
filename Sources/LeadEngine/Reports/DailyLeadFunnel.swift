/// One UTC day of a month's lead funnel, by the dashboard's definitions (`LeadCounts`,
/// `SalesFigures`): leads by the day they were created, sales by the day they were made.
///
/// The days of a month add up to its `LeadCounts` and `SalesFigures` (sold, returned), except that
/// a lead sold to two buyers either side of midnight counts as sold on both days.
public struct DailyLeadFunnel: Sendable, Equatable {
    /// Days since 1970-01-01, UTC.
    public var epochDay: Int64
    /// Leads created that day, whatever their status.
    public var created: Int
    /// Of those, how many are `rejected` or `duplicate`.
    public var rejectedOrDuplicate: Int
    /// Distinct leads with a sale made that day.
    public var sold: Int
    /// Sales made that day, and how many of them were returned since.
    public var sales: Int
    public var returned: Int

    public init(epochDay: Int64, created: Int = 0, rejectedOrDuplicate: Int = 0, sold: Int = 0, sales: Int = 0, returned: Int = 0) {
        self.epochDay = epochDay
        self.created = created
        self.rejectedOrDuplicate = rejectedOrDuplicate
        self.sold = sold
        self.sales = sales
        self.returned = returned
    }

    public static let millisecondsPerDay: Int64 = 86_400_000

    public var qualified: Int { self.created - self.rejectedOrDuplicate }
    public var accepted: Int { self.sales - self.returned }

    /// The day as `YYYY-MM-DD`.
    public var day: String {
        // Days to a civil date (Howard Hinnant's algorithm), without a calendar object.
        let z = self.epochDay + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// The days of counts from leads and from sales, merged, oldest first.
    public static func merge(leads: [DailyLeadFunnel], sales: [DailyLeadFunnel]) -> [DailyLeadFunnel] {
        var days: [Int64: DailyLeadFunnel] = [:]
        for day in leads + sales {
            var merged = days[day.epochDay] ?? DailyLeadFunnel(epochDay: day.epochDay)
            merged.created += day.created
            merged.rejectedOrDuplicate += day.rejectedOrDuplicate
            merged.sold += day.sold
            merged.sales += day.sales
            merged.returned += day.returned
            days[day.epochDay] = merged
        }
        return days.values.sorted { $0.epochDay < $1.epochDay }
    }
}
