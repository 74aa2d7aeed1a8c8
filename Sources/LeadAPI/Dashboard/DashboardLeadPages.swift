import Foundation
import Hummingbird
import LeadEngine

/// `/dashboard/leads`: the month's funnel by day, a search over the leads, and a lead's whole
/// story (events, consent with its verification, deliveries, outreach).
struct DashboardLeadPages {
    static let perPage = 50

    let pages: OperatorPages
    let leads: LeadDesk
    let consents: ConsentRegistry
    let sequences: SequenceRegistry
    let clock: any EngineClock
    let page: DashboardPage

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("leads", use: self.list)
        group.get("leads/:id", use: self.lead)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var query = QueryReader(request)
        if let id = query.string("id") {
            // A lead id typed in the search box opens its page.
            return DashboardPage.redirect(to: "/dashboard/leads/\(Self.pathSegment(id.trimmingCharacters(in: .whitespaces)))")
        }
        let period = query.period() ?? BillingPeriod(containingMilliseconds: self.clock.nowMilliseconds())
        let filter = LeadFilter(
            status: query.enumeration("status", LeadStatus.self), campaignType: query.enumeration("campaign_type", CampaignType.self),
            state: query.string("state")?.uppercased(), buyerID: query.string("buyer_id"), source: query.string("source"),
            createdAfter: Date(epochMilliseconds: period.startMilliseconds), createdBefore: Date(epochMilliseconds: period.endMilliseconds)
        )
        if let state = filter.state { FieldRules.state(state, field: "state", into: &query.errors) }
        let number = query.int("page") ?? 1
        if number < 1 || number > 10_000 { query.errors.add("page", "must be between 1 and 10000") }
        try query.errors.throwIfAny()
        let tenantID = principal.tenantID
        let found = try await self.leads.list(tenantID: tenantID, filter: filter, page: PageRequest(page: number, perPage: Self.perPage))
        let days = try await self.pages.leadFunnel(tenantID: tenantID, period: period)
        let buyers = try await self.pages.buyerNames(tenantID: tenantID)
        let names = Dictionary(buyers.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var values = DashboardPeriods.values(period, clock: self.clock)
        values["filter"] = ["state": filter.state ?? "", "source": filter.source ?? "", "id": ""]
        values["statuses"] = LeadStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.status] as [String: Any] }
        values["campaignTypes"] = CampaignType.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.campaignType] as [String: Any] }
        values["buyers"] = buyers.map { ["id": $0.id, "name": $0.name, "selected": $0.id == filter.buyerID] as [String: Any] }
        values["total"] = found.total
        values["totalShown"] = DashboardFormat.count(found.total)
        values["page"] = number
        values["items"] = found.items.map { lead -> [String: Any] in
            [
                "id": lead.id, "created": DashboardFormat.time(lead.createdAt), "status": lead.status.rawValue,
                "campaignType": lead.campaignType.rawValue, "state": lead.contact.state, "source": lead.source,
                "buyer": Self.name(of: lead.buyerID, in: names),
                "price": lead.soldPriceCents.map(DashboardFormat.dollars) ?? "–",
            ]
        }
        values["previousPage"] = number > 1 ? self.link(request, page: number - 1) : false
        values["nextPage"] = number * Self.perPage < found.total ? self.link(request, page: number + 1) : false
        values["days"] = days.map { day -> [String: Any] in
            [
                "day": day.day, "created": day.created, "qualified": day.qualified, "sold": day.sold, "sales": day.sales,
                "accepted": day.accepted, "returned": day.returned,
            ]
        }
        values["funnelChart"] = BarChart.svg(
            [
                ("Leads", days.reduce(0) { $0 + $1.created }), ("Qualified", days.reduce(0) { $0 + $1.qualified }),
                ("Sold", days.reduce(0) { $0 + $1.sold }), ("Accepted", days.reduce(0) { $0 + $1.accepted }),
                ("Returned", days.reduce(0) { $0 + $1.returned }),
            ],
            title: "Lead funnel of \(period)"
        )
        return self.page.render(
            "leads", title: "Leads \(period)", values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: tenantID), current: "leads"
        )
    }

    @Sendable func lead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenantID = try context.requirePrincipal().tenantID
        let details = try await self.leads.details(id: try context.parameters.require("id"), tenantID: tenantID)
        let lead = details.lead
        let buyers = try await self.pages.buyerNames(tenantID: tenantID)
        let names = Dictionary(buyers.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        func buyerName(_ id: String?) -> String { Self.name(of: id, in: names) }
        var certificates: [[String: Any]] = []
        for certificate in details.consentRecords {
            let valid = try await self.consents.verify(id: certificate.id, tenantID: tenantID).valid
            certificates.append(Self.certificate(certificate, valid: valid))
        }
        let outreach = try await self.sequences.outreach(leadID: lead.id, tenantID: tenantID)
        let values: [String: Any] = [
            "id": lead.id, "status": lead.status.rawValue, "facts": Self.facts(lead, buyer: buyerName(lead.buyerID)),
            "certificates": certificates,
            "deliveries": details.deliveries.map { record -> [String: Any] in
                [
                    "id": record.delivery.id, "buyer": buyerName(record.delivery.buyerID), "status": record.delivery.status.rawValue,
                    "attempts": record.delivery.attempts, "url": record.delivery.url as Any? ?? false,
                    "tries": record.attempts.map { attempt -> [String: Any] in
                        [
                            "time": DashboardFormat.time(milliseconds: attempt.attemptedAtMilliseconds),
                            "statusCode": attempt.statusCode.map(String.init) ?? "no answer", "duration": attempt.durationMilliseconds,
                            "error": attempt.error ?? attempt.reason?.rawValue ?? "",
                        ]
                    },
                ]
            },
            "enrollments": outreach.enrollments.map { enrollment -> [String: Any] in
                [
                    "id": enrollment.id, "sequenceID": enrollment.sequenceID, "status": enrollment.status.rawValue, "nextStep": enrollment.nextStep,
                    "endReason": enrollment.endReason as Any? ?? false,
                ]
            },
            "hasAttempts": !outreach.attempts.isEmpty,
            "attempts": outreach.attempts.map { attempt -> [String: Any] in
                [
                    "time": DashboardFormat.time(milliseconds: attempt.attemptedAtMilliseconds), "step": attempt.step,
                    "channel": attempt.channel.rawValue, "outcome": attempt.outcome.rawValue, "reason": attempt.reason ?? "",
                ]
            },
            "events": details.events.map { event -> [String: Any] in
                [
                    "kind": event.kind.rawValue, "time": DashboardFormat.time(event.at),
                    "detail": event.detail == .null ? "" : String(decoding: event.detail.encoded(), as: UTF8.self),
                ]
            },
        ]
        return self.page.render(
            "lead", title: "Lead \(lead.id)", values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: tenantID), current: "leads"
        )
    }

    /// A buyer's name, its id when it is gone, a dash for none.
    static func name(of buyerID: String?, in names: [String: String]) -> String {
        buyerID.map { names[$0] ?? $0 } ?? "–"
    }

    static func facts(_ lead: Lead, buyer: String) -> [[String: String]] {
        var facts: [(String, String, String)] = [
            ("origin", "Origin", lead.origin.rawValue), ("campaign_type", "Campaign type", lead.campaignType.rawValue),
            ("source", "Source", lead.source), ("name", "Name", "\(lead.contact.firstName) \(lead.contact.lastName)"),
            ("phone", "Phone", lead.contact.phone), ("email", "Email", lead.contact.email),
            ("state", "State · ZIP", "\(lead.contact.state) · \(lead.contact.zipCode)"),
            ("created_at", "Created", DashboardFormat.time(lead.createdAt)),
        ]
        if let score = lead.score { facts.append(("score", "Score", "\(score)")) }
        if let ping = lead.pingID { facts.append(("ping_id", "Ping", ping)) }
        if lead.buyerID != nil { facts.append(("buyer", "Buyer", buyer)) }
        if let price = lead.soldPriceCents { facts.append(("sold_price_cents", "Price", DashboardFormat.dollars(price))) }
        if let at = lead.soldAt { facts.append(("sold_at", "Sold", DashboardFormat.time(at))) }
        if let at = lead.deliveredAt { facts.append(("delivered_at", "Delivered", DashboardFormat.time(at))) }
        if let at = lead.acceptedAt { facts.append(("accepted_at", "Accepted", DashboardFormat.time(at))) }
        if let at = lead.returnedAt {
            facts.append(("returned_at", "Returned", "\(DashboardFormat.time(at)) · \(lead.returnReason?.rawValue ?? "")"))
        }
        if let original = lead.duplicateOf { facts.append(("duplicate_of", "Duplicate of", original)) }
        for failure in lead.rejectionReasons { facts.append(("rejection", "Rejected", "\(failure.field): \(failure.message)")) }
        return facts.map { ["name": $0.0, "label": $0.1, "value": $0.2] }
    }

    static func certificate(_ certificate: ConsentCertificate, valid: Bool) -> [String: Any] {
        let consent = certificate.consent
        var facts: [(String, String)] = [
            ("Type", consent.consentType.rawValue), ("Given", DashboardFormat.time(certificate.createdAt)),
            ("Channel · mechanism", "\(consent.channel) · \(consent.mechanism)"), ("IP address", consent.ipAddress),
            ("Consent text", consent.consentText), ("SHA-256", certificate.hash), ("Signing key", certificate.keyID),
        ]
        if let page = consent.pageURL { facts.insert(("Page", page), at: 3) }
        return [
            "id": certificate.id, "valid": valid, "revoked": certificate.revokedAt.map { DashboardFormat.time($0) as Any } ?? false,
            "facts": facts.map { ["label": $0.0, "value": $0.1] },
        ]
    }

    /// This list page again at page `number`, with the same filters.
    func link(_ request: Request, page number: Int) -> String {
        var parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }.filter { $0.0 != "page" && !$0.1.isEmpty }
        parameters.append(("page", String(number)))
        var components = URLComponents()
        components.path = "/dashboard/leads"
        components.queryItems = parameters.sorted { $0.0 < $1.0 }.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.string ?? "/dashboard/leads"
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? ""
    }
}
