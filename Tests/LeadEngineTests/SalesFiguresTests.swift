import LeadEngine
import Testing

@Suite("Sales figures: the one definition of every report's numbers")
struct SalesFiguresTests {
    @Test("the spec's campaign: 127 sold at 32,500 with 9 returned is 118 accepted and 4,127,500 gross, returns included")
    func specCampaign() {
        let figures = SalesFigures(sold: 127, grossCents: 127 * 32_500, returned: 9, returnedCents: 9 * 32_500, refundsCents: 9 * 32_500)
        #expect(figures.accepted == 118)
        #expect(figures.grossCents == 4_127_500)
        #expect(figures.averageCostCents == 32_500)
        #expect(figures.netCents == 118 * 32_500)
        #expect(abs(figures.acceptanceRate - 118.0 / 127.0) < 1e-12)
    }

    @Test("accepted is sold less returned, whatever was accepted explicitly; nothing sold is all zeros")
    func accepted() {
        #expect(SalesFigures(sold: 4, returned: 1, explicitlyAccepted: 0).accepted == 3)
        #expect(SalesFigures(sold: 4, returned: 1, explicitlyAccepted: 3).acceptanceRate == 0.75)
        #expect(SalesFigures.zero.acceptanceRate == 0)
        #expect(SalesFigures.zero.averageCostCents == 0)
        #expect(SalesFigures.zero.netCents == 0)
    }

    @Test("the average cost rounds half up to the cent; a zero-price sale counts as a sale")
    func averageCost() {
        #expect(SalesFigures(sold: 3, grossCents: 1_000).averageCostCents == 333)
        #expect(SalesFigures(sold: 3, grossCents: 2_000).averageCostCents == 667)
        #expect(SalesFigures(sold: 2, grossCents: 1).averageCostCents == 1)  // 0.5 rounds up
        #expect(SalesFigures(sold: 2, grossCents: 1_000).averageCostCents == 500)
    }

    @Test("net is gross less refunds; figures add up field by field")
    func netAndSum() {
        let one = SalesFigures(sold: 2, grossCents: 5_000, returned: 1, returnedCents: 2_000, explicitlyAccepted: 1, refundsCents: 2_500)
        let two = SalesFigures(sold: 1, grossCents: 0, refundsCents: 100)
        #expect(one.netCents == 2_500)
        #expect(one + two == SalesFigures(sold: 3, grossCents: 5_000, returned: 1, returnedCents: 2_000, explicitlyAccepted: 1, refundsCents: 2_600))
        #expect((one + two).averageCostCents == 1_667)
    }

    @Test("a funnel day is named by its UTC date, leap days and days before 1970 included; merging sums each day once, oldest first")
    func funnelDays() {
        let names = [0, 20_555, 11_016, 11_017, -1, 2_932_896].map { DailyLeadFunnel(epochDay: $0).day }
        #expect(names == ["1970-01-01", "2026-04-12", "2000-02-29", "2000-03-01", "1969-12-31", "9999-12-31"])
        let merged = DailyLeadFunnel.merge(
            leads: [DailyLeadFunnel(epochDay: 2, created: 5, rejectedOrDuplicate: 1), DailyLeadFunnel(epochDay: 1, created: 1)],
            sales: [DailyLeadFunnel(epochDay: 2, sold: 2, sales: 3, returned: 1), DailyLeadFunnel(epochDay: 3, sold: 1, sales: 1)]
        )
        #expect(merged == [
            DailyLeadFunnel(epochDay: 1, created: 1), DailyLeadFunnel(epochDay: 2, created: 5, rejectedOrDuplicate: 1, sold: 2, sales: 3, returned: 1),
            DailyLeadFunnel(epochDay: 3, sold: 1, sales: 1),
        ])
        #expect(merged[1].qualified == 4 && merged[1].accepted == 2)
    }
}
