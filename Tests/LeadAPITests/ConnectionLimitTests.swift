import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing

/// Hostile clients over a real socket: idle and slow connections are closed, and a body declared too
/// large is refused before it is sent. (The connection cap is tested on the binary: ConnectionCapEndToEndTests.)
@Suite("Connections: idle timeout, declared lengths")
struct ConnectionLimitTests {
    @Test("a connection that never sends a request, or sends half a head, or idles after one, is closed after the idle timeout")
    func idleClosed() async throws {
        let server = try await TestServer.make(targets: { $0.idleTimeoutSeconds = 2 })
        try await server.test(.live) { client in
            let port = try #require(client.port)
            for opening in ["", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", RawHTTPConnection.request("GET", "/healthz")] {
                let closed = try await RawHTTPConnection.with(port: port) { connection in
                    if opening.hasSuffix("\r\n\r\n") {
                        try await connection.send(opening)
                        #expect(try await connection.receive().status == 200)
                    } else {
                        // A loaded machine may take the timeout's time to get here: a connection already closed has been closed.
                        try? await connection.send(opening)
                    }
                    return (try? await connection.isClosedByServer()) ?? true
                }
                #expect(closed, "\(opening.debugDescription)")
            }
        }
    }

    @Test("a connection carrying only fast-lane pings stays open past the idle timeout while it pings, and closes once it stops")
    func pingingConnectionIsNotIdle() async throws {
        let server = try await TestServer.make(targets: { $0.idleTimeoutSeconds = 2 })
        try await server.test(.live) { client in
            let port = try #require(client.port)
            let ping = RawHTTPConnection.request(
                "POST", "/api/v1/pingpost/ping", headers: ["X-Compliance-API-Key": server.tenant.complianceKey], body: PingAPITests.ping
            )
            try await RawHTTPConnection.with(port: port) { connection in
                // Three idle timeouts' worth of pings, 100 ms apart, on one connection. Hummingbird's
                // idle handler, behind the fast lane, never saw them and closed it 2 s in.
                let started = ContinuousClock.now
                var lastAnswer = started
                while ContinuousClock.now - started < .seconds(6) {
                    do {
                        try await connection.send(ping)
                        #expect(try await connection.receive().status == 200)
                        lastAnswer = ContinuousClock.now
                    } catch {
                        // Closed: only right if this machine stalled the client for a whole idle timeout.
                        let quiet = ContinuousClock.now - lastAnswer
                        #expect(quiet >= .seconds(2), "closed \(ContinuousClock.now - started) in, \(quiet) after the last answer: \(error)")
                        return
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(try await connection.isClosedByServer(), "closed once idle")
            }
        }
    }

    @Test("a head or a body sent a byte at a time is cut off: the head by the idle timeout, the body by the body timeout")
    func tricklesClosed() async throws {
        let server = try await TestServer.make(targets: {
            $0.idleTimeoutSeconds = 2
            $0.bodyTimeoutSeconds = 2
        })
        try await server.test(.live) { client in
            let port = try #require(client.port)
            let head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            func body(_ path: String) -> String {
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            }
            for (opening, what) in [(head, "head"), (body("/api/v1/buyers"), "body"), (body("/api/v1/pingpost/ping"), "ping's body")] {
                // Without the timeouts, each byte (every 300 ms) would keep the connection for good.
                let elapsed = try await RawHTTPConnection.with(port: port) { connection in
                    let started = ContinuousClock.now
                    try await connection.send(opening)
                    while ContinuousClock.now - started < .seconds(15) {
                        try await Task.sleep(for: .milliseconds(300))
                        do {
                            try await connection.send("a")
                        } catch {
                            return ContinuousClock.now - started
                        }
                    }
                    return ContinuousClock.now - started
                }
                #expect(elapsed < .seconds(15), "a \(what) sent a byte at a time held its connection for 15 s")
                #expect(elapsed > .milliseconds(1500), "the \(what)'s connection closed before its timeout")
            }
        }
    }

    @Test("a body declared past 1 MiB is a 413 before a byte of it is sent, on the router and the ping path")
    func declaredTooLarge() async throws {
        let server = try await TestServer.make()
        try await server.test(.live) { client in
            let port = try #require(client.port)
            for path in ["/api/v1/buyers", "/api/v1/pingpost/ping"] {
                let answer = try await RawHTTPConnection.with(port: port) { connection in
                    try await connection.send(
                        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: \(server.tenant.apiKey)\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n"
                    )
                    return try await connection.receive()
                }
                #expect(answer.status == 413, "\(path): \(answer.body)")
            }
        }
    }
}
