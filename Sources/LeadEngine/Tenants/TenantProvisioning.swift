/// A tenant with the secrets of its first keys; the only moment the secrets exist in the clear.
public struct ProvisionedTenant: Sendable {
    public var tenant: Tenant
    public var apiKey: String
    public var adminKey: String
    public var complianceKey: String
}

public struct IssuedKey: Sendable {
    public var key: APIKey
    public var secret: String
}

/// Creates tenants and keys and revokes keys, for the CLI and the first start of the server.
public struct TenantProvisioning: Sendable {
    public static let defaultTenantName = "default"

    let repository: any TenantRepository
    let clock: any EngineClock
    let identifiers: any IdentifierSource

    public init(repository: any TenantRepository, clock: any EngineClock, identifiers: any IdentifierSource = TimeOrderedIdentifiers()) {
        self.repository = repository
        self.clock = clock
        self.identifiers = identifiers
    }

    /// The postal address CAN-SPAM requires in every commercial email; email steps are skipped
    /// (`postal_address_missing`) while a tenant has none.
    public func setPostalAddress(_ address: String, tenantID: String) async throws {
        let trimmed = address.trimmingWhitespace()
        var errors = FieldErrors()
        if trimmed.isEmpty { errors.add("postal_address", "is empty") }
        if trimmed.count > 500 { errors.add("postal_address", "is longer than 500 characters") }
        if trimmed.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\n" }) { errors.add("postal_address", "holds control characters") }
        try errors.throwIfAny()
        guard try await self.repository.setPostalAddress(trimmed, tenantID: tenantID) else { throw NotFoundError(entity: "tenant", id: tenantID) }
    }

    /// A new tenant with one standard, one admin and one compliance key.
    public func createTenant(name: String) async throws -> ProvisionedTenant {
        let (tenant, issued) = try self.makeTenant(name: name)
        try await self.repository.insert(tenant, keys: issued.map(\.key))
        return ProvisionedTenant(tenant: tenant, apiKey: issued[0].secret, adminKey: issued[1].secret, complianceKey: issued[2].secret)
    }

    /// Creates the `default` tenant when the store has none; nil when tenants already exist,
    /// including when another node sharing the store made the first one a moment before.
    public func provisionDefaultTenantIfEmpty() async throws -> ProvisionedTenant? {
        guard try await self.repository.tenantCount() == 0 else { return nil }
        let (tenant, issued) = try self.makeTenant(name: Self.defaultTenantName)
        guard try await self.repository.insertFirst(tenant, keys: issued.map(\.key)) else { return nil }
        return ProvisionedTenant(tenant: tenant, apiKey: issued[0].secret, adminKey: issued[1].secret, complianceKey: issued[2].secret)
    }

    /// A tenant named `name` and its standard, admin and compliance keys, not stored yet.
    private func makeTenant(name: String) throws -> (Tenant, [IssuedKey]) {
        var errors = FieldErrors()
        FieldRules.name(name, field: "name", into: &errors)
        try errors.throwIfAny()
        let tenant = Tenant(id: self.identifiers.make(.tenant), name: name.trimmingWhitespace(), createdAt: self.clock.now())
        return (tenant, [KeyRole.standard, .admin, .compliance].map { self.makeKey(tenantID: tenant.id, role: $0, rateLimitPerMinute: nil) })
    }

    public func createKey(tenantID: String, role: KeyRole, rateLimitPerMinute: Int?) async throws -> IssuedKey {
        if let limit = rateLimitPerMinute, limit < 1 || limit > APIKey.maxRateLimitPerMinute {
            throw ValidationError(field: "rate_limit_per_minute", message: "must be between 1 and \(APIKey.maxRateLimitPerMinute)")
        }
        guard try await self.repository.tenant(id: tenantID) != nil else {
            throw NotFoundError(entity: "tenant", id: tenantID)
        }
        let issued = self.makeKey(tenantID: tenantID, role: role, rateLimitPerMinute: rateLimitPerMinute)
        try await self.repository.insert(issued.key)
        return issued
    }

    public func revokeKey(id: String) async throws -> APIKey {
        guard let key = try await self.repository.revokeKey(id: id, at: self.clock.now()) else {
            throw NotFoundError(entity: "key", id: id)
        }
        return key
    }

    public func keys(tenantID: String) async throws -> [APIKey] {
        guard try await self.repository.tenant(id: tenantID) != nil else {
            throw NotFoundError(entity: "tenant", id: tenantID)
        }
        return try await self.repository.keys(tenantID: tenantID)
    }

    /// Every tenant with its live keys counted by role; never a secret.
    public func tenants() async throws -> [TenantSummary] {
        try await self.repository.tenantSummaries()
    }

    private func makeKey(tenantID: String, role: KeyRole, rateLimitPerMinute: Int?) -> IssuedKey {
        let secret = KeySecret(role: role)
        let key = APIKey(
            id: self.identifiers.make(.key), tenantID: tenantID, role: role, secretHash: secret.hash,
            displayPrefix: secret.displayPrefix, rateLimitPerMinute: rateLimitPerMinute ?? APIKey.defaultRateLimitPerMinute,
            createdAt: self.clock.now()
        )
        return IssuedKey(key: key, secret: secret.value)
    }
}
