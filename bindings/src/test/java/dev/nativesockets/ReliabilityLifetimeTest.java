package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nativesockets.linux.ZeroCopy;
import dev.nativesockets.libc.Constants;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 25: owners that outlive a call (readiness sets, registrations, zero-copy sends) release what
 * they hold when closed or dropped, keep nothing else reachable, never hand a closed socket over,
 * and never let the kernel read memory that went back to the allocator. Each test failed on the
 * code before the fix; descriptors are counted by kind and only what the test made.
 */
@Tag("reliability")
class ReliabilityLifetimeTest {
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 1000);

    // ---- zero-copy: memory the kernel may still read is never freed before its completion ----------

    private enum Drop { ZEROCOPY_AND_BUFFER, CLOSE_SOCKET, SOCKET_UNCLOSED }

    @Test
    void zeroCopyMemoryOutlivesWhateverTheCallerDrops() throws Exception {
        Privilege.requireLinux("MSG_ZEROCOPY");
        for (Drop drop : Drop.values()) {
            for (int round = 0; round < 3; round++) {
                zeroCopyRound(drop, (byte) ('A' + round));
            }
        }
    }

    private void zeroCopyRound(Drop drop, byte fill) throws Exception {
        Socket listener = Socket.listen(Net.loopback(Domain.INET), 1);
        Socket client = Socket.open(Domain.INET, Type.STREAM);
        client.connect(listener.localAddress());
        Socket server = listener.accept();
        listener.close();
        try {
            server.setIntOption(Constants.SOL_SOCKET, Constants.SO_RCVBUF, 64 * 1024);
            ZeroCopy zc = Privilege.enableZeroCopy(client);
            client.setBlocking(false);
            ZeroCopy.Buffer buf = zc.allocate(64 * 1024); // below malloc's mmap threshold: freed memory is reused
            buf.segment().fill(fill);
            long total = 0;
            for (long n; (n = zc.send(buf, 0, buf.size())) != Socket.WOULD_BLOCK; ) {
                total += n; // until the peer's window and our send buffer are full: the rest waits on the pages
            }
            assertTrue(zc.pending() > 0, "sends in flight");
            String clientIdentity = identity(client.fd());
            int clientFd = client.fd();
            if (drop != Drop.ZEROCOPY_AND_BUFFER) {
                client.close();
            }
            zc = null;
            buf = null;
            if (drop == Drop.SOCKET_UNCLOSED) {
                client = null;
            }
            // collect what was dropped, then let later allocations take freed memory and scribble on it
            List<MemorySegment> scribbles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                System.gc();
                LockSupport.parkNanos(20_000_000);
                for (int j = 0; j < 64; j++) {
                    scribbles.add(Arena.ofAuto().allocate(64 * 1024, 64).fill((byte) 0xEE));
                }
            }
            byte[] got = new byte[64 * 1024];
            long read = 0;
            long foreign = 0;
            while (read < total) {
                int n = server.recv(got, 0, (int) Math.min(got.length, total - read), 0);
                assertTrue(n > 0, "stream ended after " + read + " of " + total + " bytes");
                for (int i = 0; i < n; i++) {
                    if (got[i] != fill) {
                        foreign++;
                    }
                }
                read += n;
            }
            assertEquals(0, foreign, drop + ": the peer received " + foreign + " of " + total
                    + " bytes that were not the buffer's (its memory was reused while the kernel sent from it)");
            if (drop != Drop.ZEROCOPY_AND_BUFFER) {
                // the completions have come: the hold is released and with it the descriptor
                awaitTrue(() -> !clientIdentity.equals(identity(clientFd)), 10_000,
                        drop + ": the closed socket's descriptor is released once its completions came");
                server.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(10));
                assertEquals(0, server.recv(got, 0, got.length, 0), "the peer sees the end of stream");
            }
            scribbles.clear();
        } finally {
            if (client != null) {
                client.close();
            }
            server.close();
        }
    }

    @Test
    void aZeroCopyMadeAfterADroppedOneContinuesItsSendNumbers() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy first = Privilege.enableZeroCopy(c.client());
            ZeroCopy.Buffer a = first.allocate(16);
            for (int i = 0; i < 200; i++) {
                assertEquals(1, first.send(a, 0, 1)); // delivered at once: 200 completions queue up, unread
            }
            first = null; // dropped, its completions not read
            a = null;
            Thread.sleep(100);
            ZeroCopy second = ZeroCopy.enable(c.client());
            c.client().setBlocking(false);
            ZeroCopy.Buffer b = second.allocate(64 * 1024);
            long total = 200;
            for (long n; (n = second.send(b, 0, b.size())) != Socket.WOULD_BLOCK; ) {
                total += n; // the peer does not read: these stay in flight
            }
            assertTrue(b.inFlight() > 0);
            second.readCompletions(); // may meet the first one's completions: they must not release b
            assertThrows(IllegalStateException.class, b::segment,
                    "b's sends are still queued behind a shut window: the first ZeroCopy's completions must not count as b's");
            long expect = total;
            Net.Blocked reader = Net.Blocked.start("reader", () -> Net.readN(c.server(), (int) expect).length);
            assertTrue(second.awaitCompletions(Duration.ofSeconds(10)), "every send completes");
            assertEquals(0, second.pending());
            reader.join(10_000);
            assertEquals((int) expect, reader.result);
        }
    }

    @Test
    void zeroCopyCompletionsCanBeAwaitedAfterTheSocketIsClosed() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            ZeroCopy zc = Privilege.enableZeroCopy(c.client());
            c.client().setBlocking(false);
            ZeroCopy.Buffer b = zc.allocate(64 * 1024);
            long total = 0;
            for (long n; (n = zc.send(b, 0, b.size())) != Socket.WOULD_BLOCK; ) {
                total += n;
            }
            int fd = c.client().fd();
            String id = identity(fd);
            c.client().close();
            assertThrows(IllegalStateException.class, () -> zc.send(b, 0, 1), "no send on a closed socket");
            long expect = total;
            Net.Blocked reader = Net.Blocked.start("reader", () -> Net.readN(c.server(), (int) expect).length);
            assertTrue(zc.awaitCompletions(Duration.ofSeconds(10)), "the sends in flight complete after the close");
            assertEquals(0, b.inFlight());
            b.segment(); // free again
            reader.join(10_000);
            assertEquals((int) expect, reader.result);
            awaitTrue(() -> !id.equals(identity(fd)), 10_000, "the descriptor is released after the last completion");
        }
    }

    @Test
    void zeroCopyRefusesAConfinedSocket() throws Exception {
        Privilege.requireLinux("MSG_ZEROCOPY");
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.client().confine();
            assertThrows(IllegalStateException.class, () -> ZeroCopy.enable(c.client()),
                    "a confined close releases the descriptor at once: nothing could wait for completions");
        }
    }

    // ---- a closed socket leaves its sets at once, whatever still holds its number -------------------

    @Test
    void aClosedSocketIsNeverHandedOverWhileASendCarriesIt() throws Exception {
        int rounds = Math.max(20, ROUNDS / 20);
        for (int round = 0; round < rounds; round++) {
            try (SocketPair channel = Socket.pair(Domain.UNIX, Type.STREAM);
                 SocketPair passed = Socket.pair(Domain.UNIX, Type.STREAM);
                 Readiness loop = Readiness.open()) {
                Epoll epoll = Epoll.isSupported() ? Epoll.open(8) : null;
                Socket carried = passed.second();
                Registration reg = loop.register(carried, Readiness.READ, "carried");
                if (epoll != null) {
                    epoll.add(carried, Epoll.IN, 42);
                }
                passed.first().send(new byte[] {1}); // the carried socket is readable from now on
                Socket tx = channel.first();
                long queued = Net.fillSendBuffer(tx);
                Net.Blocked sender = Net.Blocked.start("sender", () -> {
                    Message m = Message.of(Arena.ofAuto().allocate(1)).control(ControlMessage.rights(carried));
                    return tx.sendMsg(m);
                });
                Net.awaitNative(sender, "sendmsg");

                carried.close(); // its number stays open: the blocked send holds it
                assertFalse(reg.isValid(), "closing the socket ends its registration at once");
                AtomicInteger handed = new AtomicInteger();
                loop.await(Duration.ofMillis(20), (r, ops) -> {
                    handed.incrementAndGet();
                    r.socket().recv(new byte[1], 0, 1, 0); // what the README's handler does: throws if closed
                });
                assertEquals(0, handed.get(), "a closed socket is never handed to the handler");
                assertEquals(0, loop.size());
                if (epoll != null) {
                    assertEquals(0, epoll.await(Duration.ZERO), "the raw epoll set forgot it at the close");
                    epoll.close();
                }

                byte[] sink = new byte[8192];
                for (long left = queued; left > 0; ) {
                    left -= channel.second().recv(sink, 0, (int) Math.min(sink.length, left), 0);
                }
                sender.join(10_000);
                assertEquals(1L, sender.result, () -> "send failed: " + sender.error);
            }
        }
    }

    @Test
    void aClosedSocketIsNeverHandedOverWhileAVirtualThreadIsParkedInIt() throws Exception {
        int rounds = Math.max(50, ROUNDS / 5);
        try (Readiness loop = Readiness.open()) {
            for (int round = 0; round < rounds; round++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                Registration reg = loop.register(p.first(), Readiness.READ, null);
                AtomicInteger ended = new AtomicInteger();
                Thread parked = Thread.ofVirtual().start(() -> {
                    try {
                        p.first().recv(new byte[1], 0, 1, 0); // parks: nothing to read
                    } catch (IOException | RuntimeException closed) {
                        ended.incrementAndGet();
                    }
                });
                long end = System.nanoTime() + 5_000_000_000L;
                while (parked.getState() != Thread.State.WAITING && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                p.first().close(); // the parked recv still holds the number until it runs again
                assertFalse(reg.isValid(), "round " + round + ": closing the socket ends its registration at once");
                AtomicInteger handed = new AtomicInteger();
                loop.poll((r, ops) -> handed.incrementAndGet()); // the shut-down socket reads as ready
                assertEquals(0, handed.get(), "round " + round + ": a closed socket is never handed over");
                parked.join(10_000);
                assertEquals(1, ended.get(), "the parked recv fails with the close");
                p.second().close();
            }
        }
    }

    // ---- dropped and closed sets release everything and are not kept reachable ----------------------

    @Test
    void aDroppedReadinessReleasesItsEventfd() throws Exception {
        Privilege.requireLinux("eventfd");
        int before = count("anon_inode:[eventfd]");
        for (int i = 0; i < 300; i++) {
            Readiness.open(4); // dropped unclosed
        }
        assertSettles("anon_inode:[eventfd]", before, "300 readiness sets dropped unclosed");
    }

    @Test
    void aDroppedEpollIsCleanedWhileItsSocketsLive() throws Exception {
        Privilege.requireLinux("epoll");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            int before = count("anon_inode:[eventpoll]");
            for (int i = 0; i < 200; i++) {
                Epoll e = Epoll.open(4);
                e.add(p.first(), Epoll.IN, i); // dropped unclosed, the socket lives on
            }
            assertSettles("anon_inode:[eventpoll]", before, "200 epoll sets dropped unclosed with a live socket in them");
            p.second().send(new byte[] {1});
            try (Epoll e = Epoll.open(4)) {
                e.add(p.first(), Epoll.IN, 7); // no leftover entry refuses it
                assertEquals(1, e.await(Duration.ofSeconds(5)));
            }
        }
    }

    @Test
    void aClosedSetIsNotKeptReachableByItsSockets() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            List<WeakReference<Object>> closed = new ArrayList<>();
            int rounds = 100;
            for (int i = 0; i < rounds; i++) {
                if (Epoll.isSupported()) {
                    Epoll e = Epoll.open(1 << 15); // 384 KiB of events each
                    e.add(p.first(), Epoll.IN, i);
                    e.close();
                    closed.add(new WeakReference<>(e));
                }
                Readiness r = Readiness.open(1 << 15);
                r.register(p.first(), Readiness.READ, null);
                r.close();
                closed.add(new WeakReference<>(r));
            }
            awaitTrue(() -> {
                System.gc();
                return closed.stream().allMatch(w -> w.get() == null);
            }, 10_000, () -> closed.stream().filter(w -> w.get() != null).count() + " of " + closed.size()
                    + " closed sets still reachable through the socket that was added to them");
        }
    }

    @Test
    void closingASetWhileItsEntriesAreDeletedLeavesNoneBehind() throws Exception {
        Privilege.requireLinux("epoll");
        List<SocketPair> pairs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            pairs.add(Socket.pair(Domain.UNIX, Type.STREAM));
        }
        try {
            List<WeakReference<Epoll>> sets = new ArrayList<>();
            int rounds = Math.max(100, ROUNDS / 5);
            for (int round = 0; round < rounds; round++) {
                Epoll e = Epoll.open(4);
                for (SocketPair p : pairs) {
                    e.add(p.first(), Epoll.IN, 0);
                }
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                Thread closer = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException ignored) {
                        return;
                    }
                    e.close();
                });
                go.countDown();
                for (int i = pairs.size() - 1; i >= 0; i--) {
                    try {
                        e.delete(pairs.get(i).first());
                    } catch (IllegalStateException closed) {
                        // the close won for this one
                    }
                }
                closer.join();
                sets.add(new WeakReference<>(e));
            }
            awaitTrue(() -> {
                System.gc();
                return sets.stream().allMatch(w -> w.get() == null);
            }, 10_000, () -> sets.stream().filter(w -> w.get() != null).count() + " of " + sets.size()
                    + " sets closed while their entries were deleted are still reachable from the live sockets");
        } finally {
            for (SocketPair p : pairs) {
                p.close();
            }
        }
    }

    @Test
    void addingToAClosedEpollIsIllegalState() throws Exception {
        Privilege.requireLinux("epoll");
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Epoll e = Epoll.open(4);
            e.add(p.first(), Epoll.IN, 1);
            e.close();
            assertThrows(IllegalStateException.class, () -> e.add(p.first(), Epoll.IN, 0),
                    "adding to a closed set: IllegalStateException, as documented (was: already added)");
            assertThrows(IllegalStateException.class, () -> e.add(p.second(), Epoll.IN, 0));
            assertThrows(IllegalStateException.class, () -> e.modify(p.first(), Epoll.IN, 0));
            assertThrows(IllegalStateException.class, () -> e.delete(p.first()));
        }
    }

    @Test
    void aDroppedIoVectorFreesItsBuffers() {
        // the JDK counts no memory segment in the "direct" pool: watch the buffers' arenas instead
        List<MemorySegment.Scope> scopes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            IoVector v = IoVector.allocate(1 << 20, 1 << 19); // 1.5 MiB in shared arenas, dropped unclosed
            v.get(0).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            scopes.add(v.get(0).scope());
            scopes.add(v.get(1).scope());
        }
        awaitTrue(() -> {
            System.gc();
            return scopes.stream().noneMatch(MemorySegment.Scope::isAlive);
        }, 10_000, () -> scopes.stream().filter(MemorySegment.Scope::isAlive).count() + " of " + scopes.size()
                + " buffers of IoVectors dropped unclosed never freed");
        IoVector closed = IoVector.allocate(16);
        closed.close();
        assertTrue(closed.isClosed());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Descriptors of this process whose link reads {@code kind}. */
    private static int count(String kind) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().equals(kind);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /** Other tests' Cleaners only ever lower the count; the library's pollers may add a few sets. */
    private static void assertSettles(String kind, int before, String what) throws IOException {
        long end = System.nanoTime() + 10_000_000_000L;
        int n;
        while ((n = count(kind)) > before + 8 && System.nanoTime() < end) {
            System.gc();
            LockSupport.parkNanos(50_000_000);
        }
        assertTrue(n <= before + 8, what + ": " + (n - before) + " " + kind + " descriptors left behind");
    }

    private static void awaitTrue(BooleanSupplier condition, long millis, String message) {
        awaitTrue(condition, millis, () -> message);
    }

    private static void awaitTrue(BooleanSupplier condition, long millis, java.util.function.Supplier<String> message) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail(message.get());
            }
            LockSupport.parkNanos(20_000_000);
        }
    }
}
