import HTTPTypes
import Hummingbird
import NIOHTTPTypes
import NIOCore

/// Closes a connection whose request has not arrived whole `limit` after its head. The idle
/// timeout starts again with every body part, so a body trickled a byte at a time would otherwise
/// hold its connection, and a request task, for as long as the sender likes.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            self.deadline?.cancel()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.deadline = context.eventLoop.scheduleTask(in: self.limit) {
                bound.value.close(promise: nil)
            }
        case .end:
            self.deadline?.cancel()
            self.deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }
}
