import Foundation

/// The DMARC check (RFC 7489 §6.3, §6.6.3): one record starting `v=DMARC1` at `_dmarc.<domain>`,
/// else at `_dmarc.<organizational domain>`, with a `p=` of none, quarantine or reject. More than
/// one record at a name counts as none, as receivers do.
public enum DMARCCheck {
    static let policies: Set<String> = ["none", "quarantine", "reject"]

    static func isDMARC(_ record: String) -> Bool {
        guard let first = record.split(separator: ";").first else { return false }
        return first.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "") == "v=DMARC1"
    }

    /// The verdict on one name's answer, or nil when it holds no DMARC record (time to fall back).
    static func evaluate(_ lookup: TXTLookup, name: String) -> DomainCheck? {
        switch lookup {
        case .unavailable(let reason): return .unavailable(.dmarc, name: name, reason: reason)
        case .nonexistent, .noRecords: return nil
        case .records(let all):
            let records = all.filter(Self.isDMARC)
            if records.isEmpty { return nil }
            guard records.count == 1 else {
                return DomainCheck(
                    record: .dmarc, name: name, outcome: .fail, found: records,
                    reason: "\(records.count) DMARC records at \(name); receivers ignore them all — keep one"
                )
            }
            guard let policy = DKIMCheck.tags(records[0])["p"] else {
                return DomainCheck(record: .dmarc, name: name, outcome: .fail, found: records, reason: "the DMARC record has no p= policy")
            }
            guard Self.policies.contains(policy.lowercased()) else {
                return DomainCheck(
                    record: .dmarc, name: name, outcome: .fail, found: records, reason: "p=\(policy) is not none, quarantine or reject"
                )
            }
            return DomainCheck(record: .dmarc, name: name, outcome: .pass, found: records)
        }
    }

    static func missing(at names: [String]) -> DomainCheck {
        DomainCheck(
            record: .dmarc, name: names.first ?? "", outcome: .fail,
            reason: "no DMARC record (a TXT record starting v=DMARC1) at \(names.joined(separator: " or "))"
        )
    }
}
