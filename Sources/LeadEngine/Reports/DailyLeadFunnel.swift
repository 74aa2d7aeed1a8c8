/// One UTC day of a period's lead funnel, by the dashboard's definitions (LeadCounts, SalesFigures).
public struct DailyLeadFunnel: Sendable, Equatable {
    /// "yyyy-MM-dd", UTC.
    public var day: String
    public var created: Int
    public var rejectedOrDuplicate: Int
    public var sold: Int
    public var sales: Int
    public var returned: Int
    public var qualified: Int { created - rejectedOrDuplicate }
    public var accepted: Int { sales - returned }

    public init(day: String, created: Int = 0, rejectedOrDuplicate: Int = 0, sold: Int = 0, sales: Int = 0, returned: Int = 0) {
        self.day = day
        self.created = created
        self.rejectedOrDuplicate = rejectedOrDuplicate
        self.sold = sold
        self.sales = sales
        self.returned = returned
    }
}
