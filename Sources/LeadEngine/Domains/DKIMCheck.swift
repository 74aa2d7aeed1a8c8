import Foundation

/// The DKIM check (RFC 6376 §3.6.1): a TXT record at `ezl._domainkey.<domain>` (the resolver
/// follows a CNAME the user chose to delegate with) whose `p=` is this domain's public key.
public enum DKIMCheck {
    /// `tag=value` pairs of a DKIM or DMARC record; whitespace around tags and values dropped.
    static func tags(_ record: String) -> [String: String] {
        var tags: [String: String] = [:]
        for part in record.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let tag = part[..<equals].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let value = part[part.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if tags[tag] == nil { tags[tag] = value }
        }
        return tags
    }

    static func evaluate(_ lookup: TXTLookup, name: String, publicKey: String) -> DomainCheck {
        let records: [String]
        switch lookup {
        case .unavailable(let reason): return .unavailable(.dkim, name: name, reason: reason)
        case .nonexistent, .noRecords:
            return DomainCheck(record: .dkim, name: name, outcome: .fail, reason: "no TXT record at \(name); publish the DKIM record shown")
        case .records(let all): records = all
        }
        var reasons: [String] = []
        for record in records {
            let tags = Self.tags(record)
            if let version = tags["v"], version != "DKIM1" { reasons.append("v=\(version) is not DKIM1"); continue }
            if let type = tags["k"], type.lowercased() != "rsa" { reasons.append("k=\(type) is not rsa"); continue }
            guard let key = tags["p"] else { reasons.append("the record has no p= tag"); continue }
            let compact = key.filter { !$0.isWhitespace }
            if compact.isEmpty { reasons.append("p= is empty: the key is revoked"); continue }
            if compact == publicKey { return DomainCheck(record: .dkim, name: name, outcome: .pass, found: records) }
            reasons.append("p= is not this domain's public key")
        }
        return DomainCheck(record: .dkim, name: name, outcome: .fail, found: records, reason: reasons.joined(separator: "; "))
    }
}
