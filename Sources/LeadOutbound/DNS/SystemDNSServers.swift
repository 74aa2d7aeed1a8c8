import Foundation
import NIOCore

/// Where DNS questions go: the operator's `--dns-server`, else the system's `/etc/resolv.conf`.
/// Servers are IP literals; a name would need DNS to find DNS.
public enum SystemDNSServers {
    /// The `nameserver` lines of a resolv.conf, port 53, in order. Comments (`#`, `;`) and other
    /// options are ignored, and so is an address with a zone index (`fe80::1%eth0`).
    public static func parse(resolvConf: String) -> [SocketAddress] {
        resolvConf.split(whereSeparator: \.isNewline).compactMap { line in
            let uncommented = line.prefix { $0 != "#" && $0 != ";" }
            let fields = uncommented.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            return Self.address(String(fields[1]), port: 53)
        }
    }

    /// The servers of the system's resolv.conf; none when it cannot be read.
    public static func load(path: String = "/etc/resolv.conf") -> [SocketAddress] {
        (try? String(contentsOfFile: path, encoding: .utf8)).map { Self.parse(resolvConf: $0) } ?? []
    }

    /// An operator's setting: `192.0.2.53:5353`, `192.0.2.53` (port 53), `[2001:db8::53]:5353` or
    /// `2001:db8::53` (port 53). Nil for anything else, host names included.
    public static func parse(server: String) -> SocketAddress? {
        let setting = server.trimmingCharacters(in: .whitespaces)
        var host = Substring(setting)
        var port: Substring?
        if setting.hasPrefix("[") {
            guard let close = setting.firstIndex(of: "]") else { return nil }
            host = setting[setting.index(after: setting.startIndex)..<close]
            let rest = setting[setting.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                port = rest.dropFirst()
            }
        } else if let colon = setting.firstIndex(of: ":"), setting.lastIndex(of: ":") == colon {
            // One colon: IPv4 and a port. More: a bare IPv6 address.
            host = setting[..<colon]
            port = setting[setting.index(after: colon)...]
        }
        var number = 53
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), let value = Int(port), (1...65535).contains(value) else {
                return nil
            }
            number = value
        }
        return Self.address(String(host), port: number)
    }

    /// An IP literal; not one with a zone index, which NIO would drop, leaving a link-local
    /// address that leads nowhere.
    private static func address(_ literal: String, port: Int) -> SocketAddress? {
        guard !literal.contains("%") else { return nil }
        return try? SocketAddress(ipAddress: literal, port: port)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
