package dev.nativesockets.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * {@code echo_loop} on Netty's native epoll transport ({@code netty-transport-native-epoll}, JNI),
 * one event loop for the listener and every connection, the handler of Netty's own echo example:
 * write in {@code channelRead}, flush in {@code channelReadComplete}; Netty's default allocator.
 * {@link NettyUringEchoServer} is the same server on the io_uring transport.
 */
class NettyEchoServer extends EchoLoop.Server {
    private final Runnable ensureAvailability;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerChannel> channel;
    private long threadId;

    NettyEchoServer() {
        this(Epoll::ensureAvailability, EpollIoHandler::newFactory, EpollServerSocketChannel.class);
    }

    /** The same server on another of Netty's transports (its parts made in {@link #start}, after the availability check). */
    NettyEchoServer(Runnable ensureAvailability, Supplier<IoHandlerFactory> handlers, Class<? extends ServerChannel> channel) {
        this.ensureAvailability = ensureAvailability;
        this.handlers = handlers;
        this.channel = channel;
    }

    @ChannelHandler.Sharable
    private final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            countEchoed(((ByteBuf) msg).readableBytes());
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset: that connection only
        }
    }

    @Override
    final int start(InetSocketAddress address) throws Exception {
        ensureAvailability.run();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlers.get());
        threadId = group.submit(() -> {
            Affinity.pin(Affinity.CPU_A);
            return Thread.currentThread().threadId();
        }).get();
        Echo echo = new Echo();
        Channel ch = new ServerBootstrap()
                .group(group) // the same one thread accepts and serves
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 65535)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind(address).sync().channel();
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    @Override
    final long threadId() {
        return threadId;
    }
}
