import LeadEngine

/// The month a page shows and its neighbours for the period links; there is no link past the
/// current month.
enum DashboardPeriods {
    static func values(_ period: BillingPeriod, clock: any EngineClock) -> [String: Any] {
        let current = BillingPeriod(containingMilliseconds: clock.nowMilliseconds())
        return [
            "period": period.description, "previousPeriod": period.previous.description,
            "nextPeriod": period < current ? period.next.description : false,
        ]
    }
}
