/// A calendar month in UTC, the unit of usage and invoices, written `YYYY-MM`.
public struct BillingPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init?(year: Int, month: Int) {
        guard (2000...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month an instant falls in.
    public init(containingMilliseconds milliseconds: Int64) {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let date = GregorianCalendar.date(daysSinceEpoch: days)
        self.year = Int(date.year)
        self.month = Int(date.month)
    }

    public var description: String {
        let month = self.month < 10 ? "0\(self.month)" : "\(self.month)"
        return "\(self.year)-\(month)"
    }

    /// The first millisecond of the month.
    public var startMilliseconds: Int64 {
        GregorianCalendar.daysSinceEpoch(year: Int64(self.year), month: Int64(self.month), day: 1) * 86_400_000
    }

    /// The first millisecond after the month.
    public var endMilliseconds: Int64 { self.next.startMilliseconds }

    /// The month before (the dashboard's link back).
    public var previous: BillingPeriod {
        self.month == 1 ? BillingPeriod(uncheckedYear: self.year - 1, month: 12) : BillingPeriod(uncheckedYear: self.year, month: self.month - 1)
    }

    public var next: BillingPeriod {
        self.month == 12 ? BillingPeriod(uncheckedYear: self.year + 1, month: 1) : BillingPeriod(uncheckedYear: self.year, month: self.month + 1)
    }

    private init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public static func < (lhs: BillingPeriod, rhs: BillingPeriod) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
