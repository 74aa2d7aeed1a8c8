import Foundation
import NIOCore
import NIOPosix

/// A bare HTTP/1.1 client on one TCP connection: writes bytes exactly as given (pipelined requests,
/// odd headers) and reads answers one by one, so tests see what a plain socket sees. Non-blocking
/// (NIO), so it never holds a cooperative thread while the server works.
struct RawHTTPConnection: ~Copyable {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        func header(_ name: String) -> String? { self.headers[name.lowercased()] }
    }

    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`, runs `body`, and closes.
    static func with<T>(port: Int, _ body: (inout RawHTTPConnection) async throws -> T) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = RawHTTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }

    private init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    func send(_ text: String) async throws {
        try await self.outbound.write(ByteBuffer(string: text))
    }

    /// The next answer on the connection (bodies framed by Content-Length).
    mutating func receive() async throws -> Answer {
        let separator = Array("\r\n\r\n".utf8)
        while true {
            if let end = self.find(separator) {
                let head = String(decoding: self.buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                let bodyStart = end + separator.count
                if self.buffer.count >= bodyStart + length {
                    let status = Int(head[0].split(separator: " ")[1]) ?? 0
                    let body = String(decoding: self.buffer[bodyStart..<(bodyStart + length)], as: UTF8.self)
                    self.buffer.removeFirst(bodyStart + length)
                    return Answer(status: status, headers: headers, body: body)
                }
            }
            guard let chunk = try await self.inbound.next() else { throw ChannelError.eof }
            self.buffer += chunk.readableBytesView
        }
    }

    /// True once the server has closed its side and nothing is left to read.
    mutating func isClosedByServer() async throws -> Bool {
        guard self.buffer.isEmpty else { return false }
        return try await self.inbound.next() == nil
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard self.buffer.count >= pattern.count else { return nil }
        for index in 0...(self.buffer.count - pattern.count) where self.buffer[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    static func request(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "") -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        return text + "\r\n" + body
    }
}
