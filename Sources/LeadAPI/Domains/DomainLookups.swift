import Foundation
import LeadEngine
import LeadOutbound
import NIOCore
import NIOSSL
import Synchronization

/// What domain checks read from the machine: the resolver to ask and the Public Suffix List.
enum DomainLookups {
    /// The operator's resolver (`--dns-server`), else the system's; a resolver that cannot answer when there is none.
    static func resolver(_ configuration: ServerConfiguration) throws -> any TXTResolver {
        let servers: [SocketAddress]
        if let server = configuration.dnsServer {
            guard let address = SystemDNSServers.parse(server: server) else {
                throw ConfigurationError(description: "--dns-server \(server) is not an IP address with an optional port, such as 127.0.0.1:53")
            }
            servers = [address]
        } else {
            servers = SystemDNSServers.load()
        }
        return servers.isEmpty ? NoResolver() : DNSClient(servers: servers)
    }

    /// The SMTP relay of `--smtp-url`, trusting `--smtp-ca-file` besides the system's roots; nil without one.
    static func mailRelay(_ configuration: ServerConfiguration) throws -> (any MailTransport)? {
        guard let url = configuration.smtpURL else { return nil }
        let relay: SMTPRelay
        switch SMTPRelay.parse(url) {
        case .success(let parsed): relay = parsed
        case .failure(let error): throw ConfigurationError(description: "--smtp-url: \(error)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.smtpCAFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(file))]
            } catch {
                throw ConfigurationError(description: "--smtp-ca-file \(file): \(error)")
            }
        }
        let helo = configuration.publicBaseURL.flatMap { URLComponents(string: $0)?.host } ?? "localhost"
        return SMTPClient(relay: relay, heloName: helo, tlsConfiguration: tls)
    }

    private static let suffixLists = Mutex<[String: PublicSuffixList]>([:])

    /// The list at `path`, parsed once per process; the default rule alone when the file is missing.
    static func publicSuffixes(at path: String) -> PublicSuffixList {
        if let cached = Self.suffixLists.withLock({ $0[path] }) { return cached }
        let list = (try? String(contentsOfFile: path, encoding: .utf8)).map(PublicSuffixList.init(text:)) ?? .defaultRuleOnly
        Self.suffixLists.withLock { $0[path] = list }
        return list
    }

    struct NoResolver: TXTResolver {
        func txtRecords(at name: String) async -> TXTLookup { .unavailable(reason: "no DNS server: /etc/resolv.conf names none and --dns-server is not set") }
    }
}
