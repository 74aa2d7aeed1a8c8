import Testing

@testable import LeadEngine

@Suite("Sending domain names: normalised to lowercase A-labels, refused when DNS would refuse them")
struct DomainNameTests {
    @Test("Punycode matches RFC 3492 and the IDNA examples everyone uses", arguments: [
        ("münchen", "mnchen-3ya"), ("bücher", "bcher-kva"), ("例え", "r8jz45g"), ("テスト", "zckzah"),
        // RFC 3492 §7.1 (L) and (B) Chinese (simplified), lowercased.
        ("3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"), ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
    ])
    func punycode(label: String, encoded: String) {
        #expect(Punycode.encode(Array(label.unicodeScalars)) == encoded)
    }

    @Test("names are lowercased, lose a trailing dot, and internationalised labels become xn-- labels", arguments: [
        ("Mail.AcmeLegal.com", "mail.acmelegal.com"), ("mail.acmelegal.com.", "mail.acmelegal.com"), ("  example.org ", "example.org"),
        ("Bücher.example", "xn--bcher-kva.example"), ("例え.テスト", "xn--r8jz45g.xn--zckzah"), ("a-b.c-d.io", "a-b.c-d.io"),
    ])
    func normalised(input: String, stored: String) throws {
        #expect(try DomainName.parse(input).ascii == stored)
    }

    @Test("IP addresses, single labels, long labels and names, hyphens at the edges and odd characters are refused", arguments: [
        "", ".", "localhost", "192.0.2.1", "[2001:db8::1]", "2001:db8::1", "example..com", ".example.com", "-acme.com", "acme-.com",
        "acme.com-", "acme_mail.com", "acme.com/x", "user@acme.com", "a.123", String(repeating: "a", count: 64) + ".com",
        Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".") + ".com",
    ])
    func refused(input: String) {
        #expect(throws: ValidationError.self) { try DomainName.parse(input) }
    }

    @Test("63-byte labels and 253-byte names are the limits, inclusive")
    func limits() throws {
        let label = String(repeating: "a", count: 63)
        #expect(try DomainName.parse("\(label).com").ascii.count == 67)
        // 3 × 63 + 3 dots + 61 = 253.
        let longest = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(longest.utf8.count == 253)
        #expect(try DomainName.parse(longest).ascii == longest)
        #expect(throws: ValidationError.self) { try DomainName.parse(longest + "b") }
    }

    @Test("the organizational domain follows the Public Suffix List's rules, wildcards and exceptions")
    func organizationalDomain() throws {
        let list = PublicSuffixList(text: "// comment\ncom\nuk\nco.uk\n*.ck\n!www.ck\n")
        func org(_ name: String) throws -> String? { list.organizationalDomain(of: try DomainName.parse(name))?.ascii }
        #expect(try org("mail.acme.com") == "acme.com")
        #expect(try org("a.b.mail.acme.co.uk") == "acme.co.uk")
        #expect(try org("co.uk") == nil)
        #expect(try org("x.y.ck") == "x.y.ck")
        #expect(try org("www.ck") == "www.ck")
        #expect(try PublicSuffixList.defaultRuleOnly.organizationalDomain(of: DomainName.parse("mail.acme.example"))?.ascii == "acme.example")
    }
}
