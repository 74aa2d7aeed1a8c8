import LeadEngine
import NIOCore

/// A POST as the bytes `OutboundCall` sends. Header values are ours (ids, digits, base64, hex,
/// fixed media types), never a tenant's text, so none can carry a line break.
enum HTTPPost {
    static func encode(to target: OutboundURL, headers: [(name: String, value: String)], body: [UInt8]) -> ByteBuffer {
        var request = ByteBuffer()
        request.reserveCapacity(512 + body.count)
        request.writeString("POST \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nContent-Length: \(body.count)\r\n")
        for (name, value) in headers { request.writeString("\(name): \(value)\r\n") }
        request.writeString("\r\n")
        request.writeBytes(body)
        return request
    }
}
