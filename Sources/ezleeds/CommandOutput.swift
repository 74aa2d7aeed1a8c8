import ArgumentParser
import Foundation
import LeadEngine
import LeadStore
import LeadStorePostgres

/// What the commands print: one JSON object on stdout; errors as one line on stderr and exit 1.
enum CommandOutput {
    /// Writes a line to stdout unbuffered, so a supervisor or pipe sees it at once.
    static func emit(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        // Sorted: the same key order every run, whatever the encoder's dictionary order.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LeadEngine.ValidationError {
            throw Self.failure(error.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
        } catch let error as NotFoundError {
            throw Self.failure("no \(error.entity) \(error.id)")
        } catch let error as DatabaseMissing {
            throw Self.failure("\(error); start the server once (ezleeds serve) or create a tenant (ezleeds tenant create) to make one")
        } catch let error as DatabaseLock.Held {
            let holder = error.holderPID.map { "pid \($0)" } ?? "a process whose pid is not yet written"
            throw Self.failure("another ezleeds server (\(holder)) is using this database (lock \(LeadDatabase.absolutePath(error.lockPath))); stop it or use another --db")
        } catch let error as DatabaseLock.Unavailable {
            throw Self.failure("\(error)")
        } catch let error as DatabaseBackup.TargetExists {
            throw Self.failure("\(error)")
        } catch let error as PostgresOpenError {
            throw Self.failure("\(error)")
        } catch let error as PostgresURLError {
            throw Self.failure("\(error)")
        }
    }

    /// Says what went wrong on stderr; the exit code argument-parser then exits with.
    static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode.failure
    }
}

struct TenantCreated: Encodable {
    var tenantID: String
    var apiKey: String
    var adminKey: String
    var complianceKey: String

    init(_ provisioned: ProvisionedTenant) {
        self.tenantID = provisioned.tenant.id
        self.apiKey = provisioned.apiKey
        self.adminKey = provisioned.adminKey
        self.complianceKey = provisioned.complianceKey
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", apiKey = "api_key", adminKey = "admin_key", complianceKey = "compliance_key"
    }
}

struct KeyCreated: Encodable {
    var key: String
    var keyID: String
    var role: String
    var rateLimitPerMinute: Int

    init(_ issued: IssuedKey) {
        self.key = issued.secret
        self.keyID = issued.key.id
        self.role = issued.key.role.rawValue
        self.rateLimitPerMinute = issued.key.rateLimitPerMinute
    }

    enum CodingKeys: String, CodingKey {
        case key, keyID = "key_id", role, rateLimitPerMinute = "rate_limit_per_minute"
    }
}

/// A key as listings show it: never the secret, only its first characters.
struct KeyListing: Encodable {
    var id: String
    var tenantID: String
    var role: String
    var prefix: String
    var rateLimitPerMinute: Int
    var createdAt: Date
    var revokedAt: Date?

    init(_ key: APIKey) {
        self.id = key.id
        self.tenantID = key.tenantID
        self.role = key.role.rawValue
        self.prefix = key.displayPrefix
        self.rateLimitPerMinute = key.rateLimitPerMinute
        self.createdAt = key.createdAt
        self.revokedAt = key.revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, tenantID = "tenant_id", role, prefix, rateLimitPerMinute = "rate_limit_per_minute", createdAt = "created_at", revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.tenantID, forKey: .tenantID)
        try container.encode(self.role, forKey: .role)
        try container.encode(self.prefix, forKey: .prefix)
        try container.encode(self.rateLimitPerMinute, forKey: .rateLimitPerMinute)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.revokedAt, forKey: .revokedAt)
    }
}
