import Foundation

/// Everything a post commits, together: the lead, its consent certificate, the sale at the bid
/// price, the charge in the ledger, and the delivery in the outbox.
public struct SaleRecord: Sendable {
    public var ping: Ping
    public var lead: Lead
    /// The consent certificate made with the sale; nil when the lead was certified at intake.
    public var certificate: ConsentCertificate?
    public var saleID: String
    /// The campaign that pays, when the buyer buys through campaigns.
    public var campaignID: String?
    public var priceCents: Int64
    public var responseMilliseconds: Int
    public var chargeID: String
    public var delivery: Delivery
    /// False when the lead is already stored (an inbound lead being routed): the sale marks it
    /// sold instead of inserting it, and its certificate is the one made at intake.
    public var leadIsNew: Bool
    /// The do-not-call look-up made for a new lead, recorded with it (an inbound lead's was
    /// recorded at intake).
    public var doNotCall: DoNotCallMatch?
    /// How a new lead was scored, recorded with it (an inbound lead's was recorded at intake).
    public var scored: LeadEvent?
    /// What a store several nodes share checks when the sale commits; nil for none (a sale read
    /// back from SQLite's log, whose node checked it in memory before logging it).
    public var limits: SaleLimits?

    public init(
        ping: Ping, lead: Lead, certificate: ConsentCertificate?, saleID: String, campaignID: String? = nil, priceCents: Int64,
        responseMilliseconds: Int, chargeID: String, delivery: Delivery, leadIsNew: Bool = true
    ) {
        self.leadIsNew = leadIsNew
        self.campaignID = campaignID
        self.ping = ping
        self.lead = lead
        self.certificate = certificate
        self.saleID = saleID
        self.priceCents = priceCents
        self.responseMilliseconds = responseMilliseconds
        self.chargeID = chargeID
        self.delivery = delivery
    }
}

/// Durable storage of sales and their deliveries.
public protocol SaleRepository: Sendable {
    /// Commits the whole sale in one durable transaction, or nothing.
    func commit(_ sale: SaleRecord) async throws
    /// Records an attempt, and the delivery's new state with what follows from it, as `writes` plans, in one transaction.
    func recordAttempt(_ writes: DeliveryAttemptWrites) async throws
    /// Pending deliveries whose next attempt is due, oldest first. A store several nodes share
    /// (`StoreConnection.isShared`) hands each to one caller until its claim lapses (when the
    /// caller's node died before recording an attempt), so two nodes never attempt one at once.
    func dueDeliveries(nowMilliseconds: Int64, limit: Int) async throws -> [Delivery]
    /// Sales of each buyer since its own instant (the start of its day), to restore daily-cap counts at start.
    func salesCount(sinceByBuyer: [String: Int64]) async throws -> [String: Int]
    /// The server's certificate signing key, made and stored by `make` the first time.
    func signingKey(orMake make: @Sendable () -> CertificateSigningKey) async throws -> CertificateSigningKey
}
