import LeadEngine
import Testing

@Suite("Outbound URLs: the one parser for saving and for connecting")
struct OutboundURLTests {
    @Test(
        "absolute http(s) URLs with a host parse",
        arguments: [
            ("http://example.com", "http://example.com/"),
            ("https://example.com/path?q=1#frag", "https://example.com/path?q=1"),
            ("HTTPS://EXAMPLE.COM/Hook", "https://example.com/Hook"),
            ("http://localhost:8080/hook", "http://localhost:8080/hook"),
            ("http://[::1]:8080/x", "http://[::1]:8080/x"),
            ("https://192.0.2.10", "https://192.0.2.10/"),
            ("https://example.com?x", "https://example.com/?x"),
            ("https://a.b.c.example.co.uk/", "https://a.b.c.example.co.uk/"),
            ("https://example.com:443/x", "https://example.com/x"),
            ("http://example.com./x", "http://example.com/x"),
            ("https://example.com/caf\u{E9}", "https://example.com/caf%C3%A9"),
            ("https://example.com/a\"b<c>?q={1}|^`", "https://example.com/a%22b%3Cc%3E?q=%7B1%7D%7C%5E%60"),
        ]
    )
    func valid(text: String, canonical: String) throws {
        let url = try OutboundURL(text)
        #expect(url.description == canonical)
    }

    @Test(
        "anything else is refused, with a reason",
        arguments: [
            ("", TargetRefusal.Reason.invalidURL), ("example.com", .invalidURL), ("//example.com", .invalidURL), ("ftp://example.com", .schemeNotAllowed),
            ("file:///etc/passwd", .schemeNotAllowed), ("mailto:a@example.com", .invalidURL), ("ws://example.com", .schemeNotAllowed),
            ("http://", .invalidURL), ("https://", .invalidURL), ("http:///path", .invalidURL), ("https://?q=1", .invalidURL), ("https://#x", .invalidURL),
            ("http://:8080", .invalidURL), ("http://user@/x", .userinfoNotAllowed), ("http://@", .userinfoNotAllowed),
            ("https://user:pass@example.com/x", .userinfoNotAllowed), ("http://example.com@127.0.0.1/", .userinfoNotAllowed),
            ("http://[::1", .invalidURL), ("http://[]/", .invalidURL), ("http://[127.0.0.1]/", .invalidURL), ("http://[fe80::1%25eth0]/", .invalidURL),
            ("http:// example.com", .invalidURL), ("https://exa mple.com", .invalidURL), ("https://example.com/a b", .invalidURL),
            ("https://example.com/\nx", .invalidURL), (" https://example.com", .invalidURL), ("https:/example.com", .invalidURL),
            ("javascript:alert(1)", .invalidURL), ("http://evil.com\\@127.0.0.1/", .invalidURL), ("http://ex%61mple.com/", .invalidURL),
            ("http://b\u{FC}cher.example/", .invalidURL), ("http://-bad.example/", .invalidURL), ("http://a..b/", .invalidURL),
            ("https://exa\tmple.com/hook", .invalidURL), ("https://example.com/\u{00A0}x", .invalidURL), ("https://example.com/\u{0}x", .invalidURL),
            ("https://exa\u{7F}mple.com", .invalidURL), ("https://example.com/\u{200B}", .invalidURL),
        ]
    )
    func invalid(text: String, reason: TargetRefusal.Reason) {
        guard case .failure(let refusal) = OutboundURL.parse(text) else {
            Issue.record("\(text.debugDescription) parsed")
            return
        }
        #expect(refusal.reason == reason, "\(text.debugDescription): \(refusal)")
    }

    // Regression: http://127.0.0.1:99999/x was accepted as a webhook_url and crashed the server at
    // delivery; a bid_url port of 94036 wrapped modulo 65536 and reached port 28500.
    @Test(
        "ports are 1 to 65535, in digits",
        arguments: ["http://127.0.0.1:99999/x", "http://127.0.0.1:65536/", "http://127.0.0.1:4294967377/", "http://[::1]:99999/", "http://a.example:94036/",
            "http://a.example:0/", "http://a.example:-1/", "http://a.example:+80/", "http://a.example:8o/", "http://a.example:/", "http://a.example:0x50/",
            "http://a.example:\u{FF18}\u{FF10}/"]
    )
    func ports(text: String) {
        guard case .failure(let refusal) = OutboundURL.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(refusal.reason == .invalidURL)
    }

    @Test("every port in range parses to itself", arguments: [1, 80, 443, 8080, 65535])
    func portRange(port: Int) throws {
        #expect(try OutboundURL("http://a.example:\(port)/").port == port)
    }

    @Test(
        "a host ending in a number is the IPv4 address a browser reads",
        arguments: [
            ("http://2130706433/", "127.0.0.1"), ("http://0177.0.0.1/", "127.0.0.1"), ("http://127.1/", "127.0.0.1"), ("http://0x7f.1/", "127.0.0.1"),
            ("http://0x7f000001/", "127.0.0.1"), ("http://127.0.0.1./", "127.0.0.1"), ("http://169.254.43518/", "169.254.169.254"),
            ("http://0251.0376.0251.0376/", "169.254.169.254"), ("http://0/", "0.0.0.0"), ("http://10.1/", "10.0.0.1"), ("http://3232235777/", "192.168.1.1"),
        ]
    )
    func oddIPv4Spellings(text: String, address: String) throws {
        let url = try OutboundURL(text)
        #expect(url.host == .address(try #require(IPAddress(address))))
    }

    @Test("a number-like host that is no valid address is refused", arguments: ["http://256.0.0.1/", "http://1.2.3.4.5/", "http://4294967296/", "http://08.0.0.1/", "http://1.2.3.0x100/"])
    func invalidNumericHosts(text: String) {
        guard case .failure(let refusal) = OutboundURL.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(refusal.reason == .invalidURL)
    }

    @Test("names with numbers in them stay names")
    func namesWithNumbers() throws {
        #expect(try OutboundURL("http://1.2.3.example/").host == .name("1.2.3.example"))
        #expect(try OutboundURL("http://0x7f.example/").host == .name("0x7f.example"))
    }

    @Test("the Host header and request target are what a server expects")
    func requestParts() throws {
        let url = try OutboundURL("https://Buyer.Example.com:8443/bids/solar?src=a%20b#top")
        #expect(url.usesTLS)
        #expect(url.hostHeader == "buyer.example.com:8443")
        #expect(url.requestTarget == "/bids/solar?src=a%20b")
        let v6 = try OutboundURL("http://[2001:DB8::1]/")
        #expect(v6.hostHeader == "[2001:db8::1]")
    }

    @Test("URLs are limited to 2,048 bytes")
    func length() {
        let prefix = "https://example.com/"
        let longest = prefix + String(repeating: "a", count: 2_048 - prefix.utf8.count)
        #expect((try? OutboundURL(longest)) != nil)
        #expect((try? OutboundURL(longest + "a")) == nil)
    }
}
