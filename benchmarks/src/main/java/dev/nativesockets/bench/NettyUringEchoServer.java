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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * {@code echo_loop} on Netty's io_uring transport ({@code netty-transport-native-io_uring}, JNI),
 * one event loop for the listener and every connection, the same handler as {@link NettyEchoServer}.
 */
final class NettyUringEchoServer extends EchoLoop.Server {
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
            ctx.close();
        }
    }

    static boolean available() {
        try {
            return IoUring.isAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    int start(InetSocketAddress address) throws Exception {
        IoUring.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        threadId = group.submit(() -> {
            Affinity.pin(Affinity.CPU_A);
            return Thread.currentThread().threadId();
        }).get();
        Echo echo = new Echo();
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(IoUringServerSocketChannel.class)
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
