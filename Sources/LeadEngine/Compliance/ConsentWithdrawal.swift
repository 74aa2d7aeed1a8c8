/// What a withdrawal of consent changed for one tenant.
public struct WithdrawalReport: Sendable, Equatable {
    public var tenantID: String
    /// False when the number was on the internal list already.
    public var listed: Bool
    public var certificatesRevoked: [String]
    public var enrollmentsEnded: Int

    public init(tenantID: String, listed: Bool, certificatesRevoked: [String], enrollmentsEnded: Int) {
        self.tenantID = tenantID
        self.listed = listed
        self.certificatesRevoked = certificatesRevoked
        self.enrollmentsEnded = enrollmentsEnded
    }
}

/// The store's side of a withdrawal: one transaction per tenant.
public protocol ConsentWithdrawalStore: Sendable {
    /// Tenants whose texts reached (or may have reached) `phone`.
    func tenantsThatTexted(phone: String) async throws -> [String]
    /// Puts `phone` on the tenant's internal do-not-call list, revokes every unrevoked consent
    /// certificate of the tenant's leads with that phone, and ends their active enrollments with
    /// `opted_out` — together, so no step can run between them.
    func withdraw(phone: String, tenantID: String, source: String, nowMilliseconds: Int64) async throws -> WithdrawalReport
}

/// A person withdrawing consent, by replying STOP to a text or through `POST /compliance/revoke-consent`:
/// one use case, so both stop every channel the same way. When in doubt it revokes: a false
/// revocation costs a lead, a missed one a lawsuit.
public struct ConsentWithdrawal: Sendable {
    let store: any ConsentWithdrawalStore
    let consents: ConsentRegistry
    let leads: any LeadRepository
    let clock: any EngineClock

    public init(store: any ConsentWithdrawalStore, consents: ConsentRegistry, leads: any LeadRepository, clock: any EngineClock) {
        self.store = store
        self.consents = consents
        self.leads = leads
        self.clock = clock
    }

    /// A reply asking to stop, from `phone` (E.164): every tenant that texted it stops.
    public func optOut(phone: String, source: String = "sms_stop") async throws -> [WithdrawalReport] {
        var reports: [WithdrawalReport] = []
        for tenantID in try await self.store.tenantsThatTexted(phone: phone) {
            reports.append(try await self.store.withdraw(phone: phone, tenantID: tenantID, source: source, nowMilliseconds: self.clock.nowMilliseconds()))
        }
        return reports
    }

    /// Revokes one certificate; when it names a lead, that lead's phone withdraws consent for the tenant.
    public func revoke(certificateID: String, tenantID: String) async throws -> ConsentCertificate {
        let certificate = try await self.consents.revoke(id: certificateID, tenantID: tenantID)
        if let leadID = certificate.leadID, let lead = try await self.leads.lead(id: leadID, tenantID: tenantID),
            let phone = PhoneNumber.e164(fromUS: lead.contact.phone)
        {
            _ = try await self.store.withdraw(
                phone: phone, tenantID: tenantID, source: "revoked:\(certificate.id)", nowMilliseconds: self.clock.nowMilliseconds()
            )
        }
        return certificate
    }
}
