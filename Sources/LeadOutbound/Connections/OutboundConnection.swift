import NIOCore
import NIOHTTP1
import NIOTLS

/// Sends requests that are encoded already: a `.body` carries the whole request, head and body,
/// as bytes. The `.head` before it is only a token for the response decoder above, which counts
/// requests (and their methods) to match answers to them; it is dropped here, as is `.end`.
final class EncodedRequestWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .body(let bytes): context.write(self.wrapOutboundOut(bytes), promise: promise)
        case .head, .end: promise?.succeed(())
        }
    }
}

/// One keep-alive connection to an endpoint, one request at a time: sends it, reads the answer (its
/// body up to the request's `maxBodyBytes`; the rest is drained), and hands itself back
/// to its pool.
final class OutboundConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// What the response decoder needs to know of each request: that there is one, and its method.
    static let token = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")

    private let endpoint: EndpointConnections
    private var context: ChannelHandlerContext?
    private(set) var current: PendingRequest?
    private var status: HTTPResponseStatus?
    private var keepAlive = true
    private var body: ByteBuffer?
    private var isOpen = true
    /// Until a TLS handshake completes the request waits in the TLS handler, so a failure then
    /// means no byte of it reached the endpoint: `notConnected`, which at-most-once senders may retry.
    private(set) var awaitingHandshake: Bool
    var lastUsed = NIODeadline.now()

    init(endpoint: EndpointConnections, overTLS: Bool) {
        self.endpoint = endpoint
        self.awaitingHandshake = overTLS
    }

    var isUsable: Bool { self.isOpen && self.context?.channel.isActive == true }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(_ pending: PendingRequest) {
        guard let context, self.isOpen else {
            pending.finish(.failed(.notConnected, detail: "the connection closed before the request was sent"))
            return
        }
        pending.connection = self
        self.current = pending
        self.status = nil
        self.body = nil
        self.keepAlive = true
        context.write(self.wrapOutboundOut(.head(Self.token)), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(pending.request.bytes))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status
            self.keepAlive = head.isKeepAlive
        case .body(var part):
            // Only as much as the request wants is read. A 2xx body past that is a bad answer, unless
            // the request keeps the first bytes of any body; an error's body (a provider's reason) is
            // cut there, the rest drained and dropped.
            guard let pending = self.current, let status = self.status, pending.request.maxBodyBytes > 0 else { return }
            let room = pending.request.maxBodyBytes - (self.body?.readableBytes ?? 0)
            let mustBeWhole = (200..<300).contains(status.code) && !pending.request.truncatesLongBodies
            if !mustBeWhole, room <= 0 { return }
            if !mustBeWhole, part.readableBytes > room { part = part.getSlice(at: part.readerIndex, length: room) ?? part }
            if self.body == nil {
                self.body = part
            } else {
                self.body?.writeBuffer(&part)
            }
            if mustBeWhole, (self.body?.readableBytes ?? 0) > pending.request.maxBodyBytes {
                self.finish(.failed(.badResponse, detail: "answer longer than \(pending.request.maxBodyBytes) bytes"), reusable: false)
            }
        case .end:
            guard self.current != nil else {
                // An answer nobody asked for: the connection cannot be trusted to be in step.
                if self.status != nil { self.close() }
                return
            }
            if let pending = self.current { self.endpoint.settled(pending, answered: true) }
            let answer: OutboundAnswer
            if let status = self.status {
                answer = .response(status: Int(status.code), body: self.body)
            } else {
                answer = .failed(.badResponse, detail: "no status line")
            }
            self.finish(answer, reusable: self.keepAlive)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { self.awaitingHandshake = false }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.awaitingHandshake {
            self.finish(.failed(.notConnected, detail: "TLS handshake failed: \(error)"), reusable: false)
        } else {
            self.finish(.failed(error is HTTPParserError ? .badResponse : .unreachable, detail: "\(error)"), reusable: false)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.awaitingHandshake {
            self.finish(.failed(.notConnected, detail: "the connection closed during its TLS handshake"), reusable: false)
        } else {
            self.finish(.failed(.unreachable, detail: "the connection closed before the answer"), reusable: false)
        }
        if self.isOpen {
            self.isOpen = false
            self.endpoint.closed(self)
        }
        context.fireChannelInactive()
    }

    func close() {
        self.context?.close(promise: nil)
    }

    private func finish(_ answer: OutboundAnswer, reusable: Bool) {
        guard let pending = self.current else {
            if !reusable { self.close() }
            return
        }
        switch answer {
        case .failed(.unreachable, _), .failed(.notConnected, _): self.endpoint.settled(pending, answered: false)
        default: break
        }
        self.current = nil
        self.body = nil
        pending.finish(answer)
        self.endpoint.finished(self, reusable: reusable)
    }
}

