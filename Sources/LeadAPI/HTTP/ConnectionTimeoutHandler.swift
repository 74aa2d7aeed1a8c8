import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// The connection's two timeouts, placed right after HTTP decoding and before the ping fast lane,
/// so that it sees every request and every answer, the lane's included:
///
/// - **idle**: a connection is closed once it has had no request part and no answer for `idle`,
///   unless an answer is being worked on. A head trickled a byte at a time yields no part until
///   it is whole, so it is cut by this too. (Hummingbird's own idle handler sits after the fast
///   lane and never sees its pings: it closed busy ping connections, answers in flight, every
///   75 s; it is switched off.)
/// - **body**: a request whose body has not all arrived `body` after its head closes its
///   connection: the idle timeout starts again with every body part, so a body trickled a byte at
///   a time would otherwise hold its connection, and a request task, for as long as the sender likes.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let idle: TimeAmount
    private let body: TimeAmount
    private var bodyDeadline: Scheduled<Void>?
    private var idleCheck: Scheduled<Void>?
    private var lastActive = NIODeadline.now()
    /// Requests whose head has arrived and whose answer has not ended.
    private var requestsInProgress = 0
    private var readingRequest = false

    init(idle: TimeAmount, body: TimeAmount) {
        self.idle = idle
        self.body = body
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.lastActive = .now()
        switch self.unwrapInboundIn(data) {
        case .head:
            self.requestsInProgress += 1
            self.readingRequest = true
            self.bodyDeadline?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.bodyDeadline = context.eventLoop.scheduleTask(in: self.body) { bound.value.close(promise: nil) }
        case .end:
            self.readingRequest = false
            self.bodyDeadline?.cancel()
            self.bodyDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) {
            self.requestsInProgress = max(0, self.requestsInProgress - 1)
            self.lastActive = .now()
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard self.idleCheck == nil else { return }
        self.lastActive = .now()
        self.scheduleIdleCheck(context, at: self.lastActive + self.idle)
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.idleCheck = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.idleCheck = nil
            handler.checkIdle(context)
        }
    }

    private func checkIdle(_ context: ChannelHandlerContext) {
        // A whole request being answered is not idle, however long its answer takes.
        if !self.readingRequest && self.requestsInProgress > 0 {
            return self.scheduleIdleCheck(context, at: .now() + self.idle)
        }
        let deadline = self.lastActive + self.idle
        if deadline <= .now() {
            context.close(promise: nil)
        } else {
            self.scheduleIdleCheck(context, at: deadline)
        }
    }

    private func stop() {
        self.bodyDeadline?.cancel()
        self.bodyDeadline = nil
        self.idleCheck?.cancel()
        self.idleCheck = nil
    }
}
