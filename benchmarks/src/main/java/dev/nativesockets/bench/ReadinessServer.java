package dev.nativesockets.bench;

import dev.nativesockets.Readiness;
import dev.nativesockets.ReadyHandler;
import dev.nativesockets.Registration;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * A server on this library's {@link Readiness} (epoll) loop, the frame nsbench's C epoll servers
 * share: a nonblocking listener with read interest, level-triggered read interest on every
 * connection it keeps (TCP_NODELAY), and per ready connection one {@code recv} into one native
 * buffer, handed to {@link #received}. One platform thread, pinned to {@link Affinity#CPU_A},
 * takes {@link #turn}s; the handler is this long-lived object (no capturing lambda per wait).
 */
abstract class ReadinessServer extends EchoLoop.Server implements ReadyHandler {
    final MemorySegment buf = Arena.global().allocate(64 * 1024);
    private final String name;
    private Socket listener;
    private Thread thread;
    Readiness loop;

    /** {@code name}: the server thread's. */
    ReadinessServer(String name) {
        this.name = name;
    }

    @Override
    final int start(InetSocketAddress address) throws IOException {
        listener = listen(address);
        listener.setBlocking(false);
        loop = Readiness.open();
        loop.register(listener, Readiness.READ, null);
        thread = startLoop(name, this::turn);
        return port(listener);
    }

    @Override
    final long threadId() {
        return thread.threadId();
    }

    /** One turn of the server thread: one wait, serving what it found ready. */
    void turn() throws IOException {
        loop.await(null, this);
    }

    /** A connection the listener took (nonblocking): {@link #keep} it, or close it. */
    abstract void connected(Socket c) throws IOException;

    /** Read interest in {@code c}, level-triggered, with TCP_NODELAY. */
    final void keep(Socket c) throws IOException {
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        loop.register(c, Readiness.READ, null);
    }

    /** {@code n} bytes from {@code s} in {@link #buf}'s first {@code n}, or the end of its stream ({@code n == 0}). */
    abstract void received(Socket s, int n) throws IOException;

    /** A connection's {@code recv}, or what {@link #received} did with it, failed (a reset). */
    abstract void failed(Socket s);

    @Override
    public final void ready(Registration r, int ops) {
        Socket s = r.socket();
        if (s == listener) {
            acceptAll();
            return;
        }
        try {
            int n = s.recv(buf);
            if (n != Socket.WOULD_BLOCK) {
                received(s, n);
            }
        } catch (IOException e) {
            failed(s);
        }
    }

    private void acceptAll() {
        try {
            for (Socket c; (c = listener.accept(true)) != null; ) {
                connected(c);
            }
        } catch (IOException e) {
            System.err.println(name + ": accept: " + e);
        }
    }
}
