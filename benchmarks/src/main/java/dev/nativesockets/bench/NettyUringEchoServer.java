package dev.nativesockets.bench;

import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * {@code echo_loop} on Netty's io_uring transport ({@code netty-transport-native-io_uring}, JNI):
 * {@link NettyEchoServer} — one event loop for the listener and every connection, the same
 * handler — on {@code IoUringIoHandler}.
 */
final class NettyUringEchoServer extends NettyEchoServer {
    NettyUringEchoServer() {
        super(IoUring::ensureAvailability, IoUringIoHandler::newFactory, IoUringServerSocketChannel.class);
    }

    static boolean available() {
        try {
            return IoUring.isAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
