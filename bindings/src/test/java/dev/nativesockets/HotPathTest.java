package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * send/recv on a native MemorySegment allocate nothing per call: the thread's allocated-bytes
 * counter ({@code com.sun.management.ThreadMXBean}) barely moves over 100k round trips.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HotPathTest {
    private static final int ROUNDS = AllocationWindows.ROUNDS;
    /** Far below one allocation per call (an object is >= 16 bytes: 100k calls would be >= 1.6 MB). */
    private static final long BOUND = 100 * 1024;

    /** Bytes allocated by this thread over {@link #ROUNDS} rounds: the smallest {@link AllocationWindows} window. */
    private static long allocatedBy(String what, AllocationWindows.Round round) throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        AllocationWindows w = AllocationWindows.measure(mx, BOUND, round);
        System.out.println("HotPathTest " + what + ": bytes allocated per " + ROUNDS + " rounds: " + w.windows());
        return w.best();
    }

    @Test
    void blockingSendAndRecvOnSegmentsAllocateNothing() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena a = Arena.ofConfined()) {
            Socket tx = p.first();
            Socket rx = p.second();
            MemorySegment out = a.allocate(64);
            MemorySegment in = a.allocate(64);
            long bytes = allocatedBy("blocking stream", () -> {
                if (tx.send(out) != 64 || rx.recv(in, MsgFlags.WAITALL) != 64) {
                    throw new AssertionError("short transfer");
                }
            });
            assertTrue(bytes < BOUND, "allocated " + bytes + " bytes over " + ROUNDS + " send+recv pairs");
        }
    }

    @Test
    void confinedSendAndRecvOnSegmentsAllocateNothing() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena a = Arena.ofConfined()) {
            Socket tx = p.first().confine();
            Socket rx = p.second().confine();
            assertTrue(tx.isConfined() && rx.isConfined());
            MemorySegment out = a.allocate(64);
            MemorySegment in = a.allocate(64);
            long bytes = allocatedBy("confined stream", () -> {
                if (tx.send(out) != 64 || rx.recv(in, MsgFlags.WAITALL) != 64) {
                    throw new AssertionError("short transfer");
                }
            });
            assertTrue(bytes < BOUND, "allocated " + bytes + " bytes over " + ROUNDS + " send+recv pairs");
        }
    }

    @Test
    void nonBlockingSendAndRecvOnSegmentsAllocateNothing() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            c.client().setBlocking(false);
            c.server().setBlocking(false);
            MemorySegment out = a.allocate(32);
            MemorySegment in = a.allocate(32);
            long bytes = allocatedBy("non-blocking tcp", () -> {
                if (c.client().send(out) != 32) {
                    throw new AssertionError("short send");
                }
                int got = 0;
                while (got < 32) {
                    int n = c.server().recv(in, 0);
                    if (n > 0) {
                        got += n;
                    }
                }
                // and a would-block result costs nothing either
                if (c.server().recv(in, 0) != Socket.WOULD_BLOCK) {
                    throw new AssertionError("expected nothing queued");
                }
            });
            assertTrue(bytes < BOUND, "allocated " + bytes + " bytes over " + ROUNDS + " rounds");
            assertEquals(Socket.WOULD_BLOCK, c.server().recv(in, 0));
        }
    }

    @Test
    void datagramSendAndRecvOnSegmentsAllocateNothing() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM); Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(100);
            MemorySegment in = a.allocate(100);
            long bytes = allocatedBy("datagram", () -> {
                p.first().send(out, 0);
                if (p.second().recv(in, MsgFlags.TRUNC) != 100) {
                    throw new AssertionError("short datagram");
                }
            });
            assertTrue(bytes < BOUND, "allocated " + bytes + " bytes over " + ROUNDS + " rounds");
        }
    }
}
