import Foundation
import LeadEngine

/// A repository the PostgreSQL store does not have yet: every call fails, naming it, so a contract
/// test against PostgreSQL fails loudly instead of passing or being skipped.
struct UnbuiltRepository: Error, CustomStringConvertible {
    let name: String
    var description: String { "the PostgreSQL \(self.name) is not built yet" }
}

struct UnbuiltTenantRepository: TenantRepository {
    func insert(_ tenant: Tenant, keys: [APIKey]) async throws { throw UnbuiltRepository(name: "TenantRepository") }
    func insert(_ key: APIKey) async throws { throw UnbuiltRepository(name: "TenantRepository") }
    func tenant(id: String) async throws -> Tenant? { throw UnbuiltRepository(name: "TenantRepository") }
    func tenantCount() async throws -> Int { throw UnbuiltRepository(name: "TenantRepository") }
    func tenantSummaries() async throws -> [TenantSummary] { throw UnbuiltRepository(name: "TenantRepository") }
    func keys(tenantID: String) async throws -> [APIKey] { throw UnbuiltRepository(name: "TenantRepository") }
    func revokeKey(id: String, at date: Date) async throws -> APIKey? { throw UnbuiltRepository(name: "TenantRepository") }
    func keysChanged(after sequence: Int64) async throws -> (keys: [APIKey], sequence: Int64) { throw UnbuiltRepository(name: "TenantRepository") }
    func setPostalAddress(_ address: String?, tenantID: String) async throws -> Bool { throw UnbuiltRepository(name: "TenantRepository") }
    func identity(tenantID: String) async throws -> (name: String, postalAddress: String?)? { throw UnbuiltRepository(name: "TenantRepository") }
}

struct UnbuiltBuyerRepository: BuyerRepository {
    func insert(_ buyer: Buyer) async throws { throw UnbuiltRepository(name: "BuyerRepository") }
    func update(id: String, tenantID: String, _ transform: @Sendable (inout Buyer) throws -> Void) async throws -> Buyer? { throw UnbuiltRepository(name: "BuyerRepository") }
    func buyer(id: String, tenantID: String) async throws -> Buyer? { throw UnbuiltRepository(name: "BuyerRepository") }
    func buyers(tenantID: String, filter: BuyerFilter, page: PageRequest) async throws -> Page<Buyer> { throw UnbuiltRepository(name: "BuyerRepository") }
    func allBuyers() async throws -> [Buyer] { throw UnbuiltRepository(name: "BuyerRepository") }
    func performance(buyerIDs: [String], tenantID: String) async throws -> [String: BuyerPerformance] { throw UnbuiltRepository(name: "BuyerRepository") }
}

struct UnbuiltCampaignRepository: CampaignRepository {
    func insert(_ campaign: Campaign) async throws { throw UnbuiltRepository(name: "CampaignRepository") }
    func update(id: String, tenantID: String, _ transform: @Sendable (inout Campaign) throws -> Void) async throws -> Campaign? { throw UnbuiltRepository(name: "CampaignRepository") }
    func campaign(id: String, tenantID: String) async throws -> Campaign? { throw UnbuiltRepository(name: "CampaignRepository") }
    func campaigns(tenantID: String, filter: CampaignFilter, page: PageRequest) async throws -> Page<Campaign> { throw UnbuiltRepository(name: "CampaignRepository") }
    func performance(campaignIDs: [String], tenantID: String) async throws -> [String: CampaignPerformance] { throw UnbuiltRepository(name: "CampaignRepository") }
    func fundedCampaigns(todayStartMilliseconds: Int64) async throws -> [(campaign: Campaign, spentCents: Int64, soldToday: Int)] { throw UnbuiltRepository(name: "CampaignRepository") }
}

struct UnbuiltPingRepository: PingRepository {
    func save(_ pings: [Ping]) async throws { throw UnbuiltRepository(name: "PingRepository") }
    func ping(id: String, tenantID: String) async throws -> Ping? { throw UnbuiltRepository(name: "PingRepository") }
    func livePings(nowMilliseconds: Int64) async throws -> [Ping] { throw UnbuiltRepository(name: "PingRepository") }
    func floorPrices() async throws -> [FloorPrice] { throw UnbuiltRepository(name: "PingRepository") }
    func saveFloorPrice(_ floor: FloorPrice) async throws { throw UnbuiltRepository(name: "PingRepository") }
    func maxSharedBuyers() async throws -> [String: Int] { throw UnbuiltRepository(name: "PingRepository") }
    func saveMaxSharedBuyers(_ value: Int, tenantID: String) async throws { throw UnbuiltRepository(name: "PingRepository") }
    func pruneUnsoldPings(expiredBefore: Int64, limit: Int) async throws -> Int { throw UnbuiltRepository(name: "PingRepository") }
}

struct UnbuiltSaleRepository: SaleRepository {
    func commit(_ sale: SaleRecord) async throws { throw UnbuiltRepository(name: "SaleRepository") }
    func recordAttempt(_ writes: DeliveryAttemptWrites) async throws { throw UnbuiltRepository(name: "SaleRepository") }
    func dueDeliveries(nowMilliseconds: Int64, limit: Int) async throws -> [Delivery] { throw UnbuiltRepository(name: "SaleRepository") }
    func salesCount(sinceByBuyer: [String: Int64]) async throws -> [String: Int] { throw UnbuiltRepository(name: "SaleRepository") }
    func signingKey(orMake make: @Sendable () -> CertificateSigningKey) async throws -> CertificateSigningKey { throw UnbuiltRepository(name: "SaleRepository") }
}

struct UnbuiltSaleLog: SaleLog {
    func append(_ sale: SaleRecord) async throws -> Int64 { throw UnbuiltRepository(name: "SaleLog") }
    func materialise(limit: Int) async throws -> SaleLogFold { throw UnbuiltRepository(name: "SaleLog") }
    func backlog() async throws -> Int { throw UnbuiltRepository(name: "SaleLog") }
}

struct UnbuiltLeadRepository: LeadRepository {
    func intake(tenantID: String, phone: String, email: String, since: Int64, _ decide: @Sendable (_ originalID: String?) -> LeadIntake) async throws -> LeadIntake { throw UnbuiltRepository(name: "LeadRepository") }
    func sourceHistory(tenantID: String, source: String, since: Int64) async throws -> SourceHistory { throw UnbuiltRepository(name: "LeadRepository") }
    func appendEvents(_ events: [LeadEvent], leadID: String) async throws { throw UnbuiltRepository(name: "LeadRepository") }
    func lead(id: String, tenantID: String) async throws -> Lead? { throw UnbuiltRepository(name: "LeadRepository") }
    func details(id: String, tenantID: String) async throws -> LeadDetails? { throw UnbuiltRepository(name: "LeadRepository") }
    func leads(tenantID: String, filter: LeadFilter, page: PageRequest) async throws -> Page<Lead> { throw UnbuiltRepository(name: "LeadRepository") }
    func update(id: String, tenantID: String, _ change: @Sendable (inout Lead) throws -> [LeadEvent]) async throws -> Lead? { throw UnbuiltRepository(name: "LeadRepository") }
    func recordReturn(id: String, tenantID: String, nowMilliseconds: Int64, _ decide: @Sendable (ReturnContext) throws -> ReturnPlan) async throws -> ReturnPlan? { throw UnbuiltRepository(name: "LeadRepository") }
}

struct UnbuiltLedgerRepository: LedgerRepository {
    func addCredit(_ entry: LedgerEntry) async throws -> LedgerEntry { throw UnbuiltRepository(name: "LedgerRepository") }
    func refund(leadID: String, tenantID: String, _ plan: @Sendable (Lead, LedgerEntry?) throws -> RefundPlan) async throws -> LedgerEntry? { throw UnbuiltRepository(name: "LedgerRepository") }
    func entries(tenantID: String, filter: LedgerFilter, page: PageRequest) async throws -> Page<LedgerEntry> { throw UnbuiltRepository(name: "LedgerRepository") }
    func totals(tenantID: String, buyerID: String?, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> PeriodTotals { throw UnbuiltRepository(name: "LedgerRepository") }
    func balance(tenantID: String, buyerID: String?) async throws -> Int64? { throw UnbuiltRepository(name: "LedgerRepository") }
    func creditsRemaining(tenantID: String) async throws -> Int64 { throw UnbuiltRepository(name: "LedgerRepository") }
    func buyerAccounts() async throws -> [(buyerID: String, terms: BillingTerms, balanceCents: Int64)] { throw UnbuiltRepository(name: "LedgerRepository") }
    func tenantsWithBuyerEntries() async throws -> [String] { throw UnbuiltRepository(name: "LedgerRepository") }
    func lastInvoicedPeriod(tenantID: String) async throws -> BillingPeriod? { throw UnbuiltRepository(name: "LedgerRepository") }
    func firstBuyerEntry(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> Int64? { throw UnbuiltRepository(name: "LedgerRepository") }
    func buyerActivity(tenantID: String, fromMilliseconds: Int64, toMilliseconds: Int64) async throws -> [BuyerBillingActivity] { throw UnbuiltRepository(name: "LedgerRepository") }
    func insertInvoices(_ invoices: [Invoice]) async throws -> Int { throw UnbuiltRepository(name: "LedgerRepository") }
    func openInvoices(tenantID: String) async throws -> [Invoice] { throw UnbuiltRepository(name: "LedgerRepository") }
    func standing(buyerID: String, beforeMilliseconds: Int64) async throws -> BuyerStanding { throw UnbuiltRepository(name: "LedgerRepository") }
    func markPaid(invoiceIDs: [String], atMilliseconds: Int64) async throws { throw UnbuiltRepository(name: "LedgerRepository") }
    func invoices(tenantID: String, buyerID: String?, page: PageRequest) async throws -> Page<Invoice> { throw UnbuiltRepository(name: "LedgerRepository") }
    func verify() async throws -> LedgerVerification { throw UnbuiltRepository(name: "LedgerRepository") }
}

struct UnbuiltSalesFiguresRepository: SalesFiguresRepository {
    func salesFigures(tenantID: String, by grouping: SalesGrouping, ids: [String]?, period: BillingPeriod?) async throws -> [String: SalesFigures] { throw UnbuiltRepository(name: "SalesFiguresRepository") }
    func leadCounts(tenantID: String, period: BillingPeriod) async throws -> LeadCounts { throw UnbuiltRepository(name: "SalesFiguresRepository") }
}

struct UnbuiltExportRepository: ExportRepository {
    func leads(tenantID: String, filter: LeadFilter, after: ExportCursor?, limit: Int) async throws -> [Lead] { throw UnbuiltRepository(name: "ExportRepository") }
    func transactions(tenantID: String, filter: LedgerFilter, after: ExportCursor?, limit: Int) async throws -> [LedgerEntry] { throw UnbuiltRepository(name: "ExportRepository") }
    func pings(tenantID: String, filter: PingFilter, after: ExportCursor?, limit: Int) async throws -> [Ping] { throw UnbuiltRepository(name: "ExportRepository") }
}

struct UnbuiltIdempotencyRepository: IdempotencyRepository {
    func claim(_ request: IdempotentRequest, nowMilliseconds: Int64, staleAfterMilliseconds: Int64) async throws -> IdempotencyClaim { throw UnbuiltRepository(name: "IdempotencyRepository") }
    func complete(_ request: IdempotentRequest, status: Int, body: [UInt8]) async throws { throw UnbuiltRepository(name: "IdempotencyRepository") }
    func abandon(_ request: IdempotentRequest) async throws { throw UnbuiltRepository(name: "IdempotencyRepository") }
    func prune(beforeMilliseconds: Int64) async throws -> Int { throw UnbuiltRepository(name: "IdempotencyRepository") }
}

struct UnbuiltConsentRepository: ConsentRepository {
    func insert(_ certificate: ConsentCertificate) async throws { throw UnbuiltRepository(name: "ConsentRepository") }
    func certificate(id: String, tenantID: String) async throws -> ConsentCertificate? { throw UnbuiltRepository(name: "ConsentRepository") }
    func revoke(id: String, tenantID: String, at date: Date) async throws -> ConsentCertificate? { throw UnbuiltRepository(name: "ConsentRepository") }
    func leadExists(id: String, tenantID: String) async throws -> Bool { throw UnbuiltRepository(name: "ConsentRepository") }
}

struct UnbuiltDoNotCallStore: DoNotCallStore {
    func list(named name: String) async throws -> DoNotCallList? { throw UnbuiltRepository(name: "DoNotCallStore") }
    func save(_ list: DoNotCallList, named name: String, areaCodes: Set<Int>?, nowMilliseconds: Int64) async throws { throw UnbuiltRepository(name: "DoNotCallStore") }
    func versions() async throws -> [String: Int64] { throw UnbuiltRepository(name: "DoNotCallStore") }
    func changeInternal(tenantID: String, additions: [UInt64], deletions: [UInt64], source: String, nowMilliseconds: Int64) async throws -> (added: Int, removed: Int) { throw UnbuiltRepository(name: "DoNotCallStore") }
    func isOnInternalDoNotCall(tenantID: String, phone: String) async throws -> Bool { throw UnbuiltRepository(name: "DoNotCallStore") }
}

struct UnbuiltConsentWithdrawalStore: ConsentWithdrawalStore {
    func tenantsThatTexted(phone: String) async throws -> [String] { throw UnbuiltRepository(name: "ConsentWithdrawalStore") }
    func withdraw(phone: String, tenantID: String, source: String, nowMilliseconds: Int64) async throws -> WithdrawalReport { throw UnbuiltRepository(name: "ConsentWithdrawalStore") }
}

struct UnbuiltEmailOptOutStore: EmailOptOutStore {
    func isOptedOut(email: String, tenantID: String) async throws -> Bool { throw UnbuiltRepository(name: "EmailOptOutStore") }
    func optOut(email: String, tenantID: String, leadID: String, source: String, nowMilliseconds: Int64) async throws -> (recorded: Bool, enrollmentsEnded: Int) { throw UnbuiltRepository(name: "EmailOptOutStore") }
}

struct UnbuiltSequenceRepository: SequenceRepository {
    func insert(_ sequence: OutreachSequence) async throws { throw UnbuiltRepository(name: "SequenceRepository") }
    func sequence(id: String, tenantID: String) async throws -> OutreachSequence? { throw UnbuiltRepository(name: "SequenceRepository") }
    func sequences(tenantID: String, page: PageRequest) async throws -> Page<OutreachSequence> { throw UnbuiltRepository(name: "SequenceRepository") }
    func setStatus(_ status: SequenceStatus, id: String, tenantID: String, nowMilliseconds: Int64) async throws -> OutreachSequence? { throw UnbuiltRepository(name: "SequenceRepository") }
    func counts(sequenceIDs: [String], tenantID: String) async throws -> [String: SequenceCounts] { throw UnbuiltRepository(name: "SequenceRepository") }
    func sequences(usingTemplate templateID: String, tenantID: String) async throws -> [String] { throw UnbuiltRepository(name: "SequenceRepository") }
    func enroll(_ enrollment: Enrollment) async throws -> Enrollment? { throw UnbuiltRepository(name: "SequenceRepository") }
    func remove(sequenceID: String, leadID: String, tenantID: String, nowMilliseconds: Int64) async throws -> Enrollment? { throw UnbuiltRepository(name: "SequenceRepository") }
    func enrollment(id: String) async throws -> Enrollment? { throw UnbuiltRepository(name: "SequenceRepository") }
    func enrollments(leadID: String, tenantID: String) async throws -> [Enrollment] { throw UnbuiltRepository(name: "SequenceRepository") }
    func attempts(leadID: String, tenantID: String) async throws -> [OutreachAttempt] { throw UnbuiltRepository(name: "SequenceRepository") }
    func dueEnrollments(nowMilliseconds: Int64, limit: Int) async throws -> [Enrollment] { throw UnbuiltRepository(name: "SequenceRepository") }
    func earliestDueMilliseconds() async throws -> Int64? { throw UnbuiltRepository(name: "SequenceRepository") }
    func apply(_ attempt: OutreachAttempt, to enrollment: Enrollment, expectedNextStep: Int, requireDue: Bool) async throws -> Bool { throw UnbuiltRepository(name: "SequenceRepository") }
    func unsettledClaims() async throws -> [OutreachAttempt] { throw UnbuiltRepository(name: "SequenceRepository") }
    func contactTimes(phone: String, tenantID: String, sinceMilliseconds: Int64) async throws -> [Int64] { throw UnbuiltRepository(name: "SequenceRepository") }
}

struct UnbuiltTemplateRepository: TemplateRepository {
    func insert(_ template: MessageTemplate) async throws -> Bool { throw UnbuiltRepository(name: "TemplateRepository") }
    func template(id: String, tenantID: String) async throws -> MessageTemplate? { throw UnbuiltRepository(name: "TemplateRepository") }
    func templates(tenantID: String, page: PageRequest) async throws -> Page<MessageTemplate> { throw UnbuiltRepository(name: "TemplateRepository") }
    func replace(_ template: MessageTemplate) async throws -> Bool { throw UnbuiltRepository(name: "TemplateRepository") }
    func delete(id: String, tenantID: String) async throws -> TemplateRemoval { throw UnbuiltRepository(name: "TemplateRepository") }
}

struct UnbuiltSendingDomainRepository: SendingDomainRepository {
    func insert(_ domain: SendingDomain, privateKeyPEM: String) async throws -> Bool { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func domain(id: String, tenantID: String) async throws -> SendingDomain? { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func domains(tenantID: String, page: PageRequest) async throws -> Page<SendingDomain> { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func isRegistered(_ name: DomainName, tenantID: String) async throws -> Bool { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func isVerified(_ name: DomainName, byTenantOtherThan tenantID: String) async throws -> Bool { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func recordCheck(_ domain: SendingDomain) async throws -> Bool { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func delete(id: String, tenantID: String) async throws -> SendingDomain? { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func verifiedDomain(named name: DomainName, tenantID: String) async throws -> SendingDomain? { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func latestVerifiedDomain(tenantID: String) async throws -> SendingDomain? { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func dkimPrivateKey(domainID: String, tenantID: String) async throws -> String? { throw UnbuiltRepository(name: "SendingDomainRepository") }
    func verifiedDomains(checkedBefore cutoff: Date, limit: Int) async throws -> [SendingDomain] { throw UnbuiltRepository(name: "SendingDomainRepository") }
}
