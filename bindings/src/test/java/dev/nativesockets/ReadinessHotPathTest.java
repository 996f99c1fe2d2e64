package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A readiness loop allocates nothing per event in steady state: the thread's allocated-bytes
 * counter ({@code com.sun.management.ThreadMXBean}) over 100k events (an echo's recv and send in the
 * handler included) stays far below one object per event — as {@link HotPathTest} measures send/recv.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadinessHotPathTest {
    private static final int WARMUP = 30_000;
    private static final int ROUNDS = 100_000;
    /** Far below one allocation per event (an object is >= 16 bytes: 100k events would be >= 1.6 MB). */
    private static final long BOUND = 100 * 1024;

    interface Round {
        void run() throws IOException;
    }

    /** Bytes the thread allocates over {@link #ROUNDS} rounds once the JIT has settled (smallest of up to five windows). */
    private static long allocatedBy(String what, Round round) throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        for (int i = 0; i < WARMUP; i++) {
            round.run();
        }
        long best = Long.MAX_VALUE;
        List<Long> windows = new ArrayList<>();
        for (int attempt = 0; attempt < 5 && best >= BOUND; attempt++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < ROUNDS; i++) {
                round.run();
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            windows.add(bytes);
            best = Math.min(best, bytes);
        }
        System.out.println("ReadinessHotPathTest " + what + ": bytes allocated per " + ROUNDS + " rounds: " + windows);
        return best;
    }

    /** Echoes what it reads back to the sender; counts events. A long-lived object: no capture per wait. */
    static final class Echo implements ReadyHandler {
        final MemorySegment buf;
        int events;

        Echo(MemorySegment buf) {
            this.buf = buf;
        }

        @Override
        public void ready(Registration r, int readyOps) throws IOException {
            events++;
            Socket s = r.socket();
            int n = s.recv(buf);
            if (n == buf.byteSize()) {
                s.send(buf); // whole: a slice would be an allocation of the test's own
            } else if (n > 0) {
                s.send(buf.asSlice(0, n));
            }
        }
    }

    @Test
    void echoThroughTheLoopAllocatesNothingPerEvent() throws IOException {
        try (Readiness loop = Readiness.open(); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                Arena a = Arena.ofConfined()) {
            Socket client = p.first();
            Socket server = p.second();
            server.setBlocking(false);
            loop.register(server, Readiness.READ, "conn");
            MemorySegment out = a.allocate(64);
            MemorySegment in = a.allocate(64);
            Echo echo = new Echo(a.allocate(64));
            long bytes = allocatedBy("one echo per wait", () -> {
                client.send(out);
                if (loop.await(null, echo) != 1 || client.recv(in, MsgFlags.WAITALL) != 64) {
                    throw new AssertionError("no echo");
                }
            });
            assertTrue(bytes < BOUND, "allocated " + bytes + " bytes over " + ROUNDS + " events");
        }
    }

    @Test
    void manyEventsPerWaitAllocateNothing() throws IOException {
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
            long bytes = allocatedBy("8 events per wait", () -> {
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
            assertTrue(bytes < BOUND * 8, "allocated " + bytes + " bytes over " + 8 * ROUNDS + " events");
            for (SocketPair p : pairs) {
                p.close();
            }
            assertEquals(0, loop.size());
        }
    }
}
