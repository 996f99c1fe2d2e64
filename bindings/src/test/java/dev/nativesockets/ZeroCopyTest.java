package dev.nativesockets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static ZeroCopy enable(Socket s) throws IOException {
        Privilege.requireLinux("MSG_ZEROCOPY");
        try {
            return ZeroCopy.enable(s);
        } catch (IOException e) {
            Privilege.require(false, "this kernel refuses SO_ZEROCOPY (Linux 4.14+): " + e.getMessage());
            throw e;
        }
    }

    @Test
    void completionsCoverEverySendAndThePeerGetsTheBytes() throws Exception {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            try (Net.Conn c = Net.tcp(d)) {
                ZeroCopy zc = enable(c.client());
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
                assertTrue(zc.awaitCompletions(Duration.ofSeconds(10)), "completions for every send");
                assertEquals(0, zc.pending());
                assertEquals(0, buf.inFlight());
                buf.segment(); // free again
                assertEquals(total, reader.get(30, TimeUnit.SECONDS));
                // the completions read inside awaitCompletions are counted by the object; the ones read
                // in the loop are here: together they number each send exactly once, in order
                long covered = 0;
                long expectFirst = 0;
                for (ZeroCopy.Completion x : completions) {
                    assertEquals(expectFirst, x.first(), "completions come in order, without gaps");
                    covered += x.count();
                    expectFirst = x.last() + 1;
                }
                assertTrue(covered <= zc.sends());
                // loopback delivers to a local socket: the kernel copies and says so
                assertEquals(zc.sends(), zc.copiedSends(), "loopback reports every send as copied");
            }
        }
    }

    @Test
    void completionsReadByHandNumberEverySend() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = enable(c.client());
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
            long next = 0;
            for (ZeroCopy.Completion x : all) {
                assertEquals(next, x.first());
                next = x.last() + 1;
            }
            assertEquals(4, next, "sends 0..3 completed");
            assertEquals(0, a.inFlight());
            assertEquals(0, b.inFlight());
        }
    }

    @Test
    void manySendsBeforeAnyCompletionIsRead() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = enable(c.client());
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
            assertTrue(zc.awaitCompletions(Duration.ofSeconds(10)));
            assertEquals(0, b.inFlight());
            assertEquals(0, zc.pending());
        }
    }

    @Test
    void argumentsAreCheckedFirst() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = enable(c.client());
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
