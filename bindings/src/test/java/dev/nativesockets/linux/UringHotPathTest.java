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
 * during one may allocate once); and turns of 1,100 sends with early submits of a full queue.
 */
class UringHotPathTest {
    static final class Counter implements UringHandler {
        long completions;
        long sends;
        long bytes;

        @Override
        public void onCompletion(UringCompletion c) {
            completions++;
            if (c.op() == UringOp.SEND) {
                sends++;
            }
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

    /**
     * Big batches, as a fan-out server queues them: 1,100 sends per turn into a ring of 512
     * submission entries, so each turn has two early submits (full queue) and one {@code await}
     * that submits the rest and waits — 0 bytes per turn once warm. A turn is rare next to the
     * calls in it: {@code Ring.enter} runs about 3 times per 1,100 sends, and until C2 compiles it
     * (after some 5,000 calls) its C1 code allocates FFM's 40-byte capture-state slice per
     * {@code io_uring_enter} (BENCHMARKS.md, fan_out). So: 2,500 turns of warm-up, then windows of
     * 200 turns until one allocates nothing (at most 40: C2 compiles later on a loaded host).
     */
    @Test
    void bigBatchesAndEarlySubmitsAllocateNothing() throws Exception {
        UringTestSupport.assumeRing();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        int batch = 1_100;
        try (Uring ring = Uring.open(512); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertTrue(ring.submissionEntries() < batch / 2, "the batch must fill the submission queue twice");
            BufferRing buffers = ring.bufferRing(256, 4096);
            UringBuffer out = ring.allocate(64);
            Counter counter = new Counter();
            Duration wait = Duration.ofSeconds(5);
            ring.recvMultishot(p.second(), buffers, 1);
            long sent = 0;
            long best = Long.MAX_VALUE;
            int warmUp = 2_500, window = 200, windows = 0;
            long before = 0;
            for (int turn = 0; best != 0 && windows < 40; turn++) {
                boolean measuring = turn >= warmUp;
                if (measuring && (turn - warmUp) % window == 0) {
                    before = mx.getThreadAllocatedBytes(me);
                }
                for (int i = 0; i < batch; i++) {
                    ring.send(p.first(), out, 0, 64, 2);
                }
                sent += (long) batch * 64;
                long sends = counter.sends + batch;
                ring.await(batch - 2 * ring.submissionEntries(), wait, counter);
                while (counter.sends < sends || counter.bytes < sent) {
                    ring.await(1, wait, counter);
                }
                if (measuring && (turn - warmUp) % window == window - 1) {
                    long allocated = mx.getThreadAllocatedBytes(me) - before;
                    best = Math.min(best, allocated);
                    windows++;
                    System.out.println("UringHotPathTest: " + window + " turns of " + batch + " sends: "
                            + allocated + " bytes");
                }
            }
            assertEquals(sent, counter.bytes);
            assertTrue(best == 0, "bytes allocated over " + window + " turns of " + batch
                    + " sends in steady state (best of " + windows + "): " + best);
        }
    }
}
