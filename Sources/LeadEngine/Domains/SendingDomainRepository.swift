import Foundation

/// Storage of sending domains and their private keys, keyed by tenant and id.
public protocol SendingDomainRepository: Sendable {
    /// Stores a new domain with its private key; false, and nothing written, when the tenant has the name already.
    func insert(_ domain: SendingDomain, privateKeyPEM: String) async throws -> Bool
    func domain(id: String, tenantID: String) async throws -> SendingDomain?
    func domains(tenantID: String, page: PageRequest) async throws -> Page<SendingDomain>
    /// Whether a tenant other than `tenantID` holds `name` verified.
    /// Whether the tenant already has this domain (checked before a key is made; the insert decides).
    func isRegistered(_ name: DomainName, tenantID: String) async throws -> Bool
    func isVerified(_ name: DomainName, byTenantOtherThan tenantID: String) async throws -> Bool
    /// Writes what a check found (status, validity, checks, times); false when the domain is gone.
    func recordCheck(_ domain: SendingDomain) async throws -> Bool
    /// Deletes the domain and its key; nil when there was none.
    func delete(id: String, tenantID: String) async throws -> SendingDomain?
    /// The tenant's verified domain of that name.
    func verifiedDomain(named name: DomainName, tenantID: String) async throws -> SendingDomain?
    /// The tenant's most recently verified domain.
    func latestVerifiedDomain(tenantID: String) async throws -> SendingDomain?
    /// The domain's DKIM private key (PEM), for the signer only.
    func dkimPrivateKey(domainID: String, tenantID: String) async throws -> String?
    /// Verified domains of every tenant last checked before `cutoff`, oldest check first.
    func verifiedDomains(checkedBefore cutoff: Date, limit: Int) async throws -> [SendingDomain]
}
