import Foundation
import LeadEngine
import Testing

@Suite("Tenant provisioning and key-ring refresh")
struct TenantProvisioningTests {
    let repository = InMemoryTenantRepository()
    let clock = ManualClock()
    let ring = KeyRing()
    let identifiers = SequentialIdentifiers()

    var provisioning: TenantProvisioning {
        TenantProvisioning(repository: self.repository, clock: self.clock, identifiers: self.identifiers)
    }

    var refresher: KeyRingRefresher {
        KeyRingRefresher(repository: self.repository, keyRing: self.ring)
    }

    @Test("createTenant stores the tenant with one key of each role, secrets shown once")
    func createTenant() async throws {
        let provisioned = try await self.provisioning.createTenant(name: "  Acme Leads  ")
        #expect(provisioned.tenant.name == "Acme Leads")
        #expect(provisioned.tenant.id.hasPrefix("ten_"))
        #expect(provisioned.tenant.createdAt == self.clock.now())
        #expect(try await self.repository.tenant(id: provisioned.tenant.id) == provisioned.tenant)

        #expect(provisioned.apiKey.hasPrefix("ezl_live_"))
        #expect(provisioned.adminKey.hasPrefix("ezl_admin_"))
        #expect(provisioned.complianceKey.hasPrefix("ezl_cmpl_"))

        let keys = try await self.provisioning.keys(tenantID: provisioned.tenant.id)
        #expect(keys.count == 3)
        #expect(Set(keys.map(\.role)) == Set(KeyRole.allCases))
        #expect(Set(keys.map(\.id)).count == 3)
        #expect(keys.allSatisfy { $0.id.hasPrefix("key_") && $0.tenantID == provisioned.tenant.id })
        #expect(keys.allSatisfy { $0.rateLimitPerMinute == APIKey.defaultRateLimitPerMinute && !$0.isRevoked })

        // The store holds hashes only, each matching its secret.
        let byRole = Dictionary(uniqueKeysWithValues: keys.map { ($0.role, $0) })
        #expect(byRole[.standard]?.secretHash == KeySecret.hash(provisioned.apiKey))
        #expect(byRole[.admin]?.secretHash == KeySecret.hash(provisioned.adminKey))
        #expect(byRole[.compliance]?.secretHash == KeySecret.hash(provisioned.complianceKey))
        #expect(keys.allSatisfy { !$0.secretHash.hasPrefix("ezl_") })
        #expect(byRole[.standard].map { provisioned.apiKey.hasPrefix($0.displayPrefix) } == true)
    }

    @Test("a blank or over-long tenant name is refused with a field error", arguments: ["", "   ", String(repeating: "x", count: 201)])
    func createTenantValidatesName(name: String) async throws {
        let error = await #expect(throws: ValidationError.self) { try await self.provisioning.createTenant(name: name) }
        #expect(fieldNames(error) == ["name"])
        #expect(try await self.repository.tenantCount() == 0)
    }

    @Test("provisionDefaultTenantIfEmpty creates the default tenant once")
    func defaultTenantOnce() async throws {
        let first = try await self.provisioning.provisionDefaultTenantIfEmpty()
        #expect(first?.tenant.name == TenantProvisioning.defaultTenantName)
        #expect(try await self.provisioning.provisionDefaultTenantIfEmpty() == nil)
        #expect(try await self.provisioning.provisionDefaultTenantIfEmpty() == nil)
        #expect(try await self.repository.tenantCount() == 1)
    }

    @Test("provisionDefaultTenantIfEmpty does nothing when another tenant exists")
    func defaultTenantSkippedWhenTenantsExist() async throws {
        _ = try await self.provisioning.createTenant(name: "first")
        #expect(try await self.provisioning.provisionDefaultTenantIfEmpty() == nil)
        #expect(try await self.repository.tenantCount() == 1)
    }

    @Test("createKey accepts rate limits 1…100,000,000 and the default", arguments: [1, 100, 100_000_000])
    func createKeyLimits(limit: Int) async throws {
        let tenant = try await self.provisioning.createTenant(name: "t").tenant
        let issued = try await self.provisioning.createKey(tenantID: tenant.id, role: .admin, rateLimitPerMinute: limit)
        #expect(issued.key.rateLimitPerMinute == limit)
        #expect(issued.key.role == .admin)
        #expect(issued.secret.hasPrefix("ezl_admin_"))
        #expect(issued.key.secretHash == KeySecret.hash(issued.secret))
        #expect(try await self.repository.keys(tenantID: tenant.id).contains(issued.key))

        let defaulted = try await self.provisioning.createKey(tenantID: tenant.id, role: .standard, rateLimitPerMinute: nil)
        #expect(defaulted.key.rateLimitPerMinute == 100)
    }

    @Test("createKey refuses rate limits outside 1…100,000,000", arguments: [0, -5, 100_000_001, Int.max])
    func createKeyRejectsLimits(limit: Int) async throws {
        let tenant = try await self.provisioning.createTenant(name: "t").tenant
        let error = await #expect(throws: ValidationError.self) {
            try await self.provisioning.createKey(tenantID: tenant.id, role: .standard, rateLimitPerMinute: limit)
        }
        #expect(fieldNames(error) == ["rate_limit_per_minute"])
        #expect(try await self.repository.keys(tenantID: tenant.id).count == 3)
    }

    @Test("createKey and keys for an unknown tenant are NotFound")
    func createKeyUnknownTenant() async throws {
        let error = await #expect(throws: NotFoundError.self) {
            try await self.provisioning.createKey(tenantID: "ten_missing", role: .standard, rateLimitPerMinute: nil)
        }
        #expect(error == NotFoundError(entity: "tenant", id: "ten_missing"))
        await #expect(throws: NotFoundError.self) { try await self.provisioning.keys(tenantID: "ten_missing") }
    }

    @Test("revoking an unknown key is NotFound")
    func revokeUnknownKey() async throws {
        let error = await #expect(throws: NotFoundError.self) { try await self.provisioning.revokeKey(id: "key_missing") }
        #expect(error == NotFoundError(entity: "key", id: "key_missing"))
    }

    @Test("refresh makes new keys usable, and a revoked key fails to authenticate")
    func refreshAfterRevoke() async throws {
        let provisioned = try await self.provisioning.createTenant(name: "Acme")
        #expect(self.ring.authenticate(secret: provisioned.apiKey) == nil)

        #expect(try await self.refresher.refresh() == 3)
        let principal = try #require(self.ring.authenticate(secret: provisioned.apiKey))
        #expect(principal.tenantID == provisioned.tenant.id)
        #expect(principal.role == .standard)
        #expect(self.ring.authenticate(secret: provisioned.adminKey)?.role == .admin)
        #expect(self.ring.authenticate(secret: provisioned.complianceKey)?.role == .compliance)

        // Nothing new: nothing applied.
        #expect(try await self.refresher.refresh() == 0)

        self.clock.advance(byMilliseconds: 5_000)
        let revoked = try await self.provisioning.revokeKey(id: principal.keyID)
        #expect(revoked.revokedAt == self.clock.now())
        // Until the refresh, the running server still has it.
        #expect(self.ring.authenticate(secret: provisioned.apiKey) != nil)

        #expect(try await self.refresher.refresh() == 1)
        #expect(self.ring.authenticate(secret: provisioned.apiKey) == nil)
        #expect(self.ring.authenticate(secret: provisioned.adminKey) != nil)
        #expect(self.ring.authenticate(secret: provisioned.complianceKey) != nil)

        // A key created later by another process (the CLI) is picked up by the next refresh.
        let extra = try await self.provisioning.createKey(tenantID: provisioned.tenant.id, role: .standard, rateLimitPerMinute: 7)
        #expect(try await self.refresher.refresh() == 1)
        #expect(self.ring.authenticate(secret: extra.secret)?.rateLimitPerMinute == 7)
    }

    @Test("a new ring catches up from scratch and skips keys already revoked")
    func freshRingCatchesUp() async throws {
        let provisioned = try await self.provisioning.createTenant(name: "Acme")
        let keys = try await self.provisioning.keys(tenantID: provisioned.tenant.id)
        let admin = try #require(keys.first { $0.role == .admin })
        _ = try await self.provisioning.revokeKey(id: admin.id)

        #expect(try await self.refresher.refresh() == 3)
        #expect(self.ring.count == 2)
        #expect(self.ring.authenticate(secret: provisioned.adminKey) == nil)
        #expect(self.ring.changeSequence == 4)
    }
}
