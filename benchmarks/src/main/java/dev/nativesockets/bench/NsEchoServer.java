package dev.nativesockets.bench;

import dev.nativesockets.Readiness;
import dev.nativesockets.Registration;
import dev.nativesockets.Socket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code echo_loop} on this library's {@link Readiness} loop: level-triggered read interest on
 * every connection, one {@code recv} into one native buffer and one {@code send} of what came,
 * the handler a long-lived object (no capturing lambda per wait).
 */
final class NsEchoServer extends ReadinessServer {
    /**
     * {@code buf}'s first n bytes, made once per length. {@code Socket.send} takes a whole segment,
     * and a fresh {@code asSlice} per echo is only free where C2 inlines the whole send into the
     * handler and scalar-replaces the slice; with up to 1,024 events per wait it does not always
     * (40 B per echo measured at N = 1,000 in --quick runs).
     */
    private final MemorySegment[] prefixes = new MemorySegment[64 * 1024 + 1];

    private NsEchoServer() {
        super("ns-echo");
    }

    static boolean available() {
        return true;
    }

    static EchoLoop.Server create() {
        return new NsEchoServer();
    }

    @Override
    void connected(Socket c) throws IOException {
        keep(c);
    }

    @Override
    void received(Socket s, int n) throws IOException {
        if (n == 0) {
            s.close(); // takes it out of the loop before the number is released
            return;
        }
        MemorySegment out = prefixes[n];
        if (out == null) {
            out = prefixes[n] = buf.asSlice(0, n);
        }
        int sent = s.send(out);
        if (sent != n) {
            sendRest(s, out, Math.max(sent, 0)); // never with one 64-byte message in flight
        }
        countEchoed(n);
    }

    @Override
    void failed(Socket s) {
        s.close(); // a reset: that connection only
    }

    private static void sendRest(Socket s, MemorySegment out, int from) throws IOException {
        s.setBlocking(true);
        s.sendAll(out.asSlice(from));
        s.setBlocking(false);
    }

    /** {@link IdleCost}'s subject: accepted sockets registered with one {@link Readiness}. */
    static IdleCost.Subject idleSubject() throws IOException {
        return new IdleCost.Subject() {
            private final Readiness set = Readiness.open();
            private final List<Socket> accepted = new ArrayList<>();
            private final List<Registration> regs = new ArrayList<>(IdleCost.N + IdleCost.WARM); // sized up front
            private Socket l;

            @Override
            public int listen() throws IOException {
                l = Socket.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 65535);
                return ((InetSocketAddress) l.localAddress()).getPort();
            }

            @Override
            public void acceptOne() throws IOException {
                accepted.add(l.accept(true));
            }

            @Override
            public void register(int from, int to) throws IOException {
                for (int i = from; i < to; i++) {
                    regs.add(set.register(accepted.get(i), Readiness.READ, null));
                }
                set.poll((r, ops) -> { });
            }

            @Override
            public void cancel(int from, int to) {
                for (int i = from; i < to; i++) {
                    regs.get(i).cancel();
                }
            }

            @Override
            public void close() {
                for (Socket s : accepted) {
                    s.close();
                }
                if (l != null) {
                    l.close();
                }
                set.close();
            }
        };
    }
}
