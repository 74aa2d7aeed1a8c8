import Foundation
import LeadEngine
import NIOCore
import NIOPosix
import NIOSSL

/// The last handler of the pipeline: reads lines into replies and hands each to the one step
/// waiting for it, under that step's timeout (which closes the connection). Replies that come
/// unasked (a 421 before closing) wait for the next step; after the connection ends, every step
/// fails with why it ended.
final class SMTPReplyReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    static let maxLineLength = 4096

    private let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    private var unread = ByteBuffer()
    private var assembler = SMTPReplyAssembler()
    private var replies: [SMTPReply] = []
    private var waiting: (promise: EventLoopPromise<SMTPReply>, stage: SMTPStage, timer: Scheduled<Void>)?
    private var ended: SMTPFailure?
    private var tlsAtNextReply: NIOSSLClientHandler?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.end(.closed)
        self.context = nil
    }

    /// The next reply, failed with the stage and why when none comes within `timeout`.
    func nextReply(at stage: SMTPStage, within timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        precondition(self.waiting == nil, "one SMTP step at a time")
        if !self.replies.isEmpty { return self.eventLoop.makeSucceededFuture(self.replies.removeFirst()) }
        if let ended = self.ended { return self.eventLoop.makeFailedFuture(SMTPStepFailure(stage: stage, failure: ended)) }
        let promise = self.eventLoop.makePromise(of: SMTPReply.self)
        let timer = self.eventLoop.assumeIsolated().scheduleTask(in: timeout) { self.end(.noReply(after: timeout)) }
        self.waiting = (promise, stage, timer)
        return promise.futureResult
    }

    /// Arms the STARTTLS upgrade: at the next reply, if it is 220, `handler` goes in front of this one.
    func startTLSAtNextReply(_ handler: NIOSSLClientHandler) {
        self.tlsAtNextReply = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        self.unread.writeBuffer(&bytes)
        let newline = UInt8(ascii: "\n")
        while self.ended == nil, let end = self.unread.readableBytesView.firstIndex(of: newline) {
            var line = self.unread.readSlice(length: end - self.unread.readerIndex)!
            self.unread.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
            let reply: SMTPReply?
            do {
                reply = try self.assembler.add(String(buffer: line))
            } catch {
                return self.end(error)
            }
            guard let reply else { continue }
            if let tls = self.tlsAtNextReply {
                self.tlsAtNextReply = nil
                if reply.code == 220 {
                    guard self.unread.readableBytes == 0 else { return self.end(.plaintextAfterStartTLS) }
                    do {
                        try context.pipeline.syncOperations.addHandler(tls, position: .before(self))
                    } catch {
                        return self.end(.connection(error))
                    }
                }
            }
            self.deliver(reply)
        }
        if self.unread.readableBytes > Self.maxLineLength { return self.end(.garbled("a reply line longer than \(Self.maxLineLength) bytes")) }
        self.unread.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.end(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.end(.connection(error))
    }

    private func deliver(_ reply: SMTPReply) {
        guard let waiting = self.waiting else { return self.replies.append(reply) }
        self.waiting = nil
        waiting.timer.cancel()
        waiting.promise.succeed(reply)
    }

    /// The first failure wins; the step waiting fails with it and the connection closes.
    private func end(_ failure: SMTPFailure) {
        if self.ended == nil { self.ended = failure }
        if let waiting = self.waiting {
            self.waiting = nil
            waiting.timer.cancel()
            waiting.promise.fail(SMTPStepFailure(stage: waiting.stage, failure: self.ended ?? failure))
        }
        self.context?.close(promise: nil)
    }
}
