package dev.nativesockets.bench;

import dev.nativesockets.Readiness;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code fan_out} on this library's {@link Readiness} (epoll) loop, the shape of nsbench's C
 * {@code fan_server}: level-triggered read interest on every connection for the go bytes, and per
 * go one {@code send(2)} of the same 64-byte native segment to each of the N connections.
 */
final class NsFanOutServer extends ReadinessServer {
    private final MemorySegment message = Arena.global().allocate(FanOut.MESSAGE).fill(FanOut.BYTE);
    private final int conns;
    private final Socket[] accepted;
    private int count;
    private long pending;

    NsFanOutServer(int conns) {
        super("ns-fan-out");
        this.conns = conns;
        this.accepted = new Socket[conns];
    }

    @Override
    void turn() throws IOException {
        super.turn();
        if (pending > 0 && count == conns) {
            pending--;
            for (int i = 0; i < conns; i++) {
                // one message per connection per round, read before the next go: it always fits
                if (accepted[i].send(message) != FanOut.MESSAGE) {
                    throw new IOException("fan-out: short send to connection " + i);
                }
            }
            countEchoed(conns * FanOut.MESSAGE);
        }
    }

    @Override
    void connected(Socket c) throws IOException {
        if (count == conns) {
            c.close(); // one generator at a time
            return;
        }
        keep(c);
        accepted[count++] = c;
    }

    @Override
    void received(Socket s, int n) {
        if (n == 0) {
            System.exit(0); // the generator went away: this server served its one
        }
        pending += n;
    }

    @Override
    void failed(Socket s) {
        System.exit(0); // a reset: the same
    }
}
