package dev.nativesockets.bench;

import dev.nativesockets.Socket;
import dev.nativesockets.linux.UringBuffer;
import dev.nativesockets.linux.UringCompletion;
import dev.nativesockets.linux.UringOp;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.StandardSocketOptions;
import java.util.Arrays;

/**
 * {@code echo_loop} on this library's io_uring ring ({@code dev.nativesockets.linux.Uring}), the
 * shape of the C liburing server ({@code native/baseline/uring_echo.c}): multishot accept, one
 * multishot receive per connection into one provided-buffer ring, one {@code io_uring_enter} per
 * turn submitting and reaping. The C server sends from the provided buffer itself; the library
 * hands that buffer back when the handler returns, so here each echo is copied (64 bytes) into
 * the connection's own send buffer first.
 */
final class UringEchoServer extends UringServer {
    private Socket[] conns = new Socket[1024];
    private UringBuffer[] outs = new UringBuffer[1024];
    private int next;
    private long enters;

    UringEchoServer() {
        super("ns-uring-echo", 4096, 2048);
    }

    /** io_uring_enter calls so far (the server thread's only system call on the hot path). */
    long enters() {
        return enters;
    }

    @Override
    void turn() throws IOException {
        ring.await(1, null, this);
        enters++;
    }

    @Override
    void connected(Socket s) throws IOException {
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

    @Override
    public void onCompletion(UringCompletion c) {
        try {
            long tag = c.tag();
            if (tag == ACCEPT) {
                onAccept(c);
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
