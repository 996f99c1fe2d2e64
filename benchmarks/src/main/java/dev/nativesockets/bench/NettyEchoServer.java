package dev.nativesockets.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * {@code echo_loop} on Netty's native epoll transport ({@code netty-transport-native-epoll}, JNI),
 * one event loop for the listener and every connection, the handler of Netty's own echo example:
 * write in {@code channelRead}, flush in {@code channelReadComplete}; Netty's default allocator.
 */
final class NettyEchoServer extends EchoLoop.Server {
    private long threadId;

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
    int start(InetSocketAddress address) throws Exception {
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        threadId = group.submit(() -> {
            Affinity.pin(Affinity.CPU_A);
            return Thread.currentThread().threadId();
        }).get();
        Echo echo = new Echo();
        Channel ch = new ServerBootstrap()
                .group(group) // the same one thread accepts and serves
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 65535)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind(address).sync().channel();
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    @Override
    long threadId() {
        return threadId;
    }
}
