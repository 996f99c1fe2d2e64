package dev.nativesockets;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The measurement of {@link ReadinessHotPathTest}, run in a JVM of its own: {@code echo1} (one echo
 * per wait) or {@code echo8} (eight connections ready per wait). Prints
 * {@code bytes=<smallest window> windows=[...]} and exits 0; exits 2 if the JVM cannot count.
 */
public final class ReadinessHotPathChild {
    static final int ROUNDS = AllocationWindows.ROUNDS;
    /** Far below one allocation per event (an object is >= 16 bytes: 100k events would be >= 1.6 MB). */
    static final long BOUND = 100 * 1024;

    /** Echoes what it reads back to the sender; a long-lived object: no capture per wait. */
    static final class Echo implements ReadyHandler {
        final MemorySegment buf;

        Echo(MemorySegment buf) {
            this.buf = buf;
        }

        @Override
        public void ready(Registration r, int readyOps) throws IOException {
            Socket s = r.socket();
            int n = s.recv(buf);
            if (n == buf.byteSize()) {
                s.send(buf); // whole: a slice would be an allocation of the test's own
            } else if (n > 0) {
                s.send(buf.asSlice(0, n));
            }
        }
    }

    public static void main(String[] args) throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) {
            System.out.println("this JVM does not count allocated bytes per thread");
            System.exit(2);
        }
        switch (args[0]) {
            case "echo1" -> echo1(mx);
            case "echo8" -> echo8(mx);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Bytes allocated over {@link #ROUNDS} rounds after a warm-up: the smallest of up to five windows. */
    private static void measure(com.sun.management.ThreadMXBean mx, long bound, AllocationWindows.Round round) throws IOException {
        AllocationWindows w = AllocationWindows.measure(mx, bound, round);
        System.out.println("bytes=" + w.best() + " windows=" + w.windows());
    }

    private static void echo1(com.sun.management.ThreadMXBean mx) throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                Arena a = Arena.ofConfined()) {
            Socket client = p.first();
            Socket server = p.second();
            server.setBlocking(false);
            loop.register(server, Readiness.READ, "conn");
            MemorySegment out = a.allocate(64);
            MemorySegment in = a.allocate(64);
            Echo echo = new Echo(a.allocate(64));
            measure(mx, BOUND, () -> {
                client.send(out);
                if (loop.await(null, echo) != 1 || client.recv(in, MsgFlags.WAITALL) != 64) {
                    throw new AssertionError("no echo");
                }
            });
        }
    }

    private static void echo8(com.sun.management.ThreadMXBean mx) throws IOException {
        int connections = 64;
        try (Readiness loop = Readiness.open(); Arena a = Arena.ofConfined()) {
            List<SocketPair> pairs = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                p.second().setBlocking(false);
                loop.register(p.second(), Readiness.READ | Readiness.EDGE_TRIGGERED, p);
                pairs.add(p);
            }
            MemorySegment out = a.allocate(64);
            MemorySegment in = a.allocate(64);
            Echo echo = new Echo(a.allocate(64));
            SocketPair[] ring = pairs.toArray(new SocketPair[0]);
            int[] next = {0};
            Duration tenSeconds = Duration.ofSeconds(10);
            // 8 connections readable per wait: 8 events handed over per epoll_wait
            measure(mx, BOUND * 8, () -> {
                for (int k = 0; k < 8; k++) {
                    ring[(next[0] + k) % connections].first().send(out);
                }
                int got = 0;
                while (got < 8) {
                    got += loop.await(tenSeconds, echo);
                }
                for (int k = 0; k < 8; k++) {
                    ring[(next[0] + k) % connections].first().recv(in, MsgFlags.WAITALL);
                }
                next[0] = (next[0] + 8) % connections;
            });
            for (SocketPair p : pairs) {
                p.close();
            }
            if (loop.size() != 0) {
                throw new AssertionError("closing the sockets left registrations: " + loop.size());
            }
        }
    }
}
