import Foundation
import LeadEngine
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import LeadOutbound

@Suite("DNS TXT look-ups: against dnsmasq on 127.0.0.1, scripted resolvers, and answers no resolver should send")
struct DNSClientTests {
    static let needsDNSMasq = ConditionTrait.enabled(
        if: DNSServerProcess.isInstalled, "needs /usr/sbin/dnsmasq (Debian dnsmasq-base, which .ci/run installs)"
    )

    static let zone = DNSServerProcess.Zone(
        name: "acme.test",
        txt: [
            ("acme.test", ["v=spf1 a mx ~all"]),
            ("ezl._domainkey.acme.test", ["v=DKIM1; k=rsa; p=MIIBIjAN", "BgkqhkiG9w0B"]),
            ("_dmarc.acme.test", ["v=DMARC1; p=none"]), ("_dmarc.acme.test", ["v=DMARC1; p=reject"]),
            ("key.acme.test", ["v=DKIM1; p=KEY"]),
            ("big.acme.test", (0..<8).map { String(repeating: String($0), count: 250) }),
        ],
        cnames: [("ezl2._domainkey.acme.test", "key.acme.test")],
        hosts: ["www.acme.test"]
    )

    @Test("single, split and repeated records, a CNAME followed, NODATA and NXDOMAIN told apart", needsDNSMasq)
    func answers() async throws {
        try await DNSServerProcess.serving(Self.zone) { dns in
            let client = dns.client
            #expect(await client.txtRecords(at: "acme.test") == .records(["v=spf1 a mx ~all"]))
            #expect(await client.txtRecords(at: "EZL._domainkey.Acme.TEST.") == .records(["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0B"]))
            let dmarc = await client.txtRecords(at: "_dmarc.acme.test")
            guard case .records(let records) = dmarc else { throw Unexpected(dmarc) }
            #expect(records.sorted() == ["v=DMARC1; p=none", "v=DMARC1; p=reject"])
            #expect(await client.txtRecords(at: "ezl2._domainkey.acme.test") == .records(["v=DKIM1; p=KEY"]))
            #expect(await client.txtRecords(at: "www.acme.test") == .noRecords)
            #expect(await client.txtRecords(at: "missing.acme.test") == .nonexistent)
        }
    }

    @Test("an answer too big for a datagram comes back truncated and is asked again over TCP", needsDNSMasq)
    func truncatedAnswerOverTCP() async throws {
        try await DNSServerProcess.serving(Self.zone) { dns in
            let client = dns.client
            let query = DNSQuery(name: try DNSName(ascii: "big.acme.test"))
            let overUDP = await client.exchange(query, overUDPWith: dns.address, within: .seconds(1))
            #expect(overUDP == .answered(DNSAnswer(responseCode: 0, truncated: true, txt: [])))
            let expected = (0..<8).map { String(repeating: String($0), count: 250) }.joined()
            #expect(await client.txtRecords(at: "big.acme.test") == .records([expected]))
        }
    }

    @Test("a resolver that never answers is unavailable after its timeout; the next server is asked")
    func silentResolver() async throws {
        let silent = try await ScriptedResolver.start { _ in [] }
        let alone = DNSClient(servers: [silent.address], timeoutPerQuery: .milliseconds(300), totalTimeout: .milliseconds(600))
        let started = ContinuousClock.now
        let lookup = await alone.txtRecords(at: "acme.test")
        let took = ContinuousClock.now - started
        #expect(lookup == .unavailable(reason: "timed out after 300 ms at \(DNSClient.describe(silent.address))"))
        // It waits out its total timeout, no less; the upper bound is loose, as a loaded machine is slow to wake.
        #expect(took >= .milliseconds(550) && took < .seconds(5), "\(took)")

        let answering = try await ScriptedResolver.start { query in [Self.answer(to: query, records: [Self.record(rdata: Self.txt("hello"))])] }
        let both = DNSClient(servers: [silent.address, answering.address], timeoutPerQuery: .seconds(1), totalTimeout: .seconds(10))
        #expect(await both.txtRecords(at: "acme.test") == .records(["hello"]))
        await silent.stop()
        await answering.stop()
    }

    @Test("error codes, stray datagrams and closed ports")
    func scriptedResolvers() async throws {
        let answer = { @Sendable (query: [UInt8]) in Self.answer(to: query, records: [Self.record(rdata: Self.txt("v=spf1 ", "-all"))]) }
        // A datagram with another id first: ignored, the answer after it is taken.
        let stray = try await ScriptedResolver.start { query in
            var other = answer(query)
            other[0] ^= 0xFF
            return [other, answer(query)]
        }
        let failing = try await ScriptedResolver.start { query in [Self.answer(to: query, flags: 0x8182, records: [])] }
        let refusing = try await ScriptedResolver.start { query in [Self.answer(to: query, flags: 0x8185, records: [])] }
        let garbled = try await ScriptedResolver.start { query in [Array(answer(query).dropLast(3))] }
        let closed = try await ScriptedResolver.start { _ in [] }
        await closed.stop()
        func client(_ servers: ScriptedResolver...) -> DNSClient {
            // Long timeouts: a loaded machine must not turn an answer into a timeout.
            DNSClient(servers: servers.map(\.address), timeoutPerQuery: .seconds(5), totalTimeout: .seconds(10))
        }
        #expect(await client(stray).txtRecords(at: "acme.test") == .records(["v=spf1 -all"]))
        #expect(await client(failing).txtRecords(at: "acme.test") == .unavailable(reason: "SERVFAIL from \(DNSClient.describe(failing.address))"))
        #expect(await client(refusing).txtRecords(at: "acme.test") == .unavailable(reason: "REFUSED from \(DNSClient.describe(refusing.address))"))
        // Timeouts far longer than the bound below: a malformed answer and a refused port end the query at once.
        let patient = DNSClient(servers: [garbled.address, closed.address], timeoutPerQuery: .seconds(10), totalTimeout: .seconds(20))
        let started = ContinuousClock.now
        #expect(
            await patient.txtRecords(at: "acme.test")
                == .unavailable(
                    reason: "a malformed answer from \(DNSClient.describe(garbled.address)): an answer cut short; "
                        + "Connection refused at \(DNSClient.describe(closed.address))"
                )
        )
        #expect(ContinuousClock.now - started < .seconds(5), "neither waits for a timeout")
        #expect(await client(failing, stray).txtRecords(at: "acme.test") == .records(["v=spf1 -all"]))
        #expect(await DNSClient(servers: []).txtRecords(at: "acme.test") == .unavailable(reason: "no DNS server configured"))
        #expect(
            await client(stray).txtRecords(at: "acme..test") == .unavailable(reason: "cannot ask for acme..test: a name with an empty label")
        )
        for resolver in [stray, failing, refusing, garbled] { await resolver.stop() }
    }

    @Test("the query: recursion desired, one TXT question, EDNS0 with a 1232-byte payload")
    func query() throws {
        let wire = DNSQuery(name: try DNSName(ascii: "Acme.test."), id: 0xBEEF).wire
        let header: [UInt8] = [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]
        let question: [UInt8] = [4] + Array("Acme".utf8) + [4] + Array("test".utf8) + [0, 0, 16, 0, 1]
        let opt: [UInt8] = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]
        #expect(wire == header + question + opt)
        #expect(DNSQuery(name: try DNSName(ascii: "acme.test")).id != DNSQuery(name: try DNSName(ascii: "acme.test")).id)  // 1 in 65,536 to fail
        let label63 = String(repeating: "a", count: 63)
        #expect(throws: Never.self) { try DNSName(ascii: [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")) }
        for refused in ["", ".", "acme..test", ".acme.test", label63 + "a.test", [label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: "."), "bücher.test"] {
            #expect(throws: DNSFormatError.self, "\(refused)") { try DNSName(ascii: refused) }
        }
    }

    @Test("answers read: compression, CNAME chains, case, truncation, error codes without a question")
    func readAnswers() throws {
        let query = DNSQuery(name: try DNSName(ascii: "acme.test"), id: 0x1234)
        let two = Self.answer(to: query.wire, records: [Self.record(rdata: Self.txt("a", "b")), Self.record(owner: Self.name("ACME", "Test"), rdata: Self.txt("c"))])
        #expect(query.read(two, overTCP: false) == .success(DNSAnswer(responseCode: 0, truncated: false, txt: ["ab", "c"])))
        // acme.test CNAME x.acme.test (its name compressed at 39), x.acme.test TXT "hello".
        let chain = Self.answer(
            to: query.wire,
            records: [Self.record(type: 5, rdata: [1, UInt8(ascii: "x"), 0xC0, 12]), Self.record(owner: [0xC0, 39], rdata: Self.txt("hello"))]
        )
        #expect(query.read(chain, overTCP: false) == .success(DNSAnswer(responseCode: 0, truncated: false, txt: ["hello"])))
        // acme.test CNAME x.acme.test, x.acme.test CNAME acme.test: round and round.
        let loop = Self.answer(
            to: query.wire, records: [Self.record(type: 5, rdata: [1, UInt8(ascii: "x"), 0xC0, 12]), Self.record(owner: [0xC0, 39], type: 5, rdata: [0xC0, 12])]
        )
        #expect(query.read(loop, overTCP: false) == .failure(DNSFormatError("a CNAME chain longer than 8")))
        // Truncated over UDP: the cut records are not read; over TCP the TC bit is no reason to skip them.
        let truncated = Self.answer(to: query.wire, flags: 0x8380, records: [Self.record(rdata: Self.txt("hello"))])
        #expect(query.read(Array(truncated.dropLast(4)), overTCP: false) == .success(DNSAnswer(responseCode: 0, truncated: true, txt: [])))
        #expect(query.read(truncated, overTCP: true) == .success(DNSAnswer(responseCode: 0, truncated: true, txt: ["hello"])))
        var servfail = Array(Self.answer(to: query.wire, flags: 0x8182, records: []).prefix(12))
        servfail[5] = 0
        #expect(query.read(servfail, overTCP: false) == .success(DNSAnswer(responseCode: 2, truncated: false, txt: [])))
    }

    @Test("hostile answers are errors, never a trap")
    func hostileAnswers() throws {
        let query = DNSQuery(name: try DNSName(ascii: "acme.test"), id: 0x1234)
        let valid = Self.answer(to: query.wire, records: [Self.record(rdata: Self.txt("v=spf1 -all")), Self.record(rdata: Self.txt("x"))])
        func refused(_ bytes: [UInt8], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(query.read(bytes, overTCP: false) == .failure(DNSFormatError(reason)), sourceLocation: sourceLocation)
        }
        let answerAt = 27  // header (12) and question (11 + 4)
        refused(Self.answer(to: query.wire, records: [Self.record(owner: [0xC0, UInt8(answerAt)], rdata: [])]), "a name pointer that does not point back")
        refused(Self.answer(to: query.wire, records: [Self.record(owner: [1, 0x61, 0xC0, UInt8(answerAt)], rdata: [])]), "a name pointer that does not point back")
        refused(Self.answer(to: query.wire, records: [Self.record(owner: [0xC0, 0xFF], rdata: [])]), "a name pointer that does not point back")
        refused(Self.answer(to: query.wire, records: [Self.record(owner: [0x3F, 0xFF], rdata: [])]), "a label runs past the answer")
        refused(Self.answer(to: query.wire, records: [Self.record(owner: [0x80], rdata: [])]), "a label of an unknown type")
        refused(Self.answer(to: query.wire, records: [Self.record(rdata: [5, 0x61])]), "a TXT string runs past its record")
        refused(Array(valid.dropLast(1)), "an answer cut short")
        refused(Array(valid.prefix(answerAt + 1)), "a name pointer runs past the answer")
        refused(Array(valid.prefix(20)), "a label runs past the answer")
        refused(Array(valid.prefix(12)), "a name runs past the answer")
        refused(Self.answer(to: DNSQuery(name: query.name, id: 0x4321).wire, records: []), "an answer to another query")
        refused(query.wire, "a query, not an answer")
        refused(Self.answer(to: DNSQuery(name: try DNSName(ascii: "other.test"), id: 0x1234).wire, records: []), "an answer to another question")
        for cut in 0..<valid.count {
            guard case .failure = query.read(Array(valid.prefix(cut)), overTCP: false) else {
                Issue.record("the first \(cut) bytes read as an answer")
                continue
            }
        }
        // Anything at all: random bytes, and the valid answer with bytes changed.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var bytes = Bool.random() ? valid : (0..<Int.random(in: 0...64)).map { _ in UInt8.random(in: 0...255) }
            for _ in 0..<Int.random(in: 1...4) where !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255) }
            _ = query.read(bytes, overTCP: Bool.random())
        }
    }

    @Test("resolv.conf and the operator's server setting")
    func servers() throws {
        let resolvConf = """
            # written by hand
            search acme.test
            nameserver 10.0.0.2
            nameserver 2001:db8::53 # the second
            ; nameserver 10.9.9.9
            nameserver fe80::1%eth0
            nameserver resolver.acme.test
            options ndots:2
            nameserver\t10.0.0.3
            """
        #expect(SystemDNSServers.parse(resolvConf: resolvConf).map(DNSClient.describe) == ["10.0.0.2:53", "[2001:db8::53]:53", "10.0.0.3:53"])
        #expect(SystemDNSServers.load(path: "/nonexistent/resolv.conf").isEmpty)
        let settings = [
            ("127.0.0.1:5353", "127.0.0.1:5353"), ("127.0.0.1", "127.0.0.1:53"), ("[::1]:5353", "[::1]:5353"), ("[::1]", "[::1]:53"),
            ("::1", "[::1]:53"), ("2001:db8::53", "[2001:db8::53]:53"), (" 10.0.0.2 ", "10.0.0.2:53"),
        ]
        for (setting, server) in settings { #expect(SystemDNSServers.parse(server: setting).map(DNSClient.describe) == server, "\(setting)") }
        for bad in ["", "dns.acme.test", "dns.acme.test:53", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:+53", "127.0.0.1:", "[::1", "[::1]x", "[::1]:", "1.2.3"] {
            #expect(SystemDNSServers.parse(server: bad) == nil, "\(bad)")
        }
    }

    // MARK: Answers built by hand

    struct Unexpected: Error, CustomStringConvertible {
        var lookup: TXTLookup
        init(_ lookup: TXTLookup) { self.lookup = lookup }
        var description: String { "unexpected \(self.lookup)" }
    }

    /// A response to `query`: its header with `flags` and the records counted, its question, then the records.
    static func answer(to query: [UInt8], flags: UInt16 = 0x8180, records: [[UInt8]]) -> [UInt8] {
        var bytes = Array(query.dropLast(11))  // the OPT record
        bytes[2] = UInt8(flags >> 8)
        bytes[3] = UInt8(flags & 0xFF)
        bytes[7] = UInt8(records.count)
        bytes[11] = 0
        return bytes + records.flatMap { $0 }
    }

    /// A record in class IN, owned by the question's name (a pointer to offset 12) unless told otherwise.
    static func record(owner: [UInt8] = [0xC0, 12], type: UInt16 = 16, rdata: [UInt8]) -> [UInt8] {
        owner + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 60, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
    }

    static func txt(_ strings: String...) -> [UInt8] {
        strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }

    static func name(_ labels: String...) -> [UInt8] {
        labels.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }
}

/// A UDP resolver on 127.0.0.1 whose answers the test writes: each query gets the datagrams `reply`
/// returns for it, none for a resolver that never answers.
final class ScriptedResolver: Sendable {
    let channel: any Channel
    let address: SocketAddress

    static func start(_ reply: @escaping @Sendable ([UInt8]) -> [[UInt8]]) async throws -> ScriptedResolver {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Replies(reply: reply)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedResolver(channel: channel, address: try #require(channel.localAddress))
    }

    private init(channel: any Channel, address: SocketAddress) {
        self.channel = channel
        self.address = address
    }

    func stop() async {
        try? await self.channel.close()
    }

    final class Replies: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        let reply: @Sendable ([UInt8]) -> [[UInt8]]

        init(reply: @escaping @Sendable ([UInt8]) -> [[UInt8]]) {
            self.reply = reply
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let query = Self.unwrapInboundIn(data)
            for datagram in self.reply(Array(query.data.readableBytesView)) {
                context.write(Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: query.remoteAddress, data: ByteBuffer(bytes: datagram))), promise: nil)
            }
            context.flush()
        }
    }
}
