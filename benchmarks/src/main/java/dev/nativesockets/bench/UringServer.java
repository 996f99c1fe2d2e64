package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import dev.nativesockets.linux.BufferRing;
import dev.nativesockets.linux.Uring;
import dev.nativesockets.linux.UringCompletion;
import dev.nativesockets.linux.UringHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * A server on this library's io_uring ring ({@link Uring}), the frame the C liburing servers share
 * in {@code native/baseline/uring_common.h}: the listener bound by {@link #start}, then one platform
 * thread, pinned to {@link Affinity#CPU_A}, that opens a ring of 4,096 submission entries (a ring
 * belongs to the thread that opened it) with one provided-buffer ring, arms a multishot accept and
 * takes {@link #turn}s until an error ends the process. {@link #start} returns once the ring is
 * armed, or throws what opening it threw. Each connection's multishot receive is the subclass's.
 */
abstract class UringServer extends EchoLoop.Server implements UringHandler {
    /** The multishot accept's tag; the subclasses tag their connections' operations 0 and up. */
    static final long ACCEPT = -1;
    private final String name;
    private final int bufferCount;
    private final int bufferSize;
    private Socket listener;
    private Thread thread;
    Uring ring;
    BufferRing buffers;

    /** {@code name}: the server thread's; the provided-buffer ring: {@code bufferCount} buffers of {@code bufferSize} bytes. */
    UringServer(String name, int bufferCount, int bufferSize) {
        this.name = name;
        this.bufferCount = bufferCount;
        this.bufferSize = bufferSize;
    }

    static boolean available() {
        return Uring.isSupported();
    }

    @Override
    final int start(InetSocketAddress address) throws Exception {
        listener = listen(address);
        CountDownLatch ready = new CountDownLatch(1);
        Exception[] failed = new Exception[1];
        thread = Thread.ofPlatform().name(name).start(() -> run(ready, failed));
        ready.await();
        if (failed[0] != null) {
            throw failed[0];
        }
        return port(listener);
    }

    @Override
    final long threadId() {
        return thread.threadId();
    }

    /** On the server thread, once the ring and its buffers are open and before the first accept: what else the server needs. */
    void opened() throws IOException {}

    /** One turn of the server thread: one {@link Uring#await} (one {@code io_uring_enter}) and what follows it. */
    abstract void turn() throws IOException;

    /** A connection the multishot accept took. */
    abstract void connected(Socket s) throws IOException;

    /** An {@link #ACCEPT} completion: its connection to {@link #connected}, the accept armed again once the kernel ended it. */
    final void onAccept(UringCompletion c) throws IOException {
        if (c.result() >= 0) {
            connected(c.takeAccepted());
        }
        if (!c.more()) {
            ring.acceptMultishot(listener, ACCEPT);
        }
    }

    private void run(CountDownLatch ready, Exception[] failed) {
        Affinity.pin(Affinity.CPU_A);
        try {
            ring = Uring.open(4096); // as the C servers: 4,096 submission entries, four times as many completions
            buffers = ring.bufferRing(bufferCount, bufferSize);
            opened();
            ring.acceptMultishot(listener, ACCEPT);
        } catch (Exception e) {
            failed[0] = e;
            ready.countDown();
            return;
        }
        ready.countDown();
        try {
            for (;;) {
                turn();
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
