import Foundation
import NIOCore

/// The operator's mail relay, from `--smtp-url` / `EZLEEDS_SMTP_URL`:
/// `smtp://[user:pass@]host[:port]` (port 587, STARTTLS required) or `smtps://[user:pass@]host[:port]`
/// (port 465, TLS from the first byte). An `smtp://` relay on loopback (`localhost`, `127.0.0.0/8`,
/// `::1`: a local MTA, a test sink) may speak plain SMTP.
///
/// Its `description`, `debugDescription` and mirror never show the password.
public struct SMTPRelay: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: Sendable, Equatable {
        /// Plain SMTP upgraded with STARTTLS, which the relay must offer.
        case startTLS
        /// TLS from the first byte (`smtps`, port 465).
        case implicitTLS
        /// Loopback only: STARTTLS when the relay offers it, plain SMTP when it does not. Anywhere
        /// else the client treats it as `startTLS`.
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// Whether the host is `localhost` or a loopback IP literal: mail to it never leaves the machine.
    public var isLoopback: Bool {
        if self.host.lowercased() == "localhost" { return true }
        // The address as inet_ntop writes it: "0:0::1" is "::1".
        guard let address = try? SocketAddress(ipAddress: self.host, port: 0), let literal = address.ipAddress?.lowercased() else { return false }
        switch address.protocol {
        case .inet: return literal.hasPrefix("127.")
        case .inet6: return literal == "::1" || literal.hasPrefix("::ffff:127.")
        default: return false
        }
    }

    /// Whether the relay is spoken to in the clear when it offers no STARTTLS.
    var mayStayPlain: Bool { self.security == .plain && self.isLoopback }

    /// The name to send in SNI and check the certificate against; nil for an IP literal, which SNI
    /// cannot carry (NIOSSL then checks the certificate against the peer's address).
    var serverName: String? {
        (try? SocketAddress(ipAddress: self.host, port: 0)) == nil ? self.host : nil
    }

    /// Parses the operator's setting. Errors say what is wrong without repeating the URL, which may hold the password.
    public static func parse(_ url: String) -> Result<SMTPRelay, ParseError> {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let schemeEnd = text.range(of: "://") else { return .failure(ParseError("it is not a URL such as smtp://user:pass@relay.example:587")) }
        let security: Security
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "smtp": security = .startTLS
        case "smtps": security = .implicitTLS
        default: return .failure(ParseError("the scheme must be smtp:// (STARTTLS, port 587) or smtps:// (TLS, port 465)"))
        }
        var rest = text[schemeEnd.upperBound...]
        // The last "@" ends the credentials: a password with an unencoded "@", "/" or ":" still parses.
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let colon = userInfo.firstIndex(of: ":")
            let rawUser = userInfo[..<(colon ?? userInfo.endIndex)]
            guard let user = rawUser.removingPercentEncoding else { return .failure(ParseError("the user name is not validly percent-encoded")) }
            if let colon {
                guard let secret = userInfo[userInfo.index(after: colon)...].removingPercentEncoding else {
                    return .failure(ParseError("the password is not validly percent-encoded"))
                }
                password = secret
            }
            if user.isEmpty, password != nil { return .failure(ParseError("a password is given without a user name")) }
            username = user.isEmpty ? nil : user
        }
        if let slash = rest.firstIndex(where: { "/?#".contains($0) }) {
            guard rest[slash...] == "/" else { return .failure(ParseError("an SMTP URL has no path or query, only [user:pass@]host[:port]")) }
            rest = rest[..<slash]
        }
        let host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return .failure(ParseError("the IPv6 address has no closing bracket")) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return .failure(ParseError("only a port may follow the IPv6 address")) }
            if !after.isEmpty { portText = after.dropFirst() }
            guard case .v6 = try? SocketAddress(ipAddress: String(host), port: 0) else {
                return .failure(ParseError("\(host) in brackets is not an IPv6 address"))
            }
        } else {
            let colons = rest.filter { $0 == ":" }.count
            guard colons <= 1 else { return .failure(ParseError("an IPv6 address must be in brackets, as in smtp://[::1]:25")) }
            let colon = rest.firstIndex(of: ":")
            host = rest[..<(colon ?? rest.endIndex)]
            if let colon { portText = rest[rest.index(after: colon)...] }
            guard !host.isEmpty else { return .failure(ParseError("the URL names no host")) }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
                return .failure(ParseError("\(host.prefix(100)) is not a host name or IP address"))
            }
        }
        var port = security == .implicitTLS ? 465 : 587
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII), let number = Int(portText), (1...65535).contains(number) else {
                return .failure(ParseError("the port must be a number from 1 to 65535"))
            }
            port = number
        }
        var relay = SMTPRelay(host: host.lowercased(), port: port, security: security, username: username, password: password)
        if relay.security == .startTLS, relay.isLoopback { relay.security = .plain }
        return .success(relay)
    }

    /// Why a relay URL was refused, in words an operator can act on.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        init(_ description: String) {
            self.description = description
        }
    }
}

extension SMTPRelay: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `smtp://user@relay.example:587`: the user, never the password.
    public var description: String {
        let scheme = self.security == .implicitTLS ? "smtps" : "smtp"
        let user = self.username.map { "\($0.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? $0)@" } ?? ""
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "\(scheme)://\(user)\(host):\(self.port)"
    }

    public var debugDescription: String { self.description }

    /// `dump` and test failure messages show the fields with the password masked.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host, "port": self.port, "security": self.security, "username": self.username as Any,
                "password": self.password == nil ? "nil" : "<redacted>",
            ],
            displayStyle: .struct
        )
    }
}
