package dev.nativesockets.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * {@code echo_loop} on the JDK's NIO {@link Selector} (epoll underneath on Linux), written as a
 * careful NIO user would: {@link Selector#select(java.util.function.Consumer)} (no selected-key set
 * to clear, no iterator), one direct buffer for every connection.
 */
final class NioEchoServer extends EchoLoop.Server {
    private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    private Selector selector;
    private ServerSocketChannel listener;
    private Thread thread;

    @Override
    int start(InetSocketAddress address) throws IOException {
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(address, 65535);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = startLoop("nio-echo", () -> selector.select(this::ready));
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    @Override
    long threadId() {
        return thread.threadId();
    }

    private void ready(SelectionKey key) {
        if (key.isAcceptable()) {
            acceptAll();
            return;
        }
        SocketChannel ch = (SocketChannel) key.channel();
        try {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                key.cancel();
                ch.close();
                return;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf); // one 64-byte message in flight: fits at once
            }
            countEchoed(n);
        } catch (IOException e) {
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a reset connection: nothing left to do
            }
        }
    }

    private void acceptAll() {
        try {
            for (SocketChannel ch; (ch = listener.accept()) != null; ) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            System.err.println("nio-echo: accept: " + e);
        }
    }
}
