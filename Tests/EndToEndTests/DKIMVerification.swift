import Foundation
import TestSupport

/// dkimpy, code no one here wrote, judging a message as a receiving mail server would: the key
/// looked up in DNS.
enum DKIMVerification {
    /// Whether `python3` has dkimpy and dnspython (`.ci/run` installs dkimpy, which needs dnspython).
    static let isAvailable: Bool =
        (try? ChildProcess.runBlocking("python3", ["-c", "import dkim, dns.resolver; print('ready')"]))?.stdout.contains("ready") == true

    /// dkimpy's verdict on `message`, its key looked up at the DNS server on 127.0.0.1:`dnsPort`.
    static func verify(_ message: String, dnsPort: Int) async throws -> (passed: Bool, output: String) {
        let script = """
            import sys, dkim, dns.resolver
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = ["127.0.0.1"]
            resolver.port = \(dnsPort)
            def lookup(name, timeout=5):
                answer = resolver.resolve(name.decode().rstrip("."), "TXT")
                return b"".join(b"".join(record.strings) for record in answer)
            ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=lookup)
            print("pass" if ok else "fail")
            sys.exit(0 if ok else 1)
            """
        let finished = try await ChildProcess.run("python3", ["-c", script], input: Data(message.utf8))
        return (finished.stdout.split(separator: "\n").last == "pass", finished.stdout + finished.stderr)
    }
}
