/// Looks a domain's three records up in DNS, at once, and judges each.
public struct DomainVerifier: Sendable {
    let resolver: any TXTResolver
    let suffixes: PublicSuffixList
    /// The include the operator's relay publishes (`EZLEEDS_SPF_INCLUDE`), required in the SPF record when set.
    let spfInclude: String?

    public init(resolver: any TXTResolver, suffixes: PublicSuffixList, spfInclude: String?) {
        self.resolver = resolver
        self.suffixes = suffixes
        self.spfInclude = spfInclude
    }

    /// SPF, DKIM and DMARC, in that order.
    public func checks(of domain: SendingDomain) async -> [DomainCheck] {
        async let spf = self.resolver.txtRecords(at: domain.name.ascii)
        async let dkim = self.resolver.txtRecords(at: domain.dkimRecordName)
        async let dmarc = self.dmarc(of: domain)
        return await [
            SPFCheck.evaluate(spf, name: domain.name.ascii, include: self.spfInclude),
            DKIMCheck.evaluate(dkim, name: domain.dkimRecordName, publicKey: domain.dkimPublicKey),
            dmarc,
        ]
    }

    func dmarc(of domain: SendingDomain) async -> DomainCheck {
        let own = domain.dmarcRecordName
        if let verdict = DMARCCheck.evaluate(await self.resolver.txtRecords(at: own), name: own) { return verdict }
        guard let organizational = self.suffixes.organizationalDomain(of: domain.name), organizational != domain.name else {
            return DMARCCheck.missing(at: [own])
        }
        let fallback = organizational.prefixed("_dmarc")
        return DMARCCheck.evaluate(await self.resolver.txtRecords(at: fallback), name: fallback) ?? DMARCCheck.missing(at: [own, fallback])
    }
}
