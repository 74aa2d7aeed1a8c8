import Foundation
import Synchronization
import Testing

@testable import LeadEngine

/// TXT answers from a table; names not in it do not exist.
struct TableResolver: TXTResolver {
    var answers: [String: TXTLookup]

    func txtRecords(at name: String) async -> TXTLookup { self.answers[name] ?? .nonexistent }
}

@Suite("Domain verification: SPF, DKIM and DMARC judged from DNS answers; how checks move a domain's status")
struct DomainVerificationTests {
    static let key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtestkey"
    static let domain = SendingDomain(
        id: "dom_1", tenantID: "ten_1", name: DomainName(ascii: "mail.acme.com"), dkimPublicKey: key, createdAt: Date(timeIntervalSince1970: 0)
    )
    static let good: [String: TXTLookup] = [
        "mail.acme.com": .records(["google-site-verification=x", "v=spf1 include:relay.example ~all"]),
        "ezl._domainkey.mail.acme.com": .records(["v=DKIM1; k=rsa; p=\(key)"]),
        "_dmarc.mail.acme.com": .records(["v=DMARC1; p=none; rua=mailto:d@acme.com"]),
    ]

    static func checks(_ answers: [String: TXTLookup], include: String? = "relay.example", suffixes: String = "com") async -> [DomainCheck] {
        let verifier = DomainVerifier(resolver: TableResolver(answers: answers), suffixes: PublicSuffixList(text: suffixes), spfInclude: include)
        return await verifier.checks(of: Self.domain)
    }

    static func outcomes(_ checks: [DomainCheck]) -> [DomainCheck.Outcome] { checks.map(\.outcome) }

    @Test("the published records pass; the records shown are the ones checked")
    func pass() async {
        #expect(Self.outcomes(await Self.checks(Self.good)) == [.pass, .pass, .pass])
        let shown = Self.domain.records(spfInclude: "relay.example")
        var published: [String: TXTLookup] = [:]
        for record in shown { published[record.name] = .records([record.value]) }
        #expect(Self.outcomes(await Self.checks(published)) == [.pass, .pass, .pass])
        #expect(shown.map(\.name) == ["mail.acme.com", "ezl._domainkey.mail.acme.com", "_dmarc.mail.acme.com"])
        #expect(Self.domain.records(spfInclude: nil).first?.value == "v=spf1 a mx ~all")
    }

    @Test("SPF: none, two, or one without the relay's include fail; without an include setting any one record passes")
    func spf() async throws {
        var answers = Self.good
        answers["mail.acme.com"] = .records(["v=spf1 -all", "v=spf1 include:relay.example ~all"])
        let two = try #require(await Self.checks(answers).first)
        #expect(two.outcome == .fail)
        #expect(two.reason?.contains("2 SPF records") == true)
        answers["mail.acme.com"] = .records(["v=spf1 include:other.example ~all"])
        #expect(await Self.checks(answers).first?.reason == "the SPF record does not include relay.example")
        #expect(await Self.checks(answers, include: nil).first?.outcome == .pass)
        answers["mail.acme.com"] = .noRecords
        #expect(await Self.checks(answers).first?.outcome == .fail)
        answers["mail.acme.com"] = .records(["v=spf10 nonsense"])
        #expect(await Self.checks(answers, include: nil).first?.outcome == .fail)
    }

    @Test("DKIM: another key, a revoked (empty) key, another version or nothing fail, each with its reason")
    func dkim() async {
        for (record, reason) in [
            ("v=DKIM1; k=rsa; p=MIIBother", "p= is not this domain's public key"), ("v=DKIM1; p=", "p= is empty: the key is revoked"),
            ("v=DKIM2; p=\(Self.key)", "v=DKIM2 is not DKIM1"), ("k=ed25519; p=\(Self.key)", "k=ed25519 is not rsa"),
        ] {
            var answers = Self.good
            answers["ezl._domainkey.mail.acme.com"] = .records([record])
            let check = await Self.checks(answers)[1]
            #expect(check.outcome == .fail)
            #expect(check.reason == reason)
        }
        // The key split by a DNS host across strings (joined by the resolver) with spaces still matches.
        var answers = Self.good
        let half = Self.key.index(Self.key.startIndex, offsetBy: 20)
        answers["ezl._domainkey.mail.acme.com"] = .records(["v=DKIM1; k=rsa; p=\(Self.key[..<half]) \(Self.key[half...])"])
        #expect(await Self.checks(answers)[1].outcome == .pass)
    }

    @Test("DMARC: the organizational domain's record counts when the domain has none; two records, no p= or a bad p= fail")
    func dmarc() async {
        var answers = Self.good
        answers["_dmarc.mail.acme.com"] = nil
        answers["_dmarc.acme.com"] = .records(["v=DMARC1; p=reject"])
        let fallback = await Self.checks(answers)[2]
        #expect(fallback.outcome == .pass)
        #expect(fallback.name == "_dmarc.acme.com")
        answers["_dmarc.acme.com"] = nil
        #expect(await Self.checks(answers)[2].reason == "no DMARC record (a TXT record starting v=DMARC1) at _dmarc.mail.acme.com or _dmarc.acme.com")
        for record in [["v=DMARC1; p=none", "v=DMARC1; p=reject"], ["v=DMARC1; rua=mailto:x@acme.com"], ["v=DMARC1; p=maybe"]] {
            answers["_dmarc.mail.acme.com"] = .records(record)
            #expect(await Self.checks(answers)[2].outcome == .fail, "\(record)")
        }
    }

    @Test("a resolver that does not answer is dns_unavailable and concludes nothing")
    func unavailable() async {
        var answers = Self.good
        answers["ezl._domainkey.mail.acme.com"] = .unavailable(reason: "timed out after 2 s")
        let checks = await Self.checks(answers)
        #expect(Self.outcomes(checks) == [.pass, .dnsUnavailable, .pass])
        #expect(checks[1].reason == "dns_unavailable: timed out after 2 s")
        let verified = DomainStatusRule.apply(await Self.checks(Self.good), to: Self.domain, at: Date(timeIntervalSince1970: 100))
        let after = DomainStatusRule.apply(checks, to: verified, at: Date(timeIntervalSince1970: 200))
        #expect(after.status == .verified)
        #expect(after.dkimValid)
        #expect(DomainStatusRule.apply(checks, to: Self.domain, at: Date()).status == .pendingVerification)
    }

    @Test("status: all pass verifies; a failure fails a pending domain at once, a verified one only at a second failure an hour later")
    func statusRule() async {
        let passing = await Self.checks(Self.good)
        var answers = Self.good
        answers["ezl._domainkey.mail.acme.com"] = .nonexistent
        let failing = await Self.checks(answers)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(DomainStatusRule.apply(failing, to: Self.domain, at: t0).status == .failed)
        let verified = DomainStatusRule.apply(passing, to: Self.domain, at: t0)
        #expect(verified.status == .verified && verified.verifiedAt == t0 && verified.spfValid && verified.dkimValid && verified.dmarcValid)
        let first = DomainStatusRule.apply(failing, to: verified, at: t0.addingTimeInterval(60))
        #expect(first.status == .verified && first.failingSince == t0.addingTimeInterval(60) && !first.dkimValid)
        let tooSoon = DomainStatusRule.apply(failing, to: first, at: t0.addingTimeInterval(60 + 3599))
        #expect(tooSoon.status == .verified)
        let failed = DomainStatusRule.apply(failing, to: tooSoon, at: t0.addingTimeInterval(60 + 3600))
        #expect(failed.status == .failed)
        // A pass in between starts the count again; verified_at is when it was first verified.
        let recovered = DomainStatusRule.apply(passing, to: first, at: t0.addingTimeInterval(120))
        #expect(recovered.failingSince == nil && recovered.verifiedAt == t0)
        #expect(DomainStatusRule.apply(failing, to: recovered, at: t0.addingTimeInterval(3700)).status == .verified)
    }

    @Test("a generated key is RSA-2048 whose public half is the record's p=")
    func generatedKey() throws {
        let pair = try DKIMKeyPair.generate()
        #expect(pair.privateKeyPEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") || pair.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        // SubjectPublicKeyInfo of a 2048-bit RSA key: 294 bytes.
        #expect(Data(base64Encoded: pair.publicKey)?.count == 294)
    }
}
