import Hummingbird
import LeadEngine

/// `/dashboard/buyers`: who bids, who wins, why leads go unsold, and each buyer's account.
struct DashboardBuyerPages {
    let pages: OperatorPages
    let clock: any EngineClock
    let page: DashboardPage

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("buyers", use: self.board)
        group.get("buyers/:id", use: self.sheet)
    }

    @Sendable func board(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let board = try await self.pages.buyerBoard(tenantID: principal.tenantID, period: period)
        var values = DashboardPeriods.values(board.period, clock: self.clock)
        values["node"] = board.node
        values["lines"] = board.lines.map { Self.row($0, period: board.period) }
        return self.page.render(
            "buyers", title: "Buyers \(board.period)", values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: principal.tenantID), current: "buyers"
        )
    }

    @Sendable func sheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        let period = query.period()
        try query.errors.throwIfAny()
        let sheet = try await self.pages.buyerSheet(id: try context.parameters.require("id"), tenantID: principal.tenantID, period: period)
        let line = sheet.line
        let buyer = line.buyer
        let activity = line.activity
        let reasons = activity.noBidsByCount
        let values: [String: Any] = [
            "id": buyer.id, "name": buyer.name, "status": buyer.status.rawValue, "period": sheet.period.description, "node": sheet.node,
            "kind": buyer.bidURL == nil ? "Static price" : "Real-time bidder (\(buyer.bidTimeoutMilliseconds) ms timeout)",
            "maxPrice": DashboardFormat.dollars(buyer.maxPriceCents), "exclusivity": buyer.exclusivity.rawValue,
            "dailyCap": buyer.dailyCap.map { DashboardFormat.count($0) } ?? "none", "billing": Self.account(line),
            "figures": Self.figures(line.sales, balanceCents: line.balanceCents),
            "activity": Self.activityFigures(activity),
            "hasReasons": !reasons.isEmpty,
            "reasonsChart": BarChart.svg(reasons.map { ($0.reason.rawValue, $0.count) }, title: "Why \(buyer.name) did not bid, last hour"),
            "sightings": sheet.sightings.map(Self.sighting),
        ]
        return self.page.render(
            "buyer", title: buyer.name, values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: principal.tenantID), current: "buyers"
        )
    }

    static func row(_ line: BuyerBoard.Line, period: BillingPeriod) -> [String: Any] {
        let activity = line.activity
        let sales = line.sales
        return [
            "id": line.buyer.id, "name": line.buyer.name, "status": line.buyer.status.rawValue, "period": period.description,
            "considered": activity.considered, "bids": activity.bids, "wins": activity.wins,
            "bidRate": DashboardFormat.ratio(activity.bidRate), "bidRateShown": DashboardFormat.percent(activity.bidRate),
            "winRate": DashboardFormat.ratio(activity.winRate), "winRateShown": DashboardFormat.percent(activity.winRate),
            "averageBid": activity.averageBidCents, "averageBidShown": activity.bids == 0 ? "–" : DashboardFormat.dollars(activity.averageBidCents),
            "reasons": activity.noBidsByCount.prefix(3).map { ["reason": $0.reason.rawValue, "count": $0.count] as [String: Any] },
            "sold": sales.sold, "soldShown": DashboardFormat.count(sales.sold),
            "averagePrice": sales.averageCostCents, "averagePriceShown": DashboardFormat.dollars(sales.averageCostCents),
            "returned": sales.returned, "returnedShown": DashboardFormat.count(sales.returned),
            "acceptance": DashboardFormat.ratio(sales.acceptanceRate), "acceptanceShown": DashboardFormat.percent(sales.acceptanceRate),
            "balance": line.balanceCents, "balanceShown": DashboardFormat.dollars(line.balanceCents),
            "creditShown": line.creditUsedCents.map { DashboardFormat.dollars($0) as Any } ?? false,
            "failedDeliveries": activity.failedDeliveryAttempts, "deliveryAttempts": activity.deliveryAttempts,
        ]
    }

    /// The period's figures by the names `GET /reports/buyers` gives them.
    static func figures(_ sales: SalesFigures, balanceCents: Int64) -> [[String: Any]] {
        let figures: [DashboardFigure] = [
            .count("leads_purchased", "Leads bought", sales.sold), .cents("total_spent_cents", "Spent", sales.grossCents),
            .cents("avg_lead_cost_cents", "Average price", sales.averageCostCents), .count("returned", "Returned", sales.returned),
            .ratio("acceptance_rate", "Acceptance rate", sales.acceptanceRate), .cents("refunds_cents", "Refunded", sales.refundsCents),
            .cents("net_spent_cents", "Net spent", sales.netCents), .cents("balance_cents", "Balance now", balanceCents),
        ]
        return figures.map(\.values)
    }

    static func activityFigures(_ activity: BuyerActivity) -> [[String: Any]] {
        let figures: [DashboardFigure] = [
            .count("considered", "Pings considered", activity.considered), .count("bids", "Bids", activity.bids),
            .ratio("bid_rate", "Bid rate", activity.bidRate), .count("wins", "Won", activity.wins), .ratio("win_rate", "Win rate", activity.winRate),
            .cents("avg_bid_cents", "Average bid", activity.averageBidCents), .count("delivery_attempts", "Delivery tries", activity.deliveryAttempts),
            .count("failed_delivery_attempts", "Failed tries", activity.failedDeliveryAttempts),
            .count("deliveries_given_up", "Given up", activity.deliveriesGivenUp),
        ]
        return figures.map(\.values)
    }

    static func account(_ line: BuyerBoard.Line) -> String {
        let terms = line.buyer.billing
        switch terms.mode {
        case .prepaid:
            return "prepaid, balance \(DashboardFormat.dollars(line.balanceCents))"
        case .invoiced:
            guard let limit = terms.creditLimitCents else { return "invoiced, no credit limit, balance \(DashboardFormat.dollars(line.balanceCents))" }
            return "invoiced, credit used \(DashboardFormat.dollars(line.creditUsedCents ?? 0)) of \(DashboardFormat.dollars(limit))"
        }
    }

    static func sighting(_ sighting: PingSighting) -> [String: Any] {
        var values: [String: Any] = [
            "pingID": sighting.pingID, "time": DashboardFormat.time(milliseconds: sighting.atMilliseconds),
            "campaignType": sighting.campaignType.rawValue, "state": sighting.state, "sold": sighting.sold,
            "response": sighting.responseMilliseconds.map { "\($0) ms" } ?? "static",
        ]
        switch sighting.result {
        case .bid(let bid):
            values["outcome"] = "bid"
            values["outcomeShown"] = "bid \(DashboardFormat.dollars(bid.bidCents))"
        case .noBid(let reason, let detail):
            values["outcome"] = reason.rawValue
            values["outcomeShown"] = "no bid: \(reason.rawValue)"
            if let detail { values["detail"] = detail }
        }
        return values
    }
}
