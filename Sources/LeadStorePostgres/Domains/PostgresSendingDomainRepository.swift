import Foundation
import LeadEngine
import PostgresNIO

/// Sending domains in PostgreSQL; behaves as `SQLiteSendingDomainRepository` does. The DKIM
/// private key is read only by `dkimPrivateKey`.
///
/// Several nodes: `verifiedDomains(checkedBefore:limit:)` is, as its protocol says and the store
/// contract checks, a read — asking twice gives the same domains — so nodes re-verifying at the
/// same moment may each check a domain (a repeated DNS lookup; `recordCheck` then writes the same
/// outcome twice, harmlessly). A lease written into `checked_at` would avoid the repeat, but the
/// API shows `checked_at`, and a lease there would show a check that has not happened.
public struct PostgresSendingDomainRepository: SendingDomainRepository {
    let store: PostgresStore

    public init(store: PostgresStore) {
        self.store = store
    }

    static let columns = """
        tenant_id, id, domain, status, dkim_public_key, spf_valid, dkim_valid, dmarc_valid, checks, created_at, checked_at, verified_at, \
        failing_since
        """

    public func insert(_ domain: SendingDomain, privateKeyPEM: String) async throws -> Bool {
        try await self.store.write { connection in
            let rows = try await connection.query(
                """
                INSERT INTO sending_domains (tenant_id, id, domain, status, dkim_public_key, dkim_private_key, created_at)
                VALUES (\(domain.tenantID), \(domain.id), \(domain.name.ascii), \(domain.status.rawValue), \(domain.dkimPublicKey), \(privateKeyPEM),
                    \(domain.createdAt.epochMilliseconds))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """,
                logger: self.store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func domain(id: String, tenantID: String) async throws -> SendingDomain? {
        try await self.store.read { connection in
            try await Self.domains(
                from: connection.query(
                    "SELECT \(unescaped: Self.columns) FROM sending_domains WHERE tenant_id = \(tenantID) AND id = \(id)", logger: self.store.logger
                )
            ).first
        }
    }

    public func domains(tenantID: String, page: PageRequest) async throws -> Page<SendingDomain> {
        try await self.store.read { connection in
            let result = try await PostgresTenantListing(table: "sending_domains", tenantID: tenantID).fetch(
                columns: Self.columns, page: page, on: connection, logger: self.store.logger, Self.domains(from:)
            )
            return Page(items: result.items, total: result.total, request: page)
        }
    }

    public func isRegistered(_ name: DomainName, tenantID: String) async throws -> Bool {
        try await self.store.read { connection in
            try await Self.exists(
                connection.query(
                    "SELECT EXISTS (SELECT 1 FROM sending_domains WHERE tenant_id = \(tenantID) AND domain = \(name.ascii))", logger: self.store.logger
                )
            )
        }
    }

    public func isVerified(_ name: DomainName, byTenantOtherThan tenantID: String) async throws -> Bool {
        try await self.store.read { connection in
            try await Self.exists(
                connection.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM sending_domains WHERE domain = \(name.ascii) AND status = 'verified' AND tenant_id <> \(tenantID))
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    public func recordCheck(_ domain: SendingDomain) async throws -> Bool {
        try await self.store.write { connection in
            let rows = try await connection.query(
                """
                UPDATE sending_domains SET status = \(domain.status.rawValue), spf_valid = \(domain.spfValid), dkim_valid = \(domain.dkimValid),
                    dmarc_valid = \(domain.dmarcValid), checks = \(try Self.json(domain.checks)), checked_at = \(domain.checkedAt?.epochMilliseconds),
                    verified_at = \(domain.verifiedAt?.epochMilliseconds), failing_since = \(domain.failingSince?.epochMilliseconds)
                WHERE tenant_id = \(domain.tenantID) AND id = \(domain.id)
                RETURNING 1
                """,
                logger: self.store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    public func delete(id: String, tenantID: String) async throws -> SendingDomain? {
        try await self.store.write { connection in
            try await Self.domains(
                from: connection.query(
                    "DELETE FROM sending_domains WHERE tenant_id = \(tenantID) AND id = \(id) RETURNING \(unescaped: Self.columns)",
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func verifiedDomain(named name: DomainName, tenantID: String) async throws -> SendingDomain? {
        try await self.store.read { connection in
            try await Self.domains(
                from: connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM sending_domains
                    WHERE tenant_id = \(tenantID) AND domain = \(name.ascii) AND status = 'verified'
                    """,
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func latestVerifiedDomain(tenantID: String) async throws -> SendingDomain? {
        try await self.store.read { connection in
            try await Self.domains(
                from: connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM sending_domains WHERE tenant_id = \(tenantID) AND status = 'verified'
                    ORDER BY verified_at DESC NULLS LAST, id DESC LIMIT 1
                    """,
                    logger: self.store.logger
                )
            ).first
        }
    }

    public func dkimPrivateKey(domainID: String, tenantID: String) async throws -> String? {
        try await self.store.read { connection in
            let rows = try await connection.query(
                "SELECT dkim_private_key FROM sending_domains WHERE tenant_id = \(tenantID) AND id = \(domainID)", logger: self.store.logger
            )
            for try await key in rows.decode(String.self) { return key }
            return nil
        }
    }

    /// Verified domains of every tenant last checked before `cutoff`, oldest check first: a read,
    /// as the protocol and SQLite's store have it (see the type's note on several nodes).
    public func verifiedDomains(checkedBefore cutoff: Date, limit: Int) async throws -> [SendingDomain] {
        try await self.store.read { connection in
            try await Self.domains(
                from: connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM sending_domains
                    WHERE status = 'verified' AND checked_at < \(cutoff.epochMilliseconds)
                    ORDER BY checked_at, tenant_id, id LIMIT \(limit)
                    """,
                    logger: self.store.logger
                )
            )
        }
    }

    /// The domains `rows` holds, selected with `columns`.
    static func domains(from rows: PostgresRowSequence) async throws -> [SendingDomain] {
        var domains: [SendingDomain] = []
        for try await (tenantID, id, name, status, publicKey, spf, dkim, dmarc, checks, createdAt, checkedAt, verifiedAt, failingSince) in rows.decode(
            (String, String, String, String, String, Bool, Bool, Bool, String, Int64, Int64?, Int64?, Int64?).self
        ) {
            let decodedChecks: [DomainCheck]
            do {
                decodedChecks = try JSONDecoder().decode([DomainCheck].self, from: Data(checks.utf8))
            } catch {
                throw PostgresCorruptRow(table: "sending_domains", column: "checks", value: String(checks.prefix(200)))
            }
            domains.append(
                SendingDomain(
                    id: id, tenantID: tenantID, name: DomainName(ascii: name),
                    status: try PostgresBuyerRows.required(DomainStatus.self, status, table: "sending_domains", "status"), dkimPublicKey: publicKey,
                    spfValid: spf, dkimValid: dkim, dmarcValid: dmarc, checks: decodedChecks, createdAt: Date(epochMilliseconds: createdAt),
                    checkedAt: checkedAt.map(Date.init(epochMilliseconds:)), verifiedAt: verifiedAt.map(Date.init(epochMilliseconds:)),
                    failingSince: failingSince.map(Date.init(epochMilliseconds:))
                )
            )
        }
        return domains
    }

    static func json(_ checks: [DomainCheck]) throws -> String {
        String(decoding: try JSONEncoder().encode(checks), as: UTF8.self)
    }

    private static func exists(_ rows: PostgresRowSequence) async throws -> Bool {
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }
}
