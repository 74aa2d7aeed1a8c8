import LeadEngine
import Testing

@Suite("The outbound target policy")
struct OutboundTargetPolicyTests {
    let policy = OutboundTargetPolicy()

    @Test(
        "addresses tenants may not reach",
        arguments: [
            "127.0.0.1", "127.255.255.254", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255",
            "169.254.169.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.51.100.7",
            "203.0.113.9", "198.18.0.1", "198.19.255.255", "192.0.0.170", "::", "::1", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "ff02::1",
            "2001:db8::1", "3fff::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "::ffff:8.8.8.8", "::127.0.0.1",
            "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:7f00:1::1", "2002:a9fe:a9fe::", "2001::1", "100::1", "fec0::1",
        ]
    )
    func refused(text: String) throws {
        let address = try #require(IPAddress(text))
        let refusal = try #require(self.policy.check(address), "\(text) allowed")
        #expect(refusal.reason == .addressNotAllowed)
    }

    @Test(
        "public unicast addresses are allowed",
        arguments: ["8.8.8.8", "1.1.1.1", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "169.253.255.255",
            "192.169.0.0", "2606:4700::1111", "2a00:1450:4001::200e", "64:ff9b::808:808", "2002:808:808::1"]
    )
    func allowed(text: String) throws {
        #expect(self.policy.check(try #require(IPAddress(text))) == nil)
    }

    @Test("ports 80 and 443 only, unless the operator allows more")
    func ports() throws {
        #expect(self.policy.check(try OutboundURL("https://buyer.example/")) == nil)
        #expect(self.policy.check(try OutboundURL("http://buyer.example/")) == nil)
        #expect(self.policy.check(try OutboundURL("http://buyer.example:8080/"))?.reason == .portNotAllowed)
        #expect(self.policy.check(try OutboundURL("https://buyer.example:22/"))?.reason == .portNotAllowed)
        let more = OutboundTargetPolicy(extraPorts: [8080])
        #expect(more.check(try OutboundURL("http://buyer.example:8080/")) == nil)
        #expect(more.check(try OutboundURL("http://buyer.example:8081/"))?.reason == .portNotAllowed)
    }

    @Test("a literal host is judged without a look-up")
    func literalHosts() throws {
        #expect(self.policy.check(try OutboundURL("http://169.254.169.254/latest/meta-data/"))?.reason == .addressNotAllowed)
        #expect(self.policy.check(try OutboundURL("http://[::ffff:169.254.169.254]/"))?.reason == .addressNotAllowed)
        #expect(self.policy.check(try OutboundURL("http://2130706433/"))?.reason == .addressNotAllowed)
        #expect(self.policy.check(try OutboundURL("http://0177.0.0.1/"))?.reason == .addressNotAllowed)
        #expect(self.policy.check(try OutboundURL("http://127.1/"))?.reason == .addressNotAllowed)
        #expect(self.policy.check(try OutboundURL("http://8.8.8.8/")) == nil)
    }

    @Test("allowed ranges lift the address rule for those ranges only, and not the port rule")
    func allowedRanges() throws {
        let policy = OutboundTargetPolicy(allowedRanges: [try #require(AddressRange("10.20.0.0/16")), try #require(AddressRange("fd00::/8"))])
        #expect(policy.check(try #require(IPAddress("10.20.3.4"))) == nil)
        #expect(policy.check(try #require(IPAddress("::ffff:10.20.3.4"))) == nil)
        #expect(policy.check(try #require(IPAddress("fd00::5"))) == nil)
        #expect(policy.check(try #require(IPAddress("10.21.0.1")))?.reason == .addressNotAllowed)
        #expect(policy.check(try #require(IPAddress("127.0.0.1")))?.reason == .addressNotAllowed)
        #expect(policy.check(try OutboundURL("http://10.20.0.9:8080/"))?.reason == .portNotAllowed)
        #expect(policy.check(try OutboundURL("http://10.20.0.9/")) == nil)
    }

    @Test("allowing private targets lifts the address and the port rules")
    func allowingPrivateTargets() throws {
        let open = OutboundTargetPolicy(allowsPrivateTargets: true)
        #expect(open.check(try OutboundURL("http://127.0.0.1:9999/")) == nil)
        #expect(open.check(try #require(IPAddress("169.254.169.254"))) == nil)
    }

    @Test("every blocked range parses (the table is code, checked here)")
    func table() {
        #expect(OutboundTargetPolicy.blockedRanges.count == 29)
    }
}

@Suite("IP addresses and ranges")
struct IPAddressTests {
    @Test(
        "strict forms parse and print canonically",
        arguments: [
            ("203.0.113.42", "203.0.113.42"), ("::1", "::1"), ("2001:DB8::8a2e:370:7334", "2001:db8::8a2e:370:7334"), ("::ffff:192.0.2.1", "::ffff:c000:201"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"), ("0:0:0:0:0:0:0:0", "::"), ("fe80:0:0:0:0:0:0:1", "fe80::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("1::", "1::"),
        ]
    )
    func strict(text: String, canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(
        "anything else is not an address",
        arguments: ["300.1.1.1", "1.2.3", "01.2.3.4", "2001:db8:::1", "localhost", "", "1:2:3:4:5:6:7:8:9", "1::2::3", "::1%eth0", "12345::", "1.2.3.4 ",
            "::ffff:1.2.3", "g::1", "1:2:3:4:5:6:7::8:9"]
    )
    func invalid(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
        #expect(!IPAddress.isValid(text))
    }

    @Test("IPv4 forms embedded in IPv6 addresses are found")
    func embedded() throws {
        #expect(try #require(IPAddress("::ffff:127.0.0.1")).embeddedIPv4 == 0x7F00_0001)
        #expect(try #require(IPAddress("::10.0.0.1")).embeddedIPv4 == 0x0A00_0001)
        #expect(try #require(IPAddress("64:ff9b::a9fe:a9fe")).embeddedIPv4 == 0xA9FE_A9FE)
        #expect(try #require(IPAddress("2002:c0a8:0101::1")).embeddedIPv4 == 0xC0A8_0101)
        #expect(try #require(IPAddress("::1")).embeddedIPv4 == nil)
        #expect(try #require(IPAddress("2606:4700::1111")).embeddedIPv4 == nil)
    }

    @Test("CIDR ranges")
    func ranges() throws {
        let range = try #require(AddressRange("10.20.30.40/16"))
        #expect(range.description == "10.20.0.0/16")
        #expect(range.contains(try #require(IPAddress("10.20.255.1"))))
        #expect(!range.contains(try #require(IPAddress("10.21.0.1"))))
        #expect(!range.contains(try #require(IPAddress("::ffff:10.20.0.1"))), "families never mix")
        #expect(try #require(AddressRange("192.0.2.7")).prefixLength == 32)
        #expect(try #require(AddressRange("0.0.0.0/0")).contains(try #require(IPAddress("8.8.8.8"))))
        #expect(try #require(AddressRange("fc00::/7")).contains(try #require(IPAddress("fdff::1"))))
        for bad in ["10.0.0.0/33", "fc00::/129", "10.0.0.0/", "10.0.0.0/-1", "nope/8", "10.0.0.0/8/8", "10.0.0.0/ 8"] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }
}
