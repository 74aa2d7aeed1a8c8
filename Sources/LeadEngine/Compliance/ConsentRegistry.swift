import Foundation

/// Storage of consent certificates.
public protocol ConsentRepository: Sendable {
    func insert(_ certificate: ConsentCertificate) async throws
    func certificate(id: String, tenantID: String) async throws -> ConsentCertificate?
    /// Marks the certificate revoked (once; a second revocation keeps the first time); nil when unknown.
    func revoke(id: String, tenantID: String, at date: Date) async throws -> ConsentCertificate?
    func leadExists(id: String, tenantID: String) async throws -> Bool
}

/// Recording, verifying and revoking consents, TrustedForm-style.
public struct ConsentRegistry: Sendable {
    let repository: any ConsentRepository
    let signingKey: CertificateSigningKey
    let clock: any EngineClock
    let identifiers: any IdentifierSource

    public init(
        repository: any ConsentRepository, signingKey: CertificateSigningKey, clock: any EngineClock,
        identifiers: any IdentifierSource = TimeOrderedIdentifiers()
    ) {
        self.repository = repository
        self.signingKey = signingKey
        self.clock = clock
        self.identifiers = identifiers
    }

    public var publicJWK: JSONValue { self.signingKey.publicJWK }

    public func record(_ consent: Consent, leadID: String?, tenantID: String) async throws -> ConsentCertificate {
        if let leadID, try await !self.repository.leadExists(id: leadID, tenantID: tenantID) {
            throw ValidationError(field: "lead_id", message: "no lead \(leadID) in this account")
        }
        let certificate = self.signingKey.certify(
            id: self.identifiers.make(.certificate), tenantID: tenantID, leadID: leadID, consent: consent, createdAt: self.clock.now()
        )
        try await self.repository.insert(certificate)
        return certificate
    }

    /// The certificate and whether it is valid: known, untampered (its stored fields still hash
    /// and verify against the server's key) and not revoked.
    public func verify(id: String, tenantID: String) async throws -> (certificate: ConsentCertificate?, valid: Bool) {
        guard let certificate = try await self.repository.certificate(id: id, tenantID: tenantID) else { return (nil, false) }
        return (certificate, certificate.isActive && self.signingKey.verify(certificate))
    }

    public func revoke(id: String, tenantID: String) async throws -> ConsentCertificate {
        guard let certificate = try await self.repository.revoke(id: id, tenantID: tenantID, at: self.clock.now()) else {
            throw NotFoundError(entity: "certificate", id: id)
        }
        return certificate
    }
}
