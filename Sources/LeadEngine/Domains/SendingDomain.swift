import Foundation

/// Where a sending domain stands: registered and waiting for its records, authenticated, or not.
public enum DomainStatus: String, Sendable, Equatable, Codable, CaseIterable {
    case pendingVerification = "pending_verification"
    case verified
    case failed
}

/// A tenant's sending domain: the name mail comes from, its DKIM public key (selector `ezl`) and
/// what the last DNS check found. The private key lives only in the store and the signer.
public struct SendingDomain: Sendable, Equatable {
    public static let dkimSelector = "ezl"

    public var id: String
    public var tenantID: String
    public var name: DomainName
    public var status: DomainStatus
    /// Base64 of the DER SubjectPublicKeyInfo, as the DKIM record's `p=` carries it.
    public var dkimPublicKey: String
    public var spfValid: Bool
    public var dkimValid: Bool
    public var dmarcValid: Bool
    public var checks: [DomainCheck]
    public var createdAt: Date
    public var checkedAt: Date?
    public var verifiedAt: Date?
    /// The first definitive failure of a verified domain; a second one an hour later fails it.
    public var failingSince: Date?

    public init(
        id: String, tenantID: String, name: DomainName, status: DomainStatus = .pendingVerification, dkimPublicKey: String,
        spfValid: Bool = false, dkimValid: Bool = false, dmarcValid: Bool = false, checks: [DomainCheck] = [], createdAt: Date,
        checkedAt: Date? = nil, verifiedAt: Date? = nil, failingSince: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.status = status
        self.dkimPublicKey = dkimPublicKey
        self.spfValid = spfValid
        self.dkimValid = dkimValid
        self.dmarcValid = dmarcValid
        self.checks = checks
        self.createdAt = createdAt
        self.checkedAt = checkedAt
        self.verifiedAt = verifiedAt
        self.failingSince = failingSince
    }

    public var dkimRecordName: String { self.name.prefixed("\(Self.dkimSelector)._domainkey") }
    public var dmarcRecordName: String { self.name.prefixed("_dmarc") }
}

/// One DNS record the user publishes.
public struct DNSRecord: Sendable, Equatable {
    public var type: String
    public var name: String
    public var value: String

    public init(type: String, name: String, value: String) {
        self.type = type
        self.name = name
        self.value = value
    }
}

extension SendingDomain {
    /// SPF, DKIM and DMARC, in the spec's order. The DKIM key is published as a TXT record of our
    /// own: a self-hosted engine has no zone of its own for a CNAME to point at.
    public func records(spfInclude: String?) -> [DNSRecord] {
        [
            DNSRecord(type: "TXT", name: self.name.ascii, value: SPFCheck.expectedRecord(include: spfInclude)),
            DNSRecord(type: "TXT", name: self.dkimRecordName, value: "v=DKIM1; k=rsa; p=\(self.dkimPublicKey)"),
            DNSRecord(type: "TXT", name: self.dmarcRecordName, value: "v=DMARC1; p=none"),
        ]
    }
}
