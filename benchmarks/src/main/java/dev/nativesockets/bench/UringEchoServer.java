package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import dev.nativesockets.linux.BufferRing;
import dev.nativesockets.linux.Uring;
import dev.nativesockets.linux.UringBuffer;
import dev.nativesockets.linux.UringCompletion;
import dev.nativesockets.linux.UringHandler;
import dev.nativesockets.linux.UringOp;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code echo_loop} on this library's io_uring ring ({@code dev.nativesockets.linux.Uring}), the
 * shape of the C liburing server ({@code native/baseline/uring_echo.c}): multishot accept, one
 * multishot receive per connection into one provided-buffer ring, one {@code io_uring_enter} per
 * turn submitting and reaping. The C server sends from the provided buffer itself; the library
 * hands that buffer back when the handler returns, so here each echo is copied (64 bytes) into
 * the connection's own send buffer first.
 */
final class UringEchoServer extends EchoLoop.Server implements UringHandler {
    private static final long ACCEPT = 0;
    private Socket listener;
    private Uring ring;
    private BufferRing buffers;
    private Socket[] conns = new Socket[1024];
    private UringBuffer[] outs = new UringBuffer[1024];
    private int next = 1;
    private Thread thread;
    private long enters;

    static boolean available() {
        return Uring.isSupported();
    }

    @Override
    int start(InetSocketAddress address) throws Exception {
        listener = Socket.open(Domain.INET, Type.STREAM);
        listener.setOption(NativeOptions.SO_REUSEADDR, true);
        listener.bind(address);
        listener.listen(65535);
        CountDownLatch ready = new CountDownLatch(1);
        Exception[] failed = new Exception[1];
        thread = Thread.ofPlatform().name("ns-uring-echo").start(() -> run(ready, failed));
        ready.await();
        if (failed[0] != null) {
            throw failed[0];
        }
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    long threadId() {
        return thread.threadId();
    }

    /** io_uring_enter calls so far (the server thread's only system call on the hot path). */
    long enters() {
        return enters;
    }

    private void run(CountDownLatch ready, Exception[] failed) {
        Affinity.pin(Affinity.CPU_A);
        try {
            ring = Uring.open(4096); // a ring belongs to the thread that opened it
            buffers = ring.bufferRing(4096, 2048);
            ring.acceptMultishot(listener, ACCEPT);
        } catch (Exception e) {
            failed[0] = e;
            ready.countDown();
            return;
        }
        ready.countDown();
        try {
            for (;;) {
                ring.await(1, null, this);
                enters++;
            }
        } catch (IOException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    @Override
    public void onCompletion(UringCompletion c) {
        try {
            long tag = c.tag();
            if (tag == ACCEPT) {
                if (c.result() >= 0) {
                    Socket s = c.takeAccepted();
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if (next == conns.length) {
                        conns = Arrays.copyOf(conns, next * 2);
                        outs = Arrays.copyOf(outs, next * 2);
                    }
                    conns[next] = s;
                    outs[next] = ring.allocate(2048);
                    ring.recvMultishot(s, buffers, next);
                    next++;
                }
                if (!c.more()) {
                    ring.acceptMultishot(listener, ACCEPT);
                }
                return;
            }
            if (c.op() != UringOp.RECV) {
                return; // a send completed
            }
            int i = (int) tag;
            int n = c.result();
            if (n > 0) {
                UringBuffer out = outs[i];
                if (out.inFlight() > 0 || n > out.size()) {
                    out = ring.allocate(Math.max(n, 2048)); // never with one 64-byte message in flight
                }
                MemorySegment.copy(c.bufferRing().segment(), c.bufferOffset(), out.segment(), 0, n);
                ring.send(conns[i], out, 0, n, tag);
                countEchoed(n);
            } else if (!c.more()) {
                conns[i].close(); // end of stream or reset; the ring holds the number until its operations end
                conns[i] = null;
                outs[i] = null;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
