import Foundation

/// A real SMTP server for the client's tests: Python's aiosmtpd on 127.0.0.1 at a port the kernel
/// picks, writing each message it takes (envelope, raw content after dot-unstuffing, whether TLS
/// and AUTH were used) to its directory as `NNNN.json`. It exits when its standard input ends:
/// when `stop()` closes it, or when the test process dies, however it dies.
public final class SMTPSink: Sendable {
    /// What the sink does, beyond taking mail.
    public struct Options: Encodable, Sendable {
        /// Addresses refused at RCPT, with the reply ("550 5.1.1 mailbox unavailable").
        var refuse: [String: String]
        /// The reply to the final dot; default a 250 with a queue id.
        var dataReply: String?
        /// Never answers the final dot.
        var silentAfterData: Bool
        /// Refuses EHLO with a 502, so the client must fall back to HELO.
        var refuseEHLO: Bool
        /// Certificate and key files: STARTTLS offered (or TLS from the start with `implicitTLS`).
        var cert: String?
        var key: String?
        var implicitTLS: Bool
        var requireStartTLS: Bool
        /// The one user and password AUTH accepts; AUTH is offered only over TLS unless `authOverPlain`.
        var credentials: [String]?
        var authOverPlain: Bool
        /// Mechanisms not offered ("PLAIN", to see AUTH LOGIN used).
        var excludeAuth: [String]
        var box = ""

        public init(
            refuse: [String: String] = [:], dataReply: String? = nil, silentAfterData: Bool = false, refuseEHLO: Bool = false, cert: String? = nil,
            key: String? = nil, implicitTLS: Bool = false, requireStartTLS: Bool = false, credentials: [String]? = nil, authOverPlain: Bool = false,
            excludeAuth: [String] = []
        ) {
            self.refuse = refuse
            self.dataReply = dataReply
            self.silentAfterData = silentAfterData
            self.refuseEHLO = refuseEHLO
            self.cert = cert
            self.key = key
            self.implicitTLS = implicitTLS
            self.requireStartTLS = requireStartTLS
            self.credentials = credentials
            self.authOverPlain = authOverPlain
            self.excludeAuth = excludeAuth
        }
    }

    /// One message as the sink took it.
    public struct Received: Decodable, Sendable {
        public var from: String
        public var to: [String]
        /// Base64 of the bytes received.
        public var content: String
        public var tls: Bool
        /// The mechanism of a successful AUTH, if any.
        public var auth: String?

        public var message: String { String(decoding: Data(base64Encoded: self.content) ?? Data(), as: UTF8.self) }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    static let script = #"""
        import asyncio, base64, json, os, socket, ssl, sys, threading
        from aiosmtpd.smtp import SMTP, AuthResult

        opts = json.loads(sys.argv[1])
        box = opts["box"]
        # Ends with the test: the end of standard input, however the test process ends.
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()

        tls = None
        if opts.get("cert"):
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(opts["cert"], opts["key"])

        def put(name, text):
            with open(os.path.join(box, name + ".tmp"), "w") as f:
                f.write(text)
            os.rename(os.path.join(box, name + ".tmp"), os.path.join(box, name))

        class Sink:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                if opts.get("refuseEHLO"):
                    return ["502 5.5.1 EHLO not implemented"]
                session.host_name = hostname
                return responses

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                refusal = opts.get("refuse", {}).get(address)
                if refusal:
                    return refusal
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 OK"

            async def handle_DATA(self, server, session, envelope):
                if opts.get("silentAfterData"):
                    await asyncio.sleep(3600)
                n = len([f for f in os.listdir(box) if f.endswith(".json")])
                put("%04d.json" % n, json.dumps({
                    "from": envelope.mail_from, "to": envelope.rcpt_tos,
                    "content": base64.b64encode(envelope.original_content).decode(),
                    "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
                    "auth": getattr(session, "ezl_auth", None),
                }))
                return opts.get("dataReply") or "250 2.0.0 Ok: queued as Q%d" % n

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = [auth_data.login.decode(), auth_data.password.decode()] == opts["credentials"]
            if ok:
                session.ezl_auth = mechanism
            # handled=False: aiosmtpd then answers a failure with its 535.
            return AuthResult(success=ok, handled=False)

        async def main():
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            loop = asyncio.get_running_loop()
            implicit = opts.get("implicitTLS")
            kwargs = dict(
                hostname="sink.test", loop=loop,
                tls_context=None if implicit else tls,
                require_starttls=opts.get("requireStartTLS", False),
                auth_require_tls=not opts.get("authOverPlain"),
                auth_exclude_mechanism=opts.get("excludeAuth") or None,
            )
            if opts.get("credentials"):
                kwargs["authenticator"] = authenticator
            await loop.create_server(lambda: SMTP(Sink(), **kwargs), sock=sock, ssl=tls if implicit else None)
            put("port", str(sock.getsockname()[1]))
            await asyncio.Event().wait()

        asyncio.run(main())
        """#

    /// Whether `python3` can import aiosmtpd (`.ci/run` installs it with pip).
    public static let isAvailable: Bool =
        (try? ChildProcess.runBlocking("python3", ["-c", "import aiosmtpd; print('ready')"]))?.stdout.contains("ready") == true

    public let port: Int
    public let box: URL
    private let process: ChildProcess

    /// Runs `body` with a sink, and stops the sink when `body` returns or throws.
    public static func running<Result>(_ options: Options = .init(), _ body: (SMTPSink) async throws -> Result) async throws -> Result {
        let sink = try await Self.start(options)
        do {
            let result = try await body(sink)
            await sink.stop()
            return result
        } catch {
            await sink.stop()
            throw error
        }
    }

    private static func start(_ options: Options) async throws -> SMTPSink {
        let box = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: box, withIntermediateDirectories: true)
        var options = options
        options.box = box.path
        let log = box.appendingPathComponent("log").path
        let process = try ChildProcess(
            "python3", ["-c", Self.script, String(decoding: try JSONEncoder().encode(options), as: UTF8.self)], input: .lifeline, output: log,
            errors: log
        )
        let portFile = box.appendingPathComponent("port")
        for _ in 0..<250 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return SMTPSink(port: port, box: box, process: process)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await process.stopPeer()
        throw StartFailure(description: "the SMTP sink did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    private init(port: Int, box: URL, process: ChildProcess) {
        self.port = port
        self.box = box
        self.process = process
    }

    /// The messages taken so far, oldest first (each is written before the sink answers the dot).
    public var received: [Received] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: self.box.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            (try? Data(contentsOf: self.box.appendingPathComponent(name))).flatMap { try? JSONDecoder().decode(Received.self, from: $0) }
        }
    }

    /// What the sink printed (aiosmtpd logs, Python errors), for failure messages.
    public var log: String { (try? String(contentsOf: self.box.appendingPathComponent("log"), encoding: .utf8)) ?? "" }

    /// Ends the sink (the end of its input; SIGKILL if it lingers), waits for it, removes its directory.
    public func stop() async {
        await self.process.stopPeer()
        try? FileManager.default.removeItem(at: self.box)
    }
}
