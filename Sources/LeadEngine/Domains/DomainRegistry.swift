import Foundation

/// The sending-domain use cases: register (a fresh DKIM key and the records to publish), read,
/// list, verify against DNS, delete, and the periodic re-check of verified domains.
public struct DomainRegistry: Sendable {
    let repository: any SendingDomainRepository
    let verifier: DomainVerifier
    let keys: any DKIMKeySource
    let clock: any EngineClock
    let identifiers: any IdentifierSource
    /// The include of the operator's relay, named in the SPF record shown.
    public let spfInclude: String?

    public init(
        repository: any SendingDomainRepository, verifier: DomainVerifier, spfInclude: String?, keys: any DKIMKeySource = GeneratedDKIMKeys(),
        clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        self.repository = repository
        self.verifier = verifier
        self.spfInclude = spfInclude
        self.keys = keys
        self.clock = clock
        self.identifiers = identifiers
    }

    public func register(_ text: String, tenantID: String) async throws -> SendingDomain {
        let name = try DomainName.parse(text)
        if try await self.repository.isVerified(name, byTenantOtherThan: tenantID) {
            throw ConflictError(code: "domain_claimed", detail: "\(name) is verified by another account; only one account may send from a domain.")
        }
        // A key takes the better part of a second of CPU to make: not for a name the insert would refuse.
        if try await self.repository.isRegistered(name, tenantID: tenantID) { throw Self.exists(name) }
        let key = try self.keys.makeKey()
        let domain = SendingDomain(
            id: self.identifiers.make(.domain), tenantID: tenantID, name: name, dkimPublicKey: key.publicKey, createdAt: self.clock.now()
        )
        guard try await self.repository.insert(domain, privateKeyPEM: key.privateKeyPEM) else { throw Self.exists(name) }
        return domain
    }

    static func exists(_ name: DomainName) -> ConflictError {
        ConflictError(code: "domain_exists", detail: "\(name) is already registered in this account.")
    }

    /// The tenant's domain; a 404 when it has none.
    public func existing(id: String, tenantID: String) async throws -> SendingDomain {
        guard let domain = try await self.repository.domain(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "domain", id: id) }
        return domain
    }

    public func list(tenantID: String, page: PageRequest) async throws -> Page<SendingDomain> {
        try await self.repository.domains(tenantID: tenantID, page: page)
    }

    /// Looks the records up now and records the outcome; a DNS outage is an answer, never an error.
    public func verify(id: String, tenantID: String) async throws -> SendingDomain {
        let domain = try await self.existing(id: id, tenantID: tenantID)
        return try await self.check(domain)
    }

    public func delete(id: String, tenantID: String) async throws -> SendingDomain {
        guard let domain = try await self.repository.delete(id: id, tenantID: tenantID) else { throw NotFoundError(entity: "domain", id: id) }
        return domain
    }

    /// Re-checks verified domains not checked for `interval`, at most `limit` of them; returns how many.
    public func recheckVerified(olderThan interval: TimeInterval, limit: Int = 100) async throws -> Int {
        let due = try await self.repository.verifiedDomains(checkedBefore: self.clock.now().addingTimeInterval(-interval), limit: limit)
        for domain in due { _ = try await self.check(domain) }
        return due.count
    }

    func check(_ domain: SendingDomain) async throws -> SendingDomain {
        let checks = await self.verifier.checks(of: domain)
        let checked = DomainStatusRule.apply(checks, to: domain, at: self.clock.now())
        guard try await self.repository.recordCheck(checked) else { throw NotFoundError(entity: "domain", id: domain.id) }
        return checked
    }
}
