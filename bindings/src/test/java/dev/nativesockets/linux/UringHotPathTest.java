package dev.nativesockets.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Submitting and reaping allocate nothing per operation or completion in steady state: a send, a
 * multishot receive into a buffer ring and a nop per turn, counted by the thread's allocated-bytes
 * counter over 50,000 turns after warm-up (best of three measurements, since a JIT recompilation
 * during one may allocate once).
 */
class UringHotPathTest {
    static final class Counter implements UringHandler {
        long completions;
        long bytes;

        @Override
        public void onCompletion(UringCompletion c) {
            completions++;
            if (c.bufferId() >= 0) {
                bytes += c.result();
            }
        }
    }

    @Test
    void aTurnAllocatesNothing() throws Exception {
        UringTestSupport.assumeRing();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        try (Uring ring = Uring.open(64); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            BufferRing buffers = ring.bufferRing(64, 256);
            UringBuffer out = ring.allocate(64);
            Counter counter = new Counter();
            Duration wait = Duration.ofSeconds(5);
            ring.recvMultishot(p.second(), buffers, 1);
            long best = Long.MAX_VALUE;
            long perRound = 50_000;
            for (int round = 0; round < 5; round++) {
                long before = mx.getThreadAllocatedBytes(me);
                long c0 = counter.completions;
                for (int i = 0; i < perRound; i++) {
                    ring.send(p.first(), out, 0, 64, 2);
                    ring.nop(3);
                    long target = counter.completions + 2;
                    while (counter.completions < target) {
                        ring.await(1, wait, counter);
                    }
                }
                // the receive's completions may trail: take them too
                while (counter.bytes < (long) (round + 1) * perRound * 64) {
                    ring.await(1, wait, counter);
                }
                long allocated = mx.getThreadAllocatedBytes(me) - before;
                long completions = counter.completions - c0;
                if (round >= 2) {
                    best = Math.min(best, allocated);
                }
                System.out.println("UringHotPathTest: round " + round + ": " + allocated + " bytes over "
                        + completions + " completions");
            }
            assertEquals(5 * perRound * 64, counter.bytes);
            assertTrue(best == 0, "bytes allocated over " + perRound + " turns in steady state: " + best);
        }
    }
}
