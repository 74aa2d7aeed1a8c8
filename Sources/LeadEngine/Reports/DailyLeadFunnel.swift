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
        let date = GregorianCalendar.date(daysSinceEpoch: self.epochDay)
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(date.year, 4))-\(padded(date.month, 2))-\(padded(date.day, 2))"
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
