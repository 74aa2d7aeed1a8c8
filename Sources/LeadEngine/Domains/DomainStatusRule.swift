import Foundation

/// How a check moves a domain (DECISIONS, issue 15): all three pass → verified; a resolver that did
/// not answer concludes nothing; a definitive failure fails a domain that is not verified, while a
/// verified one turns failed only at a second definitive failure at least an hour after the first,
/// so a DNS edit in progress or one bad answer does not stop its mail.
public enum DomainStatusRule {
    public static let graceForVerified: TimeInterval = 3600

    public static func apply(_ checks: [DomainCheck], to domain: SendingDomain, at now: Date) -> SendingDomain {
        var domain = domain
        domain.checks = checks
        domain.checkedAt = now
        for check in checks where check.outcome != .dnsUnavailable {
            let passed = check.outcome == .pass
            switch check.record {
            case .spf: domain.spfValid = passed
            case .dkim: domain.dkimValid = passed
            case .dmarc: domain.dmarcValid = passed
            }
        }
        if checks.allSatisfy({ $0.outcome == .pass }) {
            if domain.status != .verified { domain.verifiedAt = now }
            domain.status = .verified
            domain.failingSince = nil
        } else if checks.contains(where: { $0.outcome == .fail }) {
            switch domain.status {
            case .pendingVerification, .failed:
                domain.status = .failed
            case .verified:
                if let since = domain.failingSince {
                    if now.timeIntervalSince(since) >= Self.graceForVerified { domain.status = .failed }
                } else {
                    domain.failingSince = now
                }
            }
        }
        return domain
    }
}
