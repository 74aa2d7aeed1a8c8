import Foundation
import PostgresNIO

/// Where the shared store is:
/// `postgres://user[:password]@host[:port]/database[?pool=N&sslmode=…&connect_timeout=S]`.
///
/// Parsed here, not by Foundation's `URL`, so that every mistake is named (a missing database, a
/// query parameter the store does not know) instead of silently defaulted. `postgresql://` is
/// accepted as well; user, password and database may be percent-encoded.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public static let defaultPort = 5432
    public static let defaultPoolSize = 16
    public static let poolSizes = 1...1000
    public static let defaultConnectTimeoutSeconds = 5
    public static let connectTimeouts = 1...300

    /// `disable` (the default: loopback, or a private network) or `verify-full` (TLS, the server's
    /// certificate checked against the system's roots and the host name).
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The most connections the store's pool opens.
    public var poolSize: Int
    public var tls: TLSMode
    /// How long a statement waits for a connection (libpq's `connect_timeout`, in seconds): past
    /// it, while the server is unreachable or every pooled connection is busy, the store answers
    /// `StorageUnavailable` (503) instead of holding the request.
    public var connectTimeoutSeconds: Int

    public init(
        host: String, port: Int = Self.defaultPort, username: String, password: String? = nil, database: String,
        poolSize: Int = Self.defaultPoolSize, tls: TLSMode = .disable, connectTimeoutSeconds: Int = Self.defaultConnectTimeoutSeconds
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.tls = tls
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// Parses `text`, throwing `PostgresURLError` naming what is wrong.
    public init(_ text: String) throws {
        let scheme: Substring
        var rest: Substring
        if let range = text.range(of: "://") {
            scheme = text[..<range.lowerBound]
            rest = text[range.upperBound...]
        } else {
            throw PostgresURLError(text, "it does not start with postgres://")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURLError(text, "the scheme is '\(scheme)', not postgres")
        }
        if rest.contains("#") { throw PostgresURLError(text, "a fragment (#…) means nothing here") }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw PostgresURLError(text, "it names no database (…/database)") }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]

        guard let at = authority.lastIndex(of: "@") else { throw PostgresURLError(text, "it names no user (user@host)") }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]

        let rawUser: Substring
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            rawUser = userInfo[..<colon]
            password = try Self.decoded(userInfo[userInfo.index(after: colon)...], part: "password", in: text)
        } else {
            rawUser = userInfo
        }
        let username = try Self.decoded(rawUser, part: "user", in: text)
        guard !username.isEmpty else { throw PostgresURLError(text, "the user is empty") }

        let (host, port) = try Self.hostAndPort(hostPort, in: text)
        let database = try Self.decoded(path, part: "database", in: text)
        guard !database.isEmpty else { throw PostgresURLError(text, "it names no database (…/database)") }
        guard !database.contains("/") else { throw PostgresURLError(text, "the database name '\(database)' contains a slash") }

        var poolSize = Self.defaultPoolSize
        var tls = TLSMode.disable
        var connectTimeout = Self.defaultConnectTimeoutSeconds
        for parameter in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = pair[0]
            let value = pair.count == 2 ? pair[1] : ""
            switch name {
            case "pool":
                guard let size = Int(value), Self.poolSizes.contains(size) else {
                    throw PostgresURLError(text, "pool must be a number of connections from \(Self.poolSizes.lowerBound) to \(Self.poolSizes.upperBound), not '\(value)'")
                }
                poolSize = size
            case "sslmode":
                guard let mode = TLSMode(rawValue: String(value)) else {
                    throw PostgresURLError(text, "sslmode must be disable or verify-full, not '\(value)'")
                }
                tls = mode
            case "connect_timeout":
                guard let seconds = Int(value), Self.connectTimeouts.contains(seconds) else {
                    throw PostgresURLError(
                        text,
                        "connect_timeout must be a number of seconds from \(Self.connectTimeouts.lowerBound) to \(Self.connectTimeouts.upperBound), not '\(value)'"
                    )
                }
                connectTimeout = seconds
            default:
                throw PostgresURLError(text, "unknown parameter '\(name)' (known: pool, sslmode, connect_timeout)")
            }
        }
        self.init(
            host: host, port: port, username: username, password: password, database: database, poolSize: poolSize, tls: tls,
            connectTimeoutSeconds: connectTimeout
        )
    }

    /// The URL without its password: safe for logs and for `StoreConnection.location`.
    public var description: String {
        var text = "postgres://\(Self.encoded(self.username))@\(self.host.contains(":") ? "[\(self.host)]" : self.host):\(self.port)/\(Self.encoded(self.database))"
        var parameters: [String] = []
        if self.poolSize != Self.defaultPoolSize { parameters.append("pool=\(self.poolSize)") }
        if self.tls != .disable { parameters.append("sslmode=\(self.tls.rawValue)") }
        if self.connectTimeoutSeconds != Self.defaultConnectTimeoutSeconds { parameters.append("connect_timeout=\(self.connectTimeoutSeconds)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// The same server and credentials, another database (a test's own, or `postgres` for admin work).
    public func with(database: String) -> PostgresURL {
        var url = self
        url.database = database
        return url
    }

    /// What PostgresNIO's pool needs.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: self.host, port: self.port, username: self.username, password: self.password, database: self.database,
            tls: self.clientTLS
        )
        configuration.options.maximumConnections = self.poolSize
        configuration.options.connectTimeout = .seconds(self.connectTimeoutSeconds)
        return configuration
    }

    /// What one connection outside the pool needs (migrations, administration); throws when the
    /// TLS context cannot be made (no system trust roots).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: self.host, port: self.port, username: self.username, password: self.password, database: self.database,
            tls: try self.connectionTLS()
        )
        configuration.options.connectTimeout = .seconds(Int64(self.connectTimeoutSeconds))
        return configuration
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch self.tls {
        case .disable: .disable
        case .verifyFull: .require(.makeClientConfiguration())
        }
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch self.tls {
        case .disable: .disable
        case .verifyFull: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private static func hostAndPort(_ text: Substring, in url: String) throws -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw PostgresURLError(url, "an IPv6 host lacks its closing ]") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw PostgresURLError(url, "unexpected '\(after)' after the host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw PostgresURLError(url, "it names no host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw PostgresURLError(url, "the host '\(host)' is not a host name or address")
        }
        var port = Self.defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw PostgresURLError(url, "the port must be a number from 1 to 65535, not '\(portText)'")
            }
            port = number
        }
        return (String(host), port)
    }

    private static func decoded(_ text: Substring, part: String, in url: String) throws -> String {
        guard let value = String(text).removingPercentEncoding else {
            throw PostgresURLError(url, "the \(part) has a broken percent-encoding")
        }
        return value
    }

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#"))) ?? text
    }
}

/// A store URL that is not a PostgreSQL URL this store understands; says what is wrong, never
/// repeats the password.
public struct PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String
    /// The URL as given, its password masked.
    public var url: String

    init(_ url: String, _ problem: String) {
        self.problem = problem
        self.url = Self.masked(url)
    }

    public var description: String {
        "not a store URL of the form postgres://user[:password]@host[:port]/database[?pool=N]: \(self.problem) (\(self.url))"
    }

    /// `user:secret@` becomes `user:***@`.
    static func masked(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
