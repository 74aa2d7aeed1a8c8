// A minimal HTTP/1.1 response parser. NIO's HTTPResponseDecoder wants typed request parts on the
// way out to pair answers with methods; the harness writes prebuilt bytes instead, and it only
// needs the status, the framing and (for ping → post) the body.
import NIOCore

/// One HTTP response as the harness sees it.
struct Answer: Sendable {
    var status: Int
    /// Kept only when the scenario reads answers (ping → post, setup calls).
    var body: ByteBuffer?
    /// The server said `Connection: close`.
    var closes: Bool
}

struct MalformedAnswer: Error, CustomStringConvertible {
    var reason: String
    var description: String { "malformed HTTP answer: \(reason)" }
}

/// Cuts the byte stream of a connection into `Answer`s.
struct AnswerDecoder: ByteToMessageDecoder {
    typealias InboundOut = Answer

    var keepsBody: Bool

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let answer = try Self.parse(&buffer, keepsBody: keepsBody) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(answer))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    private struct Head {
        var length: Int  // bytes up to and including the blank line
        var status: Int
        var contentLength: Int?
        var chunked: Bool
        var closes: Bool
    }

    /// Returns nil while the answer is incomplete; consumes it from `buffer` once complete.
    static func parse(_ buffer: inout ByteBuffer, keepsBody: Bool) throws -> Answer? {
        guard let head = try buffer.withUnsafeReadableBytes({ try parseHead($0) }) else { return nil }
        if head.chunked {
            guard let (consumed, body) = try parseChunks(buffer, from: head.length, keepsBody: keepsBody) else { return nil }
            buffer.moveReaderIndex(forwardBy: consumed)
            return Answer(status: head.status, body: body, closes: head.closes)
        }
        let bodyLength: Int
        if let length = head.contentLength {
            bodyLength = length
        } else if head.status == 204 || head.status == 304 || head.status < 200 {
            bodyLength = 0
        } else {
            // A body framed by the close of the connection: no server here should send one.
            throw MalformedAnswer(reason: "no Content-Length and not chunked")
        }
        guard buffer.readableBytes >= head.length + bodyLength else { return nil }
        buffer.moveReaderIndex(forwardBy: head.length)
        let body = keepsBody ? buffer.readSlice(length: bodyLength) : nil
        if !keepsBody { buffer.moveReaderIndex(forwardBy: bodyLength) }
        return Answer(status: head.status, body: body, closes: head.closes)
    }

    private static func parseHead(_ bytes: UnsafeRawBufferPointer) throws -> Head? {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        // Find the blank line that ends the head.
        var end = -1
        var i = 3
        while i < bytes.count {
            if bytes[i] == lf, bytes[i - 1] == cr, bytes[i - 2] == lf, bytes[i - 3] == cr {
                end = i + 1
                break
            }
            i += 1
        }
        guard end > 0 else {
            if bytes.count > 64 * 1024 { throw MalformedAnswer(reason: "head longer than 64 KiB") }
            return nil
        }
        // "HTTP/1.1 200 OK"
        guard end > 12, bytes[0] == UInt8(ascii: "H"), bytes[4] == UInt8(ascii: "/"), bytes[8] == UInt8(ascii: " ") else {
            throw MalformedAnswer(reason: "bad status line")
        }
        var status = 0
        for j in 9..<12 {
            let digit = Int(bytes[j]) - 48
            guard (0...9).contains(digit) else { throw MalformedAnswer(reason: "bad status code") }
            status = status * 10 + digit
        }
        var head = Head(length: end, status: status, contentLength: nil, chunked: false, closes: bytes[7] == UInt8(ascii: "0"))
        // Header lines: only the three that decide framing and reuse matter.
        var lineStart = 0
        while bytes[lineStart] != lf { lineStart += 1 }
        lineStart += 1
        while lineStart < end - 2 {
            var lineEnd = lineStart
            while bytes[lineEnd] != cr { lineEnd += 1 }
            var colon = lineStart
            while colon < lineEnd, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            if colon < lineEnd {
                var valueStart = colon + 1
                while valueStart < lineEnd, bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
                let name = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<colon])
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<lineEnd])
                if equalsIgnoringCase(name, "content-length") {
                    var length = 0
                    for byte in value {
                        let digit = Int(byte) - 48
                        guard (0...9).contains(digit) else { break }
                        length = length * 10 + digit
                    }
                    head.contentLength = length
                } else if equalsIgnoringCase(name, "transfer-encoding") {
                    head.chunked = equalsIgnoringCase(value, "chunked")
                } else if equalsIgnoringCase(name, "connection") {
                    if equalsIgnoringCase(value, "close") { head.closes = true }
                    if equalsIgnoringCase(value, "keep-alive") { head.closes = false }
                }
            }
            lineStart = lineEnd + 2
        }
        return head
    }

    /// Chunked bodies: returns the bytes consumed (head included) and the joined body.
    private static func parseChunks(_ buffer: ByteBuffer, from start: Int, keepsBody: Bool) throws -> (Int, ByteBuffer?)? {
        var view = buffer
        view.moveReaderIndex(forwardBy: start)
        var body = keepsBody ? ByteBuffer() : nil
        while true {
            guard let lineEnd = view.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let lineLength = lineEnd - view.readerIndex + 1
            guard let line = view.readString(length: lineLength) else { return nil }
            let sizeText = line.prefix { $0.isHexDigit }
            guard let size = Int(sizeText, radix: 16) else { throw MalformedAnswer(reason: "bad chunk size") }
            if size == 0 {
                // Trailers, if any, end with a blank line.
                while true {
                    guard let end = view.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                    let length = end - view.readerIndex + 1
                    view.moveReaderIndex(forwardBy: length)
                    if length <= 2 { return (view.readerIndex - buffer.readerIndex, body) }
                }
            }
            guard view.readableBytes >= size + 2, var chunk = view.readSlice(length: size) else { return nil }
            body?.writeBuffer(&chunk)
            view.moveReaderIndex(forwardBy: 2)
        }
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for k in 0..<bytes.count where bytes[k] | 0x20 != expected[k] {
            return false
        }
        return true
    }
}
