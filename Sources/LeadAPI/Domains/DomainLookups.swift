import Foundation
import LeadEngine
import LeadOutbound
import NIOCore
import Synchronization

/// What domain checks read from the machine: the resolver to ask and the Public Suffix List.
enum DomainLookups {
    /// The operator's resolver (`--dns-server`), else the system's; a resolver that cannot answer when there is none.
    static func resolver(_ configuration: ServerConfiguration) throws -> any TXTResolver {
        // The DNS client is not built yet (it comes with the email channel): every check says so.
        return NoResolver()
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
        func txtRecords(at name: String) async -> TXTLookup { .unavailable(reason: "DNS look-ups are not built into this version yet") }
    }
}
