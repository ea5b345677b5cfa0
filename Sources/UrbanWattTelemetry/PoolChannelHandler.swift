import NIOCore

/// The end of one pool connection's channel (after NIOSSL's handler for `mqtts://`): it passes
/// what happens on the socket to `PoolLoop`, naming its connection and attempt, and closes the
/// channel when the session must end. On the pool's event loop, like everything it touches.
final class PoolChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let pool: PoolLoop
    private let index: Int
    private let attempt: Int
    /// The first reason the channel is closing, reported when it has closed.
    private var problem: String?

    init(pool: PoolLoop, index: Int, attempt: Int) {
        self.pool = pool
        self.index = index
        self.attempt = attempt
    }

    func channelActive(context: ChannelHandlerContext) {
        pool.opened(index, attempt: attempt, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let why = pool.received(index, attempt: attempt, unwrapInboundIn(data)) {
            problem = problem ?? why
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        problem = problem ?? PoolLoop.describe(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool.closed(index, attempt: attempt, why: problem ?? "the broker closed the connection")
        context.fireChannelInactive()
    }
}
