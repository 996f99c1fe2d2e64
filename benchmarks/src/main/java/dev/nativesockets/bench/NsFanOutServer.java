package dev.nativesockets.bench;

import dev.nativesockets.Domain;
import dev.nativesockets.NativeOptions;
import dev.nativesockets.Readiness;
import dev.nativesockets.ReadyHandler;
import dev.nativesockets.Registration;
import dev.nativesockets.Socket;
import dev.nativesockets.Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;

/**
 * {@code fan_out} on this library's {@link Readiness} (epoll) loop, the shape of nsbench's C
 * {@code fan_server}: level-triggered read interest on every connection for the go bytes, and per
 * go one {@code send(2)} of the same 64-byte native segment to each of the N connections.
 */
final class NsFanOutServer extends EchoLoop.Server implements ReadyHandler {
    private final MemorySegment buf = Arena.global().allocate(64 * 1024);
    private final MemorySegment message = Arena.global().allocate(FanOut.MESSAGE).fill(FanOut.BYTE);
    private final int conns;
    private final Socket[] accepted;
    private int count;
    private long pending;
    private Readiness loop;
    private Socket listener;
    private Thread thread;

    NsFanOutServer(int conns) {
        this.conns = conns;
        this.accepted = new Socket[conns];
    }

    @Override
    int start(InetSocketAddress address) throws IOException {
        listener = Socket.open(Domain.INET, Type.STREAM);
        listener.setOption(NativeOptions.SO_REUSEADDR, true);
        listener.bind(address);
        listener.listen(65535);
        listener.setBlocking(false);
        loop = Readiness.open();
        loop.register(listener, Readiness.READ, null);
        thread = Thread.ofPlatform().name("ns-fan-out").start(this::run);
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    long threadId() {
        return thread.threadId();
    }

    private void run() {
        Affinity.pin(Affinity.CPU_A);
        try {
            for (;;) {
                loop.await(null, this);
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
        } catch (IOException e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    @Override
    public void ready(Registration r, int ops) {
        Socket s = r.socket();
        if (s == listener) {
            acceptAll();
            return;
        }
        try {
            int n = s.recv(buf);
            if (n == Socket.WOULD_BLOCK) {
                return;
            }
            if (n == 0) {
                System.exit(0); // the generator went away: this server served its one
            }
            pending += n;
        } catch (IOException e) {
            System.exit(0); // a reset: the same
        }
    }

    private void acceptAll() {
        try {
            for (Socket c; (c = listener.accept(true)) != null; ) {
                if (count == conns) {
                    c.close(); // one generator at a time
                    continue;
                }
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                loop.register(c, Readiness.READ, null);
                accepted[count++] = c;
            }
        } catch (IOException e) {
            System.err.println("ns-fan-out: accept: " + e);
        }
    }
}
