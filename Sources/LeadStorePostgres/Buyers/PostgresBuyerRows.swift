import Foundation
import LeadEngine
import Logging
import PostgresNIO

/// Reading and writing buyers' rows, shared by the repositories that need a buyer in their own
/// transaction.
enum PostgresBuyerRows {
    /// The columns `buyers(from:)` reads, in its order.
    static let columns = """
        id, tenant_id, name, campaign_types, states, max_price_cents, webhook_url, webhook_secret, bid_url, bid_timeout_ms, exclusivity, \
        zip_codes, daily_cap, time_zone, status, revision, created_at, updated_at, billing_mode, credit_limit_cents, return_window_hours, \
        max_return_percent, require_dnc_clear
        """

    /// The buyer's billing terms, nil when there is no such buyer.
    static func billingTerms(buyerID: String, on connection: PostgresConnection, logger: Logger) async throws -> BillingTerms? {
        let rows = try await connection.query(
            "SELECT billing_mode, credit_limit_cents, return_window_hours, max_return_percent FROM buyers WHERE id = \(buyerID)",
            logger: logger
        )
        for try await (mode, creditLimit, returnWindow, maxReturn) in rows.decode((String, Int64?, Int, Int?).self) {
            return try Self.billingTerms(mode: mode, creditLimitCents: creditLimit, returnWindowHours: returnWindow, maxReturnPercent: maxReturn)
        }
        return nil
    }

    static func billingTerms(mode: String, creditLimitCents: Int64?, returnWindowHours: Int, maxReturnPercent: Int?) throws -> BillingTerms {
        BillingTerms(
            mode: try Self.required(BillingMode.self, mode, "billing_mode"), creditLimitCents: creditLimitCents, returnWindowHours: returnWindowHours,
            maxReturnPercent: maxReturnPercent
        )
    }

    /// The values of a buyer the schema keeps as JSON text.
    struct Columns {
        var campaignTypes: String
        var states: String
        var zipCodes: String?

        init(_ buyer: Buyer) {
            self.campaignTypes = PostgresBuyerRows.json(buyer.campaignTypes.map(\.rawValue))
            self.states = PostgresBuyerRows.json(buyer.states)
            self.zipCodes = buyer.zipCodes.map(PostgresBuyerRows.json)
        }
    }

    /// The buyers `rows` holds, selected with `columns`.
    static func buyers(from rows: PostgresRowSequence) async throws -> [Buyer] {
        var buyers: [Buyer] = []
        for try await row in rows {
            let (
                id, tenantID, name, campaignTypes, states, maxPrice, webhookURL, webhookSecret, bidURL, bidTimeout, exclusivity, zipCodes, dailyCap,
                timeZone, status, revision, createdAt, updatedAt, mode, creditLimit, returnWindow, maxReturn, requireDNCClear
            ) = try row.decode(
                (
                    String, String, String, String, String, Int64, String?, String?, String?, Int, String, String?, Int?,
                    String, String, Int64, Int64, Int64, String, Int64?, Int, Int?, Bool
                ).self
            )
            let types = try Self.strings(fromJSON: campaignTypes, "campaign_types").map { try Self.required(CampaignType.self, $0, "campaign_types") }
            buyers.append(
                Buyer(
                    id: id, tenantID: tenantID, name: name, campaignTypes: types, states: try Self.strings(fromJSON: states, "states"),
                    maxPriceCents: maxPrice, webhookURL: webhookURL, webhookSecret: webhookSecret, bidURL: bidURL, bidTimeoutMilliseconds: bidTimeout,
                    exclusivity: try Self.required(Exclusivity.self, exclusivity, "exclusivity"),
                    zipCodes: try zipCodes.map { try Self.strings(fromJSON: $0, "zip_codes") }, dailyCap: dailyCap, timeZone: timeZone,
                    billing: try Self.billingTerms(mode: mode, creditLimitCents: creditLimit, returnWindowHours: returnWindow, maxReturnPercent: maxReturn),
                    requireDNCClear: requireDNCClear, status: try Self.required(BuyerStatus.self, status, "status"), revision: revision,
                    createdAt: Date(epochMilliseconds: createdAt), updatedAt: Date(epochMilliseconds: updatedAt)
                )
            )
        }
        return buyers
    }

    /// A list of strings as the JSON text the schema keeps (`["CA","NY"]`), as SQLite's store writes it.
    static func json(_ strings: [String]) -> String {
        // Encoding an array of strings cannot fail.
        (try? String(decoding: JSONEncoder().encode(strings), as: UTF8.self)) ?? "[]"
    }

    static func strings(fromJSON text: String, table: String = "buyers", _ column: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw PostgresCorruptRow(table: table, column: column, value: String(text.prefix(200)))
        }
    }

    static func required<T: RawRepresentable>(_ type: T.Type, _ raw: String, table: String = "buyers", _ column: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw PostgresCorruptRow(table: table, column: column, value: raw) }
        return value
    }
}
