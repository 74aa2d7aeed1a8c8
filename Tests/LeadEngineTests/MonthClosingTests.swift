import Foundation
import LeadEngine
import Testing

@Suite("Month closing: the invoice policy every store applies")
struct MonthClosingTests {
    let march = BillingPeriod(year: 2026, month: 3)!

    @Test("the months to invoice run from the first entry's month (UTC) up to, not including, the current one")
    func months() {
        // 2026-01-31T23:59:59.999Z is still January in UTC, whatever the server's zone.
        let lastOfJanuary: Int64 = 1_769_903_999_999
        #expect(MonthClosing.months(from: lastOfJanuary, before: self.march).map(\.description) == ["2026-01", "2026-02"])
        #expect(MonthClosing.months(from: lastOfJanuary + 1, before: self.march).map(\.description) == ["2026-02"])
        #expect(MonthClosing.months(from: self.march.startMilliseconds, before: self.march).isEmpty)
    }

    @Test("buyers' invoices net refunds; prepaid and nothing-owed ones are paid when made; the tenant's sums them and starts open")
    func invoices() {
        var next = 0
        let invoices = MonthClosing.invoices(
            tenantID: "t", period: self.march,
            activity: [
                BuyerBillingActivity(buyerID: "b3", mode: .invoiced, charges: 1, chargedCents: 500, refundedCents: 500),
                BuyerBillingActivity(buyerID: "b1", mode: .invoiced, charges: 3, chargedCents: 3_000, refundedCents: 1_000),
                BuyerBillingActivity(buyerID: "b2", mode: .prepaid, charges: 2, chargedCents: 4_000, refundedCents: 0),
            ],
            nowMilliseconds: 1_777_000_000_000, makeID: { next += 1; return "i\(next)" }
        )
        #expect(invoices.map(\.buyerID) == ["b1", "b2", "b3", nil])
        #expect(invoices.map(\.amountCents) == [2_000, 4_000, 0, 6_000])
        #expect(invoices.map(\.leads) == [3, 2, 1, 6])
        #expect(invoices.map(\.status) == [.open, .paid, .paid, .open])
        #expect(invoices.map { $0.paidAt != nil } == [false, true, true, false])
        #expect(Set(invoices.map(\.id)).count == 4)
        #expect(MonthClosing.invoices(tenantID: "t", period: self.march, activity: [], nowMilliseconds: 0, makeID: { "x" }).isEmpty)
    }

    @Test("a buyer invoice is paid once credits cover what was owed; the tenant's once its month has no open buyer invoice")
    func paid() {
        #expect(MonthClosing.isPaid(by: BuyerStanding(creditedCents: 2_000, owedCents: 2_000)))
        #expect(!MonthClosing.isPaid(by: BuyerStanding(creditedCents: 1_999, owedCents: 2_000)))
        let april = self.march.next
        func invoice(_ id: String, _ buyer: String?, _ period: BillingPeriod) -> Invoice {
            Invoice(id: id, tenantID: "t", buyerID: buyer, period: period, amountCents: 1, leads: 1, status: .open, createdAt: Date(), paidAt: nil)
        }
        let open = [invoice("b1-mar", "b1", self.march), invoice("t-mar", nil, self.march), invoice("b1-apr", "b1", april), invoice("t-apr", nil, april)]
        #expect(MonthClosing.paidTenantInvoices(open: open, paidNow: []).isEmpty)
        #expect(MonthClosing.paidTenantInvoices(open: open, paidNow: ["b1-mar"]).map(\.id) == ["t-mar"])
        #expect(MonthClosing.paidTenantInvoices(open: [invoice("t-may", nil, april.next)], paidNow: []).map(\.id) == ["t-may"])
    }
}
