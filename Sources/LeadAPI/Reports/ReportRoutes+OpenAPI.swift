import LeadEngine

/// The OpenAPI description of `/api/v1/reports`, next to `ReportRoutes` so the two change
/// together; the definitions every sales figure shares live here too.
extension ReportRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/reports/dashboard": ["get": dashboardOperation],
            "/api/v1/reports/campaigns": ["get": campaignsOperation],
            "/api/v1/reports/buyers": ["get": buyersOperation],
            "/api/v1/reports/export": ["get": exportOperation],
        ],
        schemas: schemas
    )

    /// How every report, buyer and campaign detail and billing usage count, in one place.
    static let definitions = """
        A sale counts in the month (UTC) of its sold_at, and returned and refunded sales stay counted as sold. \
        Gross figures (revenue_cents, total_spent_cents, total_spend_cents) are the sale prices; refunds_cents is \
        the money given back (returns inside the window and admin refunds) in the period it was given back; net is \
        gross less refunds. Accepted = sold − returned; acceptance_rate = accepted / sold (0 when nothing sold); the \
        average cost is gross / sold, rounded half up to the cent. Explicit accepts (POST /leads/{id}/accept) are \
        counted apart as explicitly_accepted.
        """

    static func centsSchema(_ description: String) -> JSONValue {
        ["type": "integer", "format": "int64", "minimum": 0, "description": .string(description)]
    }

    static func signedCentsSchema(_ description: String) -> JSONValue {
        ["type": "integer", "format": "int64", "description": .string(description)]
    }

    private static let tag = "Reports"

    private static let periodParameter = OpenAPIPart.queryParameter(
        "period", schema: ["type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "examples": ["2026-04"]],
        description: "A calendar month (UTC) as YYYY-MM."
    )

    private static let dashboardOperation = OpenAPIPart.keyedOperation(
        id: "getDashboard", tag: tag, summary: "Dashboard summary of a month",
        description: """
            The account's month at a glance: the current month (UTC) unless period names another. leads_total counts \
            the leads created in the month, whatever their status; leads_qualified those neither rejected nor \
            duplicate (a posted lead was qualified by its seller); leads_delivered the leads sold in the month (a \
            lead sold to two buyers is one lead and two sales). The sales figures (sales, returned, acceptance_rate, \
            revenue_cents, avg_lead_cost_cents, refunds_cents, net_revenue_cents) count sales. \(definitions)
            """,
        parameters: [periodParameter],
        responses: ["200": OpenAPIPart.jsonAnswer("The month's figures.", schema: OpenAPIPart.ref("Dashboard"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let campaignsOperation = OpenAPIPart.keyedOperation(
        id: "getCampaignReport", tag: tag, summary: "Performance by campaign",
        description: """
            Every campaign of the account, newest first, with the sales it funded: all time, or the month period \
            names. A campaign without sales is listed with zeros. \(definitions)
            """,
        parameters: [periodParameter],
        responses: ["200": OpenAPIPart.jsonAnswer("One line per campaign.", schema: OpenAPIPart.ref("CampaignReport"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let buyersOperation = OpenAPIPart.keyedOperation(
        id: "getBuyerReport", tag: tag, summary: "Performance by buyer",
        description: """
            Every buyer of the account, newest first, with what it bought: all time, or the month period names. A \
            buyer that bought nothing is listed with zeros. \(definitions)
            """,
        parameters: [periodParameter],
        responses: ["200": OpenAPIPart.jsonAnswer("One line per buyer.", schema: OpenAPIPart.ref("BuyerReport"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let exportOperation = OpenAPIPart.keyedOperation(
        id: "exportReport", tag: tag, summary: "Export leads, transactions or pings as CSV",
        description: """
            RFC 4180 CSV (UTF-8, CRLF line ends, a header line), oldest row first, streamed as it is read: a million \
            rows export with flat memory. type=leads (the default) starts id,first_name,last_name,status,score as the \
            spec shows, then every other field of a lead; type=transactions has the ledger's entries; type=pings the \
            pings with their bids. Filters: those of the matching list (status, campaign_type, state, buyer_id, \
            source, created_after, created_before for leads; transaction_type, buyer_id and the dates for \
            transactions; campaign_type and the dates for pings), and period (YYYY-MM) for a month. Free text that \
            starts with =, +, -, @, a tab or a carriage return is prefixed with ' so that no spreadsheet runs it as a \
            formula; ids, numbers, E.164 phone numbers and times are written as they are. Times are RFC 3339 in UTC.
            """,
        parameters: [
            OpenAPIPart.queryParameter(
                "type", schema: ["type": "string", "enum": .array(ExportKind.allCases.map { .string($0.rawValue) }), "default": "leads"],
                description: "What to export."
            ),
            periodParameter,
            OpenAPIPart.queryParameter("status", schema: OpenAPIPart.ref("LeadStatus"), description: "Leads: one status."),
            OpenAPIPart.queryParameter("campaign_type", schema: OpenAPIPart.ref("CampaignType"), description: "Leads and pings: one campaign type."),
            OpenAPIPart.queryParameter("state", schema: ["type": "string", "pattern": "^[A-Z]{2}$"], description: "Leads: one state."),
            OpenAPIPart.queryParameter("buyer_id", schema: ["type": "string"], description: "Leads and transactions: one buyer."),
            OpenAPIPart.queryParameter("source", schema: ["type": "string"], description: "Leads: one source."),
            OpenAPIPart.queryParameter(
                "transaction_type", schema: ["type": "string", "enum": ["charge", "credit", "refund"]], description: "Transactions: one kind."
            ),
            OpenAPIPart.queryParameter("created_after", schema: ["type": "string"], description: "From this time (RFC 3339) or date, inclusive."),
            OpenAPIPart.queryParameter("created_before", schema: ["type": "string"], description: "Before this time (RFC 3339) or date."),
        ],
        responses: [
            "200": [
                "description": "The CSV file, as an attachment named <type>-<period or all>.csv.",
                "headers": ["Content-Disposition": ["schema": ["type": "string", "examples": ["attachment; filename=\"leads-2026-04.csv\""]]]],
                "content": ["text/csv": ["schema": ["type": "string", "examples": ["id,first_name,last_name,status,score,...\r\na1b2c3d4,Jane,Doe,delivered,87,...\r\n"]]]],
            ]
        ],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let schemas: [String: JSONValue] = [
        "Dashboard": OpenAPIPart.objectSchema(
            [
                "period": ["type": "string", "examples": ["2026-04"]],
                "leads_total": OpenAPIPart.countSchema("Leads created in the month."),
                "leads_qualified": OpenAPIPart.countSchema("Of those, the ones neither rejected nor duplicate."),
                "leads_delivered": OpenAPIPart.countSchema("Leads sold in the month."),
                "sales": OpenAPIPart.countSchema("Sales in the month (a shared lead sells more than once)."),
                "returned": OpenAPIPart.countSchema("Of those, the ones returned."),
                "acceptance_rate": OpenAPIPart.ratioSchema("(sales − returned) / sales, to three decimals."),
                "revenue_cents": centsSchema("Gross sale prices of the month's sales."),
                "avg_lead_cost_cents": centsSchema("revenue_cents / sales, rounded half up."),
                "refunds_cents": centsSchema("Money given back in the month."),
                "net_revenue_cents": signedCentsSchema("revenue_cents − refunds_cents."),
            ],
            description: "See getDashboard."
        ),
        "CampaignReport": OpenAPIPart.objectSchema([
            "period": ["type": ["string", "null"], "description": "The month asked for; null for all time."],
            "campaigns": [
                "type": "array",
                "items": OpenAPIPart.objectSchema([
                    "id": ["type": "string"], "name": ["type": "string"],
                    "leads": OpenAPIPart.countSchema("Leads sold through the campaign."),
                    "accepted": OpenAPIPart.countSchema("leads − returned."),
                    "returned": OpenAPIPart.countSchema("Of those, returned."),
                    "explicitly_accepted": OpenAPIPart.countSchema("Of those, accepted with POST /leads/{id}/accept."),
                    "acceptance_rate": OpenAPIPart.ratioSchema("accepted / leads, to three decimals."),
                    "revenue_cents": centsSchema("Gross sale prices."),
                    "refunds_cents": centsSchema("Money given back on the campaign's sales."),
                    "net_revenue_cents": signedCentsSchema("revenue_cents − refunds_cents."),
                    "avg_lead_cost_cents": centsSchema("revenue_cents / leads, rounded half up."),
                ]),
            ],
        ]),
        "BuyerReport": OpenAPIPart.objectSchema([
            "period": ["type": ["string", "null"], "description": "The month asked for; null for all time."],
            "buyers": [
                "type": "array",
                "items": OpenAPIPart.objectSchema([
                    "id": ["type": "string"], "name": ["type": "string"],
                    "leads_purchased": OpenAPIPart.countSchema("Leads sold to the buyer."),
                    "accepted": OpenAPIPart.countSchema("leads_purchased − returned."),
                    "returned": OpenAPIPart.countSchema("Of those, returned."),
                    "explicitly_accepted": OpenAPIPart.countSchema("Of those, accepted with POST /leads/{id}/accept."),
                    "acceptance_rate": OpenAPIPart.ratioSchema("accepted / leads_purchased, to three decimals."),
                    "total_spent_cents": centsSchema("Gross sale prices."),
                    "refunds_cents": centsSchema("Money given back to the buyer."),
                    "net_spent_cents": signedCentsSchema("total_spent_cents − refunds_cents."),
                    "avg_lead_cost_cents": centsSchema("total_spent_cents / leads_purchased, rounded half up."),
                ]),
            ],
        ]),
    ]
}
