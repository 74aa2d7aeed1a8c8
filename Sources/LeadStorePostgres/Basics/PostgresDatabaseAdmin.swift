import Logging
import PostgresNIO

/// Creating and dropping whole databases on a server: a database of its own for each test, a
/// load run or a new deployment. Names are checked, since an identifier cannot be a bind parameter.
public enum PostgresDatabaseAdmin {
    /// Creates the database `name` on the server `server` names (any database of it serves to
    /// connect): empty, or a copy of `template` (a file copy, no statements replayed). Throws
    /// `PostgresDatabaseNameError` for a name that is not a plain identifier.
    public static func create(
        database name: String, template: String? = nil, on server: PostgresURL, logger: Logger = Logger(label: "ezleeds.postgres")
    ) async throws {
        let identifier = try Self.identifier(name)
        let copied = try template.map { " TEMPLATE \(try Self.identifier($0))" } ?? ""
        try await PostgresStore.withConnection(to: server, logger: logger) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(identifier)\(copied)"), logger: logger)
        }
    }

    /// Drops the database `name` if it exists, ending any session still connected to it.
    public static func drop(database name: String, on server: PostgresURL, logger: Logger = Logger(label: "ezleeds.postgres")) async throws {
        let identifier = try Self.identifier(name)
        try await PostgresStore.withConnection(to: server, logger: logger) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(identifier) WITH (FORCE)"), logger: logger)
        }
    }

    /// `name` quoted, once it is known to be lowercase letters, digits and underscores (63 at most).
    static func identifier(_ name: String) throws -> String {
        guard (1...63).contains(name.utf8.count), let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            name.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") })
        else { throw PostgresDatabaseNameError(name: name) }
        return "\"\(name)\""
    }
}

/// A database name the admin helpers refuse: only lowercase letters, digits and underscores, not
/// starting with a digit, at most 63 bytes.
public struct PostgresDatabaseNameError: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var description: String {
        "'\(self.name)' is not a database name the store creates or drops (lowercase letters, digits and _, not starting with a digit, at most 63)"
    }
}
