import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TestSupport
import Testing

/// The outreach scheduler as an operator runs it: the built binary, its SMS channel pointed at a
/// provider on 127.0.0.1, killed mid-send. The binary runs under libfaketime (Debian `faketime`)
/// from a Monday noon in Nevada, so the calling window is open whenever the test runs; only the
/// wall clock is shifted, timers keep the real monotonic clock.
@Suite("Outreach, end to end")
struct OutreachEndToEndTests {
    /// Preloaded through `sh -c 'exec …'` rather than the `faketime` wrapper, which forks (a SIGKILL would reach
    /// the wrapper only). Preloaded straight into the binary, the library's start-up `setenv` moves the environment
    /// before Swift's runtime finds argv next to it; a shell that preloaded it first hands on a settled one.
    static let faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
    static let provider = (sid: "AC00000000000000000000000000000001", token: "e2e_token", from: "+15005550006")

    /// Starts `ezleeds serve` at the fake time `at` (UTC), its texts going to `smsURL`.
    static func startServer(_ workspace: Workspace, at time: String, smsURL: String) async throws -> RunningServer {
        try await workspace.startServer(
            ["--port", "0"],
            environment: [
                "LD_PRELOAD": Self.faketime, "FAKETIME": "@\(time)", "FAKETIME_DONT_FAKE_MONOTONIC": "1", "EZLEEDS_SMS_API_URL": smsURL, "EZLEEDS_SMS_ACCOUNT_SID": Self.provider.sid,
                "EZLEEDS_SMS_AUTH_TOKEN": Self.provider.token, "EZLEEDS_SMS_FROM": Self.provider.from,
            ],
            runAs: ["/bin/sh", "-c", #"exec "$@""#, "sh"]
        )
    }

    /// The shell made the library's shared clock under its pid, which `exec` kept; nobody else removes it.
    static func removeSharedClock(of server: RunningServer) {
        let pid = server.process.processIdentifier
        for name in ["/dev/shm/sem.faketime_sem_\(pid)", "/dev/shm/faketime_shm_\(pid)"] { try? FileManager.default.removeItem(atPath: name) }
    }

    @Test(
        "SIGKILL between the claim and the provider's answer: after the restart the text is unknown, never sent again",
        .enabled(if: FileManager.default.fileExists(atPath: faketime), "needs Debian's faketime (.ci/run installs it)")
    )
    func killedMidSendNeverSendsTwice() async throws {
        let provider = try await SilentSMSProvider.start()
        let workspace = try Workspace()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            // Monday 20 April 2026, 12:00 in Las Vegas.
            let first = try await Self.startServer(workspace, at: "2026-04-20 19:00:00", smsURL: provider.url)
            let tenant = try JSON.object(try #require(first.stdoutLines().first { $0.hasPrefix("{") }, "the first start prints the default tenant"))
            let key = try #require(tenant["api_key"] as? String)
            let headers: HTTPHeaders = ["X-API-Key": key, "Content-Type": "application/json"]
            let sequence = try JSON.object(
                try await client.request(
                    first.url("/api/v1/sequences"), method: .POST, headers: headers,
                    body: #"{"name": "One text", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi {{first_name}}"}]}"#
                ).body
            )
            let sequenceID = try #require(sequence["id"] as? String)
            let lead = try JSON.object(
                try await client.request(
                    first.url("/api/v1/leads/inbound"), method: .POST, headers: headers,
                    body: #"{"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+17025551234", "state": "NV", "zip_code": "89101", "campaign_type": "legal_pi", "source": "e2e", "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be texted.", "ip_address": "203.0.113.42"}}"#
                ).body
            )
            let leadID = try #require(lead["id"] as? String)
            let enrolled = try await client.request(
                first.url("/api/v1/sequences/\(sequenceID)/enroll"), method: .POST, headers: headers, body: #"{"lead_id": "\#(leadID)"}"#
            )
            #expect(enrolled.status == 201, "\(enrolled.body)")

            // The scheduler wakes on the enrollment, claims the step and posts the text; the provider never answers.
            for _ in 0..<200 where provider.requests == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(provider.requests == 1)
            #expect(provider.received.contains("POST /2010-04-01/Accounts/\(Self.provider.sid)/Messages.json"))
            first.process.signal(SIGKILL)
            await first.process.exit()
            Self.removeSharedClock(of: first)

            let second = try await Self.startServer(workspace, at: "2026-04-20 19:01:00", smsURL: provider.url)
            var attempts: [[String: Any]] = []
            for _ in 0..<100 {
                let detail = try JSON.object(try await client.request(second.url("/api/v1/leads/\(leadID)"), method: .GET, headers: headers).body)
                attempts = (detail["outreach"] as? [String: Any])?["attempts"] as? [[String: Any]] ?? []
                if attempts.first?["outcome"] as? String == "unknown" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(attempts.count == 1)
            #expect(attempts.first?["outcome"] as? String == "unknown", "\(attempts)")
            // Long enough for a wrongful retry (the first is a minute away on the scheduler's clock, which the restart already passed).
            try await Task.sleep(for: .seconds(2))
            #expect(provider.requests == 1, "the text was posted again after the restart")
            #expect(try await second.terminate().status == 0)
            Self.removeSharedClock(of: second)
        } catch {
            try await client.shutdown()
            try await provider.stop()
            throw error
        }
        try await client.shutdown()
        try await provider.stop()
    }
}

/// An SMS provider that reads requests and never answers: a send cut off between the claim and the outcome.
final class SilentSMSProvider: Sendable {
    let channel: any Channel
    private let box: ReceivedBytes

    private init(channel: any Channel, box: ReceivedBytes) {
        self.channel = channel
        self.box = box
    }

    static func start() async throws -> SilentSMSProvider {
        let box = ReceivedBytes()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Reader(box: box)) } }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentSMSProvider(channel: channel, box: box)
    }

    var url: String { "http://127.0.0.1:\(self.channel.localAddress?.port ?? 0)" }
    var received: String { self.box.text.withLock { $0 } }
    /// Requests seen: each starts with its request line.
    var requests: Int { self.received.components(separatedBy: "POST /").count - 1 }

    func stop() async throws {
        try await self.channel.close()
    }

    final class ReceivedBytes: Sendable {
        let text = Mutex("")
    }

    final class Reader: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let box: ReceivedBytes

        init(box: ReceivedBytes) {
            self.box = box
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.box.text.withLock { $0 += String(buffer: buffer) }
        }
    }
}
