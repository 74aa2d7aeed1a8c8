import Foundation

/// An http or https URL as the engine calls it: the one parser behind both the validation of
/// `bid_url`, `webhook_url` and `delivery_webhook` and the connection made to them, so the two can
/// never disagree about where a URL points.
///
/// Stricter than a browser on purpose: no user info, no backslashes, no percent-encoded or
/// non-ASCII host, no whitespace or control characters anywhere, a port of 1–65535 written in
/// digits. A host that ends in a number is an IPv4 address in any spelling a browser accepts
/// (`2130706433`, `0177.0.0.1`, `127.1`) and is read as the address it means.
public struct OutboundURL: Hashable, Sendable, CustomStringConvertible {
    public enum Host: Hashable, Sendable, CustomStringConvertible {
        /// A DNS name, lower-cased, without a trailing dot.
        case name(String)
        case address(IPAddress)

        public var description: String {
            switch self {
            case .name(let name): return name
            case .address(.v6(let value)): return "[\(IPAddress.v6(value))]"
            case .address(let address): return address.description
            }
        }
    }

    public static let maxLength = 2048

    public let usesTLS: Bool
    public let host: Host
    public let port: Int
    /// Path and query, as sent on the request line; the fragment is never sent.
    public let requestTarget: String

    public var defaultPort: Int { self.usesTLS ? 443 : 80 }
    /// The Host header: the host, and the port when it is not the scheme's default.
    public var hostHeader: String { self.port == self.defaultPort ? self.host.description : "\(self.host):\(self.port)" }
    public var description: String { "\(self.usesTLS ? "https" : "http")://\(self.hostHeader)\(self.requestTarget)" }

    public static func parse(_ text: String) -> Result<OutboundURL, TargetRefusal> {
        Result { () throws(TargetRefusal) in try OutboundURL(text) }
    }

    public init(_ text: String) throws(TargetRefusal) {
        func invalid(_ detail: String) -> TargetRefusal { TargetRefusal(.invalidURL, detail) }
        guard text.utf8.count <= Self.maxLength else { throw invalid("longer than \(Self.maxLength) bytes") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }),
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .format || $0.properties.generalCategory == .control })
        else { throw invalid("contains whitespace or control characters") }
        guard let schemeEnd = text.range(of: "://") else { throw invalid("must be an absolute http or https URL") }
        switch text[..<schemeEnd.lowerBound].lowercased() {
        case "http": self.usesTLS = false
        case "https": self.usesTLS = true
        case let other:
            throw TargetRefusal(.schemeNotAllowed, "only http and https are allowed, not \(other.isEmpty ? "an empty scheme" : other)")
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw TargetRefusal(.userinfoNotAllowed, "user info (user:password@) is not allowed") }
        guard !rest.contains("\\") else { throw invalid("backslashes are not allowed") }

        let hostText: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("an IPv6 host needs its closing bracket") }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.isEmpty || afterHost.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 host") }
            portText = afterHost.isEmpty ? nil : afterHost.dropFirst()
            guard let address = IPAddress(hostText), case .v6 = address else { throw invalid("\(hostText) is not an IPv6 address") }
            self.host = .address(address)
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            hostText = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            self.host = try Self.parseHost(hostText)
        }
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), (1...65535).contains(port)
            else { throw invalid("the port must be a number from 1 to 65535, not \(portText.isEmpty ? "empty" : String(portText.prefix(12)))") }
            self.port = port
        } else {
            self.port = usesTLS ? 443 : 80
        }

        var target = rest[authorityEnd...]
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if target.hasPrefix("?") || target.isEmpty { target = "/" + target }
        self.requestTarget = Self.percentEncoded(target)
    }

    private static func parseHost(_ text: Substring) throws(TargetRefusal) -> Host {
        guard !text.isEmpty else { throw TargetRefusal(.invalidURL, "the URL has no host") }
        guard text.allSatisfy(\.isASCII) else { throw TargetRefusal(.invalidURL, "the host must be ASCII (use the xn-- form of an international name)") }
        guard !text.contains("%") else { throw TargetRefusal(.invalidURL, "the host must not be percent-encoded") }
        let lower = Substring(text.lowercased())
        switch IPAddress.parseURLIPv4(lower) {
        case .success(let value)?: return .address(.v4(value))
        case .failure?: throw TargetRefusal(.invalidURL, "\(text) is not a valid IPv4 address")
        case nil: break
        }
        let name = lower.hasSuffix(".") ? lower.dropLast() : lower
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.utf8.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "-" || $0 == "_" }
            })
        else { throw TargetRefusal(.invalidURL, "\(text) is not a valid host name") }
        return .name(String(name))
    }

    /// Bytes a request line may not carry raw (non-ASCII, and `"<>\`{}|^`), percent-encoded as
    /// browsers send them, so a buyer's server sees the path it was given.
    private static func percentEncoded(_ text: Substring) -> String {
        let unsafe = Set("\"<>`{}|^".utf8)
        guard text.utf8.contains(where: { $0 >= 0x80 || unsafe.contains($0) }) else { return String(text) }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x80, !unsafe.contains(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
