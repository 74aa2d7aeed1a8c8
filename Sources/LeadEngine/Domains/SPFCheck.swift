/// The SPF check (RFC 7208): exactly one `v=spf1` TXT record at the domain — two or more is a
/// permanent error to every receiver — and, when the operator names the relay's include, that
/// `include:` among its terms.
public enum SPFCheck {
    public static func expectedRecord(include: String?) -> String {
        if let include { return "v=spf1 include:\(include) ~all" }
        return "v=spf1 a mx ~all"
    }

    static func isSPF(_ record: String) -> Bool {
        let lowered = record.lowercased()
        return lowered == "v=spf1" || lowered.hasPrefix("v=spf1 ")
    }

    static func evaluate(_ lookup: TXTLookup, name: String, include: String?) -> DomainCheck {
        let records: [String]
        switch lookup {
        case .unavailable(let reason): return .unavailable(.spf, name: name, reason: reason)
        case .nonexistent: return DomainCheck(record: .spf, name: name, outcome: .fail, reason: "\(name) does not exist in DNS (NXDOMAIN)")
        case .noRecords: records = []
        case .records(let all): records = all.filter(Self.isSPF)
        }
        guard !records.isEmpty else {
            return DomainCheck(record: .spf, name: name, outcome: .fail, reason: "no SPF record (a TXT record starting v=spf1) at \(name)")
        }
        guard records.count == 1 else {
            return DomainCheck(
                record: .spf, name: name, outcome: .fail, found: records,
                reason: "\(records.count) SPF records at \(name); RFC 7208 allows one, so receivers treat it as a permanent error — merge them"
            )
        }
        if let include {
            let terms = records[0].lowercased().split(separator: " ")
            let wanted = "include:\(include.lowercased())"
            guard terms.contains(where: { $0 == wanted || $0 == "+" + wanted }) else {
                return DomainCheck(record: .spf, name: name, outcome: .fail, found: records, reason: "the SPF record does not include \(include)")
            }
        }
        return DomainCheck(record: .spf, name: name, outcome: .pass, found: records)
    }
}
