package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.linux.ZeroCopy;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code MSG_ZEROCOPY} over TCP on loopback: every send is covered by exactly one completion read
 * from the error queue, the peer receives the bytes intact, a buffer's memory cannot be reached
 * while a send from it is in flight, and over loopback the kernel reports that it copied.
 */
class ZeroCopyTest {
    private static final int CHUNK = 64 * 1024;
    private static final int SENDS = 32;

    @Test
    void completionsCoverEverySendAndThePeerGetsTheBytes() throws Exception {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            try (Net.Conn c = Net.tcp(d)) {
                ZeroCopy zc = Privilege.enableZeroCopy(c.client());
                ZeroCopy.Buffer buf = zc.allocate(CHUNK);
                MemorySegment seg = buf.segment();
                for (int i = 0; i < CHUNK; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 253));
                }
                seg = null; // no segment kept across sends: the rule the class documents
                long total = (long) CHUNK * SENDS;
                CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(c.server(), total));
                long sent = 0;
                List<ZeroCopy.Completion> completions = new ArrayList<>();
                while (sent < total) {
                    long off = sent % CHUNK;
                    long n = zc.send(buf, off, CHUNK - off);
                    assertTrue(n > 0);
                    sent += n;
                    assertTrue(buf.inFlight() > 0);
                    assertThrows(IllegalStateException.class, buf::segment, "no access while the kernel may read it");
                    completions.addAll(zc.readCompletions());
                }
                // read the rest by hand (not awaitCompletions, which keeps what it reads): every
                // completion of this object passes through `completions`
                completions.addAll(readUntilNoneIsPending(zc));
                assertEquals(0, zc.pending());
                assertEquals(0, buf.inFlight());
                buf.segment(); // free again
                assertEquals(total, reader.get(30, TimeUnit.SECONDS));
                assertEachSendCompletedOnce(completions, zc.sends());
                // loopback delivers to a local socket: the kernel copies and says so
                assertEquals(zc.sends(), zc.copiedSends(), "loopback reports every send as copied");
            }
        }
    }

    @Test
    void completionsReadByHandNumberEverySend() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer a = zc.allocate(4096);
            ZeroCopy.Buffer b = zc.allocate(4096);
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(c.server(), 4 * 4096));
            for (int i = 0; i < 2; i++) {
                assertEquals(4096, zc.send(a, 0, 4096));
                assertEquals(4096, zc.send(b, 0, 4096));
            }
            assertEquals(2, a.inFlight());
            assertEquals(2, b.inFlight());
            assertEquals(4, zc.pending());
            assertEquals(4 * 4096L, reader.get(30, TimeUnit.SECONDS));
            List<ZeroCopy.Completion> all = new ArrayList<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (zc.pending() > 0 && System.nanoTime() < deadline) {
                all.addAll(zc.readCompletions());
                Thread.sleep(1);
            }
            assertEquals(0, zc.pending());
            assertEquals(4, zc.sends());
            assertEachSendCompletedOnce(all, 4);
            assertEquals(0, a.inFlight());
            assertEquals(0, b.inFlight());
        }
    }

    @Test
    void manySendsBeforeAnyCompletionIsRead() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer b = zc.allocate(1000);
            int sends = 300; // more than the first ring of pending sends holds
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(c.server(), 1000L * sends));
            long sent = 0;
            while (sent < 1000L * sends) {
                long off = sent % 1000;
                sent += zc.send(b, off, 1000 - off);
            }
            assertEquals(zc.sends(), b.inFlight());
            assertEquals(1000L * sends, reader.get(30, TimeUnit.SECONDS));
            List<ZeroCopy.Completion> all = readUntilNoneIsPending(zc);
            assertEquals(0, b.inFlight());
            assertEquals(0, zc.pending());
            assertEachSendCompletedOnce(all, zc.sends());
        }
    }

    @Test
    void awaitCompletionsCountsEverySendOnce() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer b = zc.allocate(1000);
            int sends = 100;
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(c.server(), 1000L * sends));
            long sent = 0;
            while (sent < 1000L * sends) {
                long off = sent % 1000;
                sent += zc.send(b, off, 1000 - off);
            }
            assertEquals(1000L * sends, reader.get(30, TimeUnit.SECONDS));
            assertTrue(zc.awaitCompletions(Duration.ofSeconds(10)), "completions for every send");
            assertEquals(0, zc.pending());
            assertEquals(0, b.inFlight());
            // over loopback every completion says "copied": the object's own count of completed
            // sends must then be exactly its count of sends, a send counted twice or lost shows here
            assertEquals(zc.sends(), zc.copiedSends(), "each send completed exactly once");
            assertTrue(zc.readCompletions().isEmpty(), "no completion left over");
        }
    }

    @Test
    void argumentsAreCheckedFirst() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer b = zc.allocate(100);
            assertThrows(IllegalArgumentException.class, () -> zc.allocate(0));
            assertThrows(IllegalArgumentException.class, () -> zc.send(b, -1, 10));
            assertThrows(IllegalArgumentException.class, () -> zc.send(b, 95, 10));
            assertThrows(IllegalArgumentException.class, () -> zc.send(b, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> zc.send(null, 0, 1));
            assertEquals(0, zc.pending());
            assertFalse(b.inFlight() > 0);
            assertTrue(zc.readCompletions().isEmpty(), "nothing queued before any send");
        }
    }

    @Test
    void aUnixSocketRefusesZeroCopy() throws Exception {
        Privilege.requireLinux("MSG_ZEROCOPY");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> ZeroCopy.enable(p.first()));
            assertTrue(e instanceof ErrnoException, e.toString());
        }
    }

    /**
     * Reads completions by hand until none is pending (at most 10 s): what {@code readCompletions}
     * returns is all there is to count, unlike {@code awaitCompletions}, which keeps what it reads.
     */
    private static List<ZeroCopy.Completion> readUntilNoneIsPending(ZeroCopy zc) throws Exception {
        List<ZeroCopy.Completion> all = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (zc.pending() > 0 && System.nanoTime() < deadline) {
            List<ZeroCopy.Completion> got = zc.readCompletions();
            all.addAll(got);
            if (got.isEmpty()) {
                Thread.sleep(1);
            }
        }
        assertEquals(0, zc.pending(), "completions for every send within 10 s");
        return all;
    }

    /**
     * The accounting the class promises: the completions number sends 0..sends-1, each exactly
     * once: ranges in order, contiguous, none empty, none missing, none twice, none past the end.
     */
    private static void assertEachSendCompletedOnce(List<ZeroCopy.Completion> completions, long sends) {
        assertTrue(sends > 0, "no send was counted");
        long[] times = new long[Math.toIntExact(sends)];
        long next = 0;
        for (ZeroCopy.Completion x : completions) {
            assertTrue(x.first() <= x.last(), () -> "empty or reversed range " + x);
            assertEquals(next, x.first(), () -> "completions in order, without gaps or overlaps: " + completions);
            assertTrue(x.last() < sends, () -> x + " completes a send that was never made (" + sends + " sends)");
            for (long id = x.first(); id <= x.last(); id++) {
                times[(int) id]++;
            }
            next = x.last() + 1;
        }
        for (int id = 0; id < sends; id++) {
            assertEquals(1, times[id], "send " + id + " completed " + times[id] + " times, in " + completions);
        }
        assertEquals(sends, next, "the last completion ends at the last send");
    }

    private static long readAll(Socket s, long total) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(CHUNK);
            long got = 0;
            while (got < total) {
                int n = s.recv(in, 0);
                if (n <= 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    long pos = (got + i) % CHUNK;
                    if (in.get(ValueLayout.JAVA_BYTE, i) != (byte) (pos % 253) && total == (long) CHUNK * SENDS) {
                        throw new AssertionError("byte " + (got + i) + " differs");
                    }
                }
                got += n;
            }
            return got;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
