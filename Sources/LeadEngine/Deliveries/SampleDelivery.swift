import Foundation

/// The `lead.delivered` event the public webhook tester shows and sends: the spec's sample lead
/// through the same builder as every real delivery, so its bytes (key order included) are what a
/// buyer's endpoint will really get.
public enum SampleDelivery {
    /// The spec's sample: Jane Doe, a sold legal_pi lead from Nevada.
    public static let lead = Lead(
        id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", tenantID: "", pingID: nil, buyerID: nil, campaignType: .legalPI, source: "sample",
        contact: LeadContact(firstName: "Jane", lastName: "Doe", phone: "+17025551234", email: "jane.doe@example.com", state: "NV", zipCode: "89101"),
        status: .delivered, score: 87, soldPriceCents: 35_000, consentCertificateID: "cert_abc123def456", createdAt: Date(epochMilliseconds: 0)
    )

    /// The sample event stamped `nowMilliseconds`.
    public static func payload(nowMilliseconds: Int64) -> [UInt8] {
        Delivery.leadDeliveredPayload(lead: Self.lead, at: Date(epochMilliseconds: nowMilliseconds))
    }

    /// The sample on its way to `url`. Its webhook id, `msg_test_<hex>`, is fresh each time and never
    /// a real delivery's, so a receiver that deduplicates by id neither drops it nor mistakes it for a sale.
    public static func delivery(to url: String, nowMilliseconds: Int64) -> Delivery {
        var generator = SystemRandomNumberGenerator()
        return Delivery(
            id: "msg_test_" + Hex.randomString(byteCount: 12, using: &generator), tenantID: "", leadID: Self.lead.id, buyerID: "", url: url,
            payload: Self.payload(nowMilliseconds: nowMilliseconds), status: .pending, nextAttemptAtMilliseconds: nil,
            createdAtMilliseconds: nowMilliseconds
        )
    }
}
