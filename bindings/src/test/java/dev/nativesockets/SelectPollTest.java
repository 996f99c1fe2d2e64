package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** select(2) with PHP's socket_select in/out semantics, and poll(2) through Poller. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectPollTest {

    private static <T> List<T> mutable(T... items) {
        return new ArrayList<>(List.of(items));
    }

    // ---- select ---------------------------------------------------------------------------------

    @Test
    void selectLeavesOnlyTheReadySocketsInTheSets() throws IOException {
        try (SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM); SocketPair b = Socket.pair(Domain.UNIX, Type.STREAM);
             SocketPair c = Socket.pair(Domain.UNIX, Type.STREAM)) {
            b.first().send(Net.utf8("b"));
            List<Socket> read = mutable(a.second(), b.second(), c.second());
            int n = Select.select(read, null, null, Duration.ofSeconds(5));
            assertEquals(1, n);
            assertEquals(List.of(b.second()), read, "PHP semantics: the array now holds the ready sockets");
        }
    }

    @Test
    void selectCountsEverySocketSetPair() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().send(Net.utf8("x"));
            List<Socket> read = mutable(p.second());
            List<Socket> write = mutable(p.second(), p.first());
            assertEquals(3, Select.select(read, write, mutable(), Duration.ZERO));
            assertEquals(1, read.size());
            assertEquals(2, write.size());
        }
    }

    @Test
    void selectWriteSetDropsASocketWhoseBufferIsFull() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena a = Arena.ofConfined()) {
            p.first().setBlocking(false);
            var chunk = a.allocate(64 * 1024);
            while (p.first().send(chunk) != Socket.WOULD_BLOCK) {
                // fill it
            }
            List<Socket> write = mutable(p.first());
            assertEquals(0, Select.select(null, write, null, Duration.ofMillis(50)));
            assertTrue(write.isEmpty());
            // drain the peer: writable again
            byte[] sink = new byte[1 << 16];
            p.second().setBlocking(false);
            while (p.second().recv(sink) > 0) {
                // drain
            }
            write = mutable(p.first());
            assertEquals(1, Select.select(null, write, null, Duration.ofSeconds(5)));
            assertEquals(1, write.size());
        }
    }

    @Test
    void selectTimesOutAndEmptiesTheSets() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            List<Socket> read = mutable(p.first(), p.second());
            long t0 = System.nanoTime();
            assertEquals(0, Select.select(read, null, null, Duration.ofMillis(120)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 100, "waited " + ms + " ms");
            assertTrue(read.isEmpty());
        }
    }

    @Test
    void selectWithZeroTimeoutOnlyPolls() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.DGRAM)) {
            // the fastest of ten: a noisy machine can delay any one call, but not every one of them
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                assertEquals(0, Select.select(mutable(p.first()), null, null, Duration.ZERO));
                fastest = Math.min(fastest, System.nanoTime() - t0);
            }
            assertTrue(fastest < 10_000_000, "a zero timeout waited: fastest of ten took " + fastest / 1000 + " µs");
        }
    }

    @Test
    void selectWithNoSetsJustWaits() throws IOException {
        long t0 = System.nanoTime();
        assertEquals(0, Select.select(null, null, null, Duration.ofMillis(60)));
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 50);
    }

    @Test
    void selectSeesAPendingConnectionOnAListener() throws IOException {
        try (Socket l = Socket.listen(ANY4, 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            List<Socket> read = mutable(l);
            assertEquals(0, Select.select(read, null, null, Duration.ZERO));
            c.connect(l.localAddress());
            read = mutable(l);
            assertEquals(1, Select.select(read, null, null, Duration.ofSeconds(5)));
            l.accept().close();
        }
    }

    @Test
    void selectSeesEndOfStreamAsReadable() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().shutdown(How.WRITE);
            List<Socket> read = mutable(p.second());
            assertEquals(1, Select.select(read, null, null, Duration.ofSeconds(5)));
            assertEquals(0, p.second().recv(new byte[1]));
        }
    }

    /** Opens socket pairs until one has a descriptor >= FD_SETSIZE; returns them all. */
    private static List<SocketPair> pairsPastFdSetsize() throws IOException {
        List<SocketPair> pairs = new ArrayList<>();
        while (pairs.isEmpty() || pairs.get(pairs.size() - 1).second().fd() < Select.FD_SETSIZE) {
            pairs.add(Socket.pair(Domain.UNIX, Type.DGRAM));
            if (pairs.size() > 4 * Select.FD_SETSIZE) {
                throw new AssertionError("descriptors never reached FD_SETSIZE");
            }
        }
        return pairs;
    }

    @Test
    void selectRejectsADescriptorAtOrAboveFdSetsizeBeforeTheCall() throws IOException {
        List<SocketPair> pairs = pairsPastFdSetsize();
        try {
            Socket low = pairs.get(0).second();
            Socket high = pairs.get(pairs.size() - 1).second();
            assertTrue(high.fd() >= Select.FD_SETSIZE);
            pairs.get(0).first().send(Net.utf8("x"));
            List<Socket> read = mutable(low, high);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Select.select(read, null, null, Duration.ZERO));
            assertTrue(e.getMessage().contains("FD_SETSIZE") && e.getMessage().contains("Poller"), e.getMessage());
            assertEquals(List.of(low, high), read, "sets untouched");
            assertThrows(IllegalArgumentException.class, () -> Select.select(null, mutable(high), null, Duration.ZERO));
            // poll(2) has no such limit
            Poller poller = new Poller();
            poller.add(low, Poller.IN);
            poller.add(high, Poller.IN);
            pairs.get(pairs.size() - 1).first().send(Net.utf8("y"));
            assertEquals(2, poller.poll(Duration.ofSeconds(5)));
            assertEquals(Poller.IN, poller.revents(high) & Poller.IN);
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }

    @Test
    void selectChecksItsArguments() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertThrows(IllegalArgumentException.class, () -> Select.select(List.of(p.first()), null, null, Duration.ZERO),
                    "results go back into the collection: it must be mutable");
            List<Socket> withNull = new ArrayList<>();
            withNull.add(null);
            assertThrows(IllegalArgumentException.class, () -> Select.select(withNull, null, null, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> Select.select(null, null, null, Duration.ofMillis(-1)));
            Socket closed = Socket.open(Domain.INET, Type.DGRAM);
            closed.close();
            assertThrows(IllegalStateException.class, () -> Select.select(mutable(closed), null, null, Duration.ZERO));
        }
    }

    @Test
    void selectWorksWithSetsOfAnyMutableCollection() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Set<Socket> read = new HashSet<>(Set.of(p.first(), p.second()));
            p.first().send(Net.utf8("z"));
            assertEquals(1, Select.select(read, null, null, Duration.ofSeconds(5)));
            assertEquals(Set.of(p.second()), read);
        }
    }

    // ---- Poller ---------------------------------------------------------------------------------

    @Test
    void pollerReportsReadinessPerSocket() throws IOException {
        try (SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM); SocketPair b = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Poller p = new Poller();
            int ia = p.add(a.second(), Poller.IN);
            int ib = p.add(b.second(), Poller.IN | Poller.OUT);
            assertEquals(2, p.size());
            assertSame(a.second(), p.socket(ia));
            assertEquals(1, p.poll(Duration.ofSeconds(5)), "b is writable");
            assertEquals(0, p.revents(ia));
            assertEquals(Poller.OUT, p.revents(ib));
            a.first().send(Net.utf8("a"));
            p.setEvents(b.second(), Poller.IN);
            assertEquals(1, p.poll(Duration.ofSeconds(5)));
            assertEquals(Poller.IN, p.revents(a.second()));
            assertEquals(0, p.revents(b.second()));
        }
    }

    @Test
    void pollerTimesOut() throws IOException {
        try (SocketPair a = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Poller p = new Poller();
            p.add(a.second(), Poller.IN);
            long t0 = System.nanoTime();
            assertEquals(0, p.poll(Duration.ofMillis(100)));
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 90);
            assertEquals(0, p.poll(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> p.poll(Duration.ofMillis(-1)));
        }
    }

    @Test
    void pollerReportsHangupAndPeerShutdown() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); SocketPair pair = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Poller p = new Poller();
            p.add(c.server(), Poller.IN | (LINUX ? Poller.RDHUP : 0));
            p.add(pair.second(), Poller.IN);
            c.client().shutdown(How.WRITE);
            pair.first().close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (p.poll(Duration.ofSeconds(5)) < 2 && System.nanoTime() < deadline) {
                // the FIN may take a moment
            }
            assertTrue((p.revents(c.server()) & Poller.IN) != 0);
            if (LINUX) {
                assertTrue((p.revents(c.server()) & Poller.RDHUP) != 0, "POLLRDHUP after the peer's SHUT_WR");
            }
            assertTrue((p.revents(pair.second()) & Poller.HUP) != 0, "POLLHUP after the peer closed");
        }
    }

    @Test
    void pollerSeesUrgentDataAsPri() throws IOException {
        try (Net.Conn c = Net.tcp(Domain.INET); Arena a = Arena.ofConfined()) {
            Poller p = new Poller();
            p.add(c.server(), Poller.PRI);
            c.client().send(Net.segment(a, "!"), MsgFlags.OOB);
            assertEquals(1, p.poll(Duration.ofSeconds(5)));
            assertTrue((p.revents(0) & Poller.PRI) != 0);
        }
    }

    @Test
    void pollerAddRemoveAndGrow() throws IOException {
        List<SocketPair> pairs = new ArrayList<>();
        try {
            Poller p = new Poller();
            for (int i = 0; i < 40; i++) {
                SocketPair sp = Socket.pair(Domain.UNIX, Type.DGRAM);
                pairs.add(sp);
                assertEquals(i, p.add(sp.second(), Poller.IN));
            }
            assertEquals(40, p.size());
            pairs.get(37).first().send(Net.utf8("37"));
            pairs.get(3).first().send(Net.utf8("3"));
            assertEquals(2, p.poll(Duration.ofSeconds(5)));
            assertEquals(Poller.IN, p.revents(pairs.get(37).second()));
            assertEquals(Poller.IN, p.revents(pairs.get(3).second()));
            p.remove(pairs.get(3).second());
            assertEquals(39, p.size());
            assertEquals(1, p.poll(Duration.ofSeconds(5)), "the removed socket is not watched");
            assertEquals(Poller.IN, p.revents(pairs.get(37).second()));
            assertThrows(IllegalArgumentException.class, () -> p.revents(pairs.get(3).second()));
            assertThrows(IllegalArgumentException.class, () -> p.remove(pairs.get(3).second()));
            assertThrows(IllegalArgumentException.class, () -> p.add(pairs.get(37).second(), Poller.IN), "duplicate");
            assertThrows(IllegalArgumentException.class, () -> p.add(pairs.get(3).second(), -1));
            assertThrows(IllegalArgumentException.class, () -> p.add(null, Poller.IN));
            assertThrows(IllegalArgumentException.class, () -> p.revents(99));
        } finally {
            pairs.forEach(SocketPair::close);
        }
    }

    @Test
    void pollerRefusesToPollAClosedSocket() throws IOException {
        SocketPair sp = Socket.pair(Domain.UNIX, Type.STREAM);
        Poller p = new Poller();
        p.add(sp.first(), Poller.IN);
        sp.close();
        assertThrows(IllegalStateException.class, () -> p.poll(Duration.ZERO));
    }
}
