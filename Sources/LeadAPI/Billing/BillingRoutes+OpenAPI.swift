import LeadEngine

/// The OpenAPI description of `/api/v1/billing` (usage, invoices, the transaction ledger, credits
/// and refunds), next to `BillingRoutes` so the two change together. The helpers it builds with live
/// in `OpenAPI/OpenAPIBuilders.swift`; the idempotency and problem helpers in `Leads/LeadRoutes+OpenAPI.swift`.
extension BillingRoutes {
    static let openAPI = OpenAPIPart(
        paths: [
            "/api/v1/billing/usage": ["get": usageOperation],
            "/api/v1/billing/invoices": ["get": invoicesOperation],
            "/api/v1/billing/credits/add": ["post": addCreditOperation],
            "/api/v1/billing/transactions": ["get": transactionsOperation],
            "/api/v1/billing/refund": ["post": refundOperation],
        ],
        schemas: schemas
    )

    private static let tag = "Billing"

    /// How money moves, which every billing answer speaks of.
    static let moneyModel = """
        Buyers pay the account (the tenant) for leads, in integer cents, through an append-only ledger of three \
        kinds of entry. A sale is a charge on the buyer's account; a return inside the buyer's window, or an admin \
        refund, gives the charge back as a refund; a credit adds money, to a buyer's account (with buyer_id: prepaid \
        funds, or a payment of an invoiced buyer) or to the tenant's own account (without). Each account's balance is \
        its credits and refunds less its charges: a prepaid buyer's never goes below zero (it stops bidding instead), \
        an invoiced buyer's goes negative as it buys, down to its credit_limit_cents when it has one.
        """

    // MARK: Operations

    private static let usageOperation = OpenAPIPart.keyedOperation(
        id: "getBillingUsage", tag: tag, summary: "Usage of a billing period",
        description: """
            What the account's buyers (or one buyer, with buyer_id) bought in a calendar month (UTC): the current \
            month unless period names another.

            \(moneyModel)

            \(ReportRoutes.definitions) So leads_purchased counts the leads sold in the month (at any price, 0 \
            included), total_spend_cents is their gross price (returned ones included, as the reports and buyer \
            details count it), refunds_cents the money given back in the month and net_spend_cents the difference; \
            avg_cost_per_lead_cents is total_spend_cents over leads_purchased, rounded half up (0 without purchases). \
            The ledger's movements dated in the month are beside them: charged_cents and refunded_cents (the same \
            as refunds_cents), leads_refunded, and credits_added_cents (to buyers and to the tenant's own account \
            alike, or to the buyer). credits_remaining_cents is not a period figure but the money unspent now: the \
            tenant's own balance plus every buyer's positive balance, or with buyer_id that buyer's balance when \
            positive (0 otherwise); balance_cents is the tenant's own balance, or the buyer's (negative: it owes). An \
            unknown buyer_id answers 404.
            """,
        parameters: [
            OpenAPIPart.queryParameter(
                "period", schema: ["type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "examples": ["2026-04"]],
                description: "The month, as YYYY-MM; the current month (UTC) when absent."
            ),
            OpenAPIPart.queryParameter("buyer_id", schema: ["type": "string"], description: "One buyer's usage instead of the account's."),
        ],
        responses: ["200": OpenAPIPart.jsonAnswer("The period's usage.", schema: OpenAPIPart.ref("BillingUsage"))],
        errors: [.unauthorized, .forbidden, .notFound, .invalid, .rateLimited]
    )

    private static let invoicesOperation = OpenAPIPart.keyedOperation(
        id: "listInvoices", tag: tag, summary: "List invoices",
        description: """
            Monthly statements, newest first, a page at a time. Every calendar month (UTC) that has ended and has \
            charges or refunds gets, once, one invoice per buyer that bought or was refunded in it (what it was \
            charged less refunds, and the leads it bought) and one for the account (buyer_id null: the sum over its \
            buyers). Months are closed when this list is read and when a credit is added.

            A prepaid buyer's invoice is a statement, paid when made (it paid ahead), as is one whose amount is 0 or \
            less. An invoiced buyer's is open until its credits cover everything it was charged, less refunds, up to \
            the end of that month; then it is paid. The account's invoice for a month is paid once every buyer \
            invoice of the month is.

            Without buyer_id the list holds the account's invoices; with it, that buyer's (none for an unknown id).
            """,
        parameters: [
            OpenAPIPart.queryParameter("buyer_id", schema: ["type": "string"], description: "One buyer's invoices instead of the account's.")
        ] + OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of invoices.", schema: OpenAPIPart.ref("InvoiceList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let addCreditOperation = OpenAPIPart.keyedOperation(
        id: "addCredit", tag: tag, summary: "Add credit (admin)",
        description: """
            Adds money: to a buyer's account with buyer_id (prepaid funds, or a payment of an invoiced buyer, which \
            marks paid the invoices it now covers), or to the tenant's own account without it. The credit is a ledger \
            entry of type credit; a prepaid buyer that could not pay bids again at once. Needs an admin key: a \
            standard key answers 403. An unknown buyer_id answers 404.

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "CreditRequest", description: "The amount, why, and whose account."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The credit is recorded.", schema: OpenAPIPart.ref("Credit"),
                headers: ["Idempotent-Replayed": OpenAPIPart.replayedHeader]
            )
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .notFound, .tooLarge, .rateLimited]
    )

    private static let transactionsOperation = OpenAPIPart.keyedOperation(
        id: "listTransactions", tag: tag, summary: "List ledger transactions",
        description: "The ledger's entries (charges, credits and refunds), newest first, a page at a time. Filters "
            + "combine. Entries are never edited: a correction is a new entry.\n\n" + moneyModel,
        parameters: [
            OpenAPIPart.queryParameter("type", schema: OpenAPIPart.ref("TransactionType"), description: "Only entries of this type."),
            OpenAPIPart.queryParameter("buyer_id", schema: ["type": "string"], description: "Only entries of this buyer's account."),
        ] + OpenAPIPart.createdRangeParameters(of: "entries made") + OpenAPIPart.pageParameters,
        responses: ["200": OpenAPIPart.jsonAnswer("One page of ledger entries.", schema: OpenAPIPart.ref("TransactionList"))],
        errors: [.unauthorized, .forbidden, .invalid, .rateLimited]
    )

    private static let refundOperation = OpenAPIPart.keyedOperation(
        id: "refundLead", tag: tag, summary: "Refund a lead's charge (admin)",
        description: """
            Gives a lead's charge back to its buyer, whatever the lead's status and return window: a ledger entry \
            of type refund at the lead's sold price, and a refunded event on the lead, whose status does not change. \
            A lead's charge is refunded once at most, by a return or by this endpoint. Needs an admin key: a standard \
            key answers 403. An unknown lead_id answers 404.

            \(OpenAPIPart.idempotencyNote)
            """,
        parameters: [OpenAPIPart.idempotencyKeyParameter],
        requestBody: OpenAPIPart.jsonBody(schema: "RefundRequest", description: "The lead and why its charge is refunded."),
        responses: OpenAPIPart.idempotentProblemAnswers.merging([
            "201": OpenAPIPart.jsonAnswer(
                "The refund is recorded.", schema: OpenAPIPart.ref("Refund"),
                headers: ["Idempotent-Replayed": OpenAPIPart.replayedHeader]
            ),
            "409": OpenAPIPart.problemAnswer(
                """
                The refund cannot be made; code says why:
                - already_refunded: the lead's charge was refunded already, by a return or an earlier refund.
                - not_charged: the lead has no buyer or no price above 0: there is nothing to refund.
                - idempotency_key_in_use: a request with this Idempotency-Key is still running; retry once it has answered.
                """,
                codes: ["already_refunded", "not_charged", "idempotency_key_in_use"]
            ),
        ]) { _, new in new },
        errors: [.unauthorized, .forbidden, .notFound, .tooLarge, .rateLimited]
    )

    // MARK: Schemas

    /// What each entry type means; the switch makes a new type fail to compile until it is described.
    static func meaning(of kind: LedgerEntry.Kind) -> String {
        switch kind {
        case .charge: "a lead sold to the buyer, at its price; lowers the buyer's balance"
        case .credit: "money paid in or granted, to a buyer's account or to the tenant's own; raises that balance"
        case .refund: "a charge given back, by a return or an admin refund; raises the buyer's balance"
        }
    }

    /// What each invoice status means; the switch makes a new status fail to compile until it is described.
    static func meaning(of status: Invoice.Status) -> String {
        switch status {
        case .open: "not yet covered by the buyer's credits (payments)"
        case .paid: "covered: by prepayment, by credits, or because the amount is 0 or less; paid_at says when"
        }
    }

    private static func signedCents(_ description: String) -> JSONValue {
        ["type": "integer", "format": "int64", "description": .string(description)]
    }

    private static let periodSchema: JSONValue = [
        "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "description": "A calendar month in UTC, YYYY-MM.", "examples": ["2026-04"],
    ]

    private static let answerSchemas: [String: JSONValue] = [
        "BillingUsage": OpenAPIPart.objectSchema(
            [
                "period": periodSchema,
                "buyer_id": ["type": ["string", "null"], "description": "The buyer asked about; null for the whole account."],
                "leads_purchased": OpenAPIPart.countSchema("Leads sold in the period, at any price."),
                "total_spend_cents": ReportRoutes.centsSchema("The gross price of the leads sold in the period, returned ones included."),
                "refunds_cents": ReportRoutes.centsSchema("Money given back in the period: returns and admin refunds."),
                "net_spend_cents": signedCents("total_spend_cents − refunds_cents."),
                "credits_remaining_cents": [
                    "type": "integer", "format": "int64", "minimum": 0,
                    "description": "Money unspent now: the tenant's own balance plus every buyer's positive balance; with buyer_id, the buyer's balance when positive, 0 otherwise.",
                ],
                "avg_cost_per_lead_cents": ReportRoutes.centsSchema("total_spend_cents / leads_purchased, rounded half up; 0 without purchases."),
                "charged_cents": ["type": "integer", "format": "int64", "minimum": 0, "description": "The period's charges."],
                "refunded_cents": ["type": "integer", "format": "int64", "minimum": 0, "description": "The period's refunds."],
                "leads_refunded": OpenAPIPart.countSchema("Refunds in the period."),
                "credits_added_cents": ["type": "integer", "format": "int64", "minimum": 0, "description": "The period's credits."],
                "balance_cents": signedCents("Now: the tenant's own balance, or with buyer_id the buyer's (negative: it owes)."),
            ],
            description: "Period figures and current balances; see getBillingUsage."
        ),
        "Invoice": OpenAPIPart.objectSchema([
            "id": ["type": "string", "examples": ["inv_5b2a4c7e9a317d2e4b6f8a10"]],
            "period": periodSchema,
            "amount_cents": signedCents("Charges less refunds in the month; for the account's invoice, the sum over its buyers."),
            "status": OpenAPIPart.ref("InvoiceStatus"),
            "paid_at": ["type": ["string", "null"], "format": "date-time", "description": "When it was paid, RFC 3339 in UTC; null while open."],
            "buyer_id": ["type": ["string", "null"], "description": "The buyer invoiced; null for the account's invoice."],
            "leads": OpenAPIPart.countSchema("Leads charged in the month."),
            "created_at": OpenAPIPart.timestampSchema,
        ]),
        "InvoiceList": OpenAPIPart.listSchema(of: "Invoice"),
        "Transaction": OpenAPIPart.objectSchema(
            [
                "id": [
                    "type": "string", "description": "txn_ for a charge, cred_ for a credit, ref_ for a refund.",
                    "examples": ["txn_5b2a4c7e9a317d2e4b6f8a10"],
                ],
                "type": OpenAPIPart.ref("TransactionType"),
                "amount_cents": [
                    "type": "integer", "format": "int64", "minimum": 1, "description": "Always positive; type says which way it moves the balance.",
                ],
                "description": ["type": "string", "examples": ["Lead #0f8d6c1e returned (invalid_phone)"]],
                "created_at": OpenAPIPart.timestampSchema,
                "buyer_id": ["type": ["string", "null"], "description": "The buyer's account; null for the tenant's own account."],
                "lead_id": ["type": ["string", "null"], "description": "The lead charged or refunded; null for a credit."],
                "reason": ["type": ["string", "null"], "description": "A credit's reason, or a refund's return reason; null for a charge."],
                "balance_after_cents": [
                    "type": ["integer", "null"], "format": "int64", "description": "The account's balance right after this entry.",
                ],
            ],
            description: "One entry of the append-only ledger."
        ),
        "TransactionList": OpenAPIPart.listSchema(of: "Transaction"),
        "Credit": OpenAPIPart.objectSchema([
            "balance_cents": [
                "type": ["integer", "null"], "format": "int64", "description": "The credited account's balance after the credit.",
            ],
            "credit_id": ["type": "string", "examples": ["cred_5b2a4c7e9a317d2e4b6f8a10"]],
            "amount_cents": ["type": "integer", "format": "int64", "minimum": 1],
            "buyer_id": ["type": ["string", "null"], "description": "The buyer credited; null for the tenant's own account."],
            "created_at": OpenAPIPart.timestampSchema,
        ]),
        "Refund": OpenAPIPart.objectSchema([
            "refund_id": ["type": "string", "examples": ["ref_5b2a4c7e9a317d2e4b6f8a10"]],
            "amount_cents": ["type": "integer", "format": "int64", "minimum": 1, "description": "The lead's sold price, given back."],
            "status": ["type": "string", "const": "processed"],
            "lead_id": ["type": ["string", "null"]],
            "buyer_id": ["type": ["string", "null"], "description": "The buyer refunded."],
            "created_at": OpenAPIPart.timestampSchema,
        ]),
    ]

    private static let requestSchemas: [String: JSONValue] = [
        "CreditRequest": [
            "type": "object",
            "required": ["amount_cents", "reason"],
            "properties": [
                "amount_cents": [
                    "type": "integer", "format": "int64", "minimum": 1, "maximum": .integer(Ledger.maxCreditCents),
                    "description": "The money added, in cents.",
                ],
                "reason": [
                    "type": "string", "minLength": 1, "maxLength": 500,
                    "description": "Why: 1 to 500 bytes once surrounding whitespace is trimmed.", "examples": ["Promotional credit"],
                ],
                "buyer_id": [
                    "type": ["string", "null"],
                    "description": "The buyer whose account is credited; absent or null for the tenant's own account.",
                ],
            ],
        ],
        "RefundRequest": [
            "type": "object",
            "required": ["lead_id", "reason"],
            "properties": [
                "lead_id": ["type": "string", "examples": ["0f8d6c1e-5b2a-4c7e-9a31-7d2e4b6f8a10"]],
                "reason": OpenAPIPart.ref("ReturnReason"),
            ],
        ],
    ]

    private static let vocabularySchemas: [String: JSONValue] = [
        "TransactionType": [
            "type": "string",
            "description": .string(
                "A ledger entry's type:\n" + LedgerEntry.Kind.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(LedgerEntry.Kind.allCases.map { .string($0.rawValue) }),
        ],
        "InvoiceStatus": [
            "type": "string",
            "description": .string(
                "An invoice's status:\n" + Invoice.Status.allCases.map { "- \($0.rawValue): \(meaning(of: $0))." }.joined(separator: "\n")
            ),
            "enum": .array(Invoice.Status.allCases.map { .string($0.rawValue) }),
        ],
    ]

    private static let schemas: [String: JSONValue] = answerSchemas.merging(requestSchemas) { _, new in new }
        .merging(vocabularySchemas) { _, new in new }
}
