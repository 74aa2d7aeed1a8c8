import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import Logging
import NIOCore
import Testing

/// Every endpoint built so far, for the tests that every endpoint must pass alike.
struct Endpoint: Sendable, CustomTestStringConvertible {
    enum Target: Sendable {
        case collection
        case buyer
        case campaign
    }

    var method: HTTPRequest.Method
    var path: String
    /// Which object the `{id}` in the path stands for, if any.
    var target: Target
    var body: String?
    /// A body that is JSON but breaks field rules, with the fields it breaks.
    var invalidBody: String?
    var invalidFields: [String]
    /// For endpoints without a body, a query that breaks the rules.
    var invalidQuery: String?

    var testDescription: String { "\(self.method) \(self.path)" }

    func uri(buyerID: String, campaignID: String) -> String {
        switch self.target {
        case .collection: self.path
        case .buyer: self.path.replacingOccurrences(of: "{id}", with: buyerID)
        case .campaign: self.path.replacingOccurrences(of: "{id}", with: campaignID)
        }
    }

    static let all: [Endpoint] = [
        Endpoint(
            method: .post, path: "/api/v1/buyers/", target: .collection, body: SpecExample.buyer,
            invalidBody: #"{"name": "", "campaign_types": ["legal_pi", "cooking"], "states": ["NV", "ZZ"], "max_price_cents": -5, "webhook_url": "ftp://x"}"#,
            invalidFields: ["name", "campaign_types", "states", "max_price_cents", "webhook_url"]
        ),
        Endpoint(
            method: .get, path: "/api/v1/buyers/", target: .collection, invalidFields: ["per_page", "status"],
            invalidQuery: "?per_page=500&status=asleep"
        ),
        Endpoint(
            method: .get, path: "/api/v1/buyers/match?campaign_type=legal_pi&state=NV&zip_code=89101", target: .collection,
            invalidFields: ["campaign_type", "state", "zip_code"], invalidQuery: "?campaign_type=cooking&state=ZZ&zip_code=8910"
        ),
        Endpoint(method: .get, path: "/api/v1/buyers/{id}", target: .buyer, invalidFields: []),
        Endpoint(
            method: .patch, path: "/api/v1/buyers/{id}", target: .buyer, body: SpecExample.buyerPatch,
            invalidBody: #"{"states": "NV", "max_price_cents": 1.5, "bid_timeout_ms": 0, "exclusivity": "sometimes"}"#,
            invalidFields: ["states", "max_price_cents", "bid_timeout_ms", "exclusivity"]
        ),
        Endpoint(
            method: .post, path: "/api/v1/campaigns/", target: .collection, body: SpecExample.campaign,
            invalidBody: #"{"name": "Q2", "campaign_type": "cooking", "states": [], "budget_cents": "lots"}"#,
            invalidFields: ["campaign_type", "states", "budget_cents"]
        ),
        Endpoint(
            method: .get, path: "/api/v1/campaigns/", target: .collection, invalidFields: ["page"], invalidQuery: "?page=0"
        ),
        Endpoint(method: .get, path: "/api/v1/campaigns/{id}", target: .campaign, invalidFields: []),
        Endpoint(
            method: .patch, path: "/api/v1/campaigns/{id}", target: .campaign, body: SpecExample.campaignPatch,
            invalidBody: #"{"status": "asleep", "max_leads_per_day": -1, "delivery_webhook": "not a url"}"#,
            invalidFields: ["status", "max_leads_per_day", "delivery_webhook"]
        ),
        Endpoint(
            // Without consent: stored as rejected, so the rate-limit test's hundred requests skip the auction and sale.
            method: .post, path: "/api/v1/leads/inbound", target: .collection,
            body: #"{"first_name": "Jane", "last_name": "Doe", "phone": "+17025551234", "state": "NV", "campaign_type": "legal_pi", "source": "s"}"#,
            invalidBody: #"{"first_name": 5, "campaign_type": "cooking", "source": "", "consent": {"ip_address": 42}}"#,
            invalidFields: ["first_name", "campaign_type", "source", "consent.ip_address"]
        ),
        Endpoint(
            method: .get, path: "/api/v1/leads/", target: .collection, invalidFields: ["status", "per_page", "created_before"],
            invalidQuery: "?status=lost&per_page=500&created_before=soon"
        ),
        Endpoint(method: .get, path: "/api/v1/billing/usage", target: .collection, invalidFields: ["period"], invalidQuery: "?period=2026-13"),
        Endpoint(
            method: .get, path: "/api/v1/billing/transactions", target: .collection, invalidFields: ["type", "created_after"],
            invalidQuery: "?type=gift&created_after=soon"
        ),
        Endpoint(method: .get, path: "/api/v1/billing/invoices", target: .collection, invalidFields: ["page"], invalidQuery: "?page=0"),
        Endpoint(method: .get, path: "/api/v1/reports/dashboard", target: .collection, invalidFields: ["period"], invalidQuery: "?period=2026-4"),
        Endpoint(method: .get, path: "/api/v1/reports/campaigns", target: .collection, invalidFields: ["period"], invalidQuery: "?period=April"),
        Endpoint(method: .get, path: "/api/v1/reports/buyers", target: .collection, invalidFields: ["period"], invalidQuery: "?period=2026-00"),
        Endpoint(
            method: .get, path: "/api/v1/reports/export", target: .collection, invalidFields: ["type", "status", "created_after"],
            invalidQuery: "?type=invoices&status=lost&created_after=soon"
        ),
    ]
}
