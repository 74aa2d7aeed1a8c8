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
}
