package dev.nativesockets.linux;

import static dev.nativesockets.linux.UringTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Domain;
import dev.nativesockets.Socket;
import dev.nativesockets.SocketPair;
import dev.nativesockets.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lifetime rules of docs/RELIABILITY.md ("io_uring") under real sockets. */
class UringSafetyTest {
    @BeforeAll
    static void ring() {
        assumeRing();
    }

    static String target(int number) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + number)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void aClosedSocketKeepsItsNumberUntilTheCompletion() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            int number = p.second().fd();
            String inode = target(number);
            UringBuffer in = ring.allocate(16);
            ring.recv(p.second(), in, 0, 16, 1);
            ring.submit();
            p.second().close(); // shuts the socket down: the receive completes, but is not reaped yet
            assertEquals(inode, target(number), "the number is still the same socket while the kernel may use it");
            try (SocketPair probe = Socket.pair(Domain.UNIX, Type.STREAM)) {
                assertNotEquals(number, probe.first().fd(), "a new socket cannot get the held number");
                assertNotEquals(number, probe.second().fd());
            }
            Done d = r.one(ring, 1);
            assertTrue(d.result() == 0 || d.result() == -dev.nativesockets.Errno.number("ECANCELED"), d.toString());
            assertNotEquals(inode, target(number), "released with the last completion");
        }
    }

    /** A queued entry names a number; the socket closed and the number reused before submit must not meet. */
    @Test
    void closeBeforeSubmitNeverReachesAReusedNumber() throws Exception {
        try (Uring ring = Uring.open(8)) {
            Recorder r = new Recorder();
            UringBuffer in = ring.allocate(64);
            for (int round = 0; round < 200; round++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                ring.recv(p.second(), in, 0, 64, round);
                Thread closer = new Thread(() -> p.second().close());
                closer.start();
                closer.join();
                try (SocketPair probe = Socket.pair(Domain.UNIX, Type.STREAM)) {
                    probe.first().send("probe".getBytes());
                    probe.second().send("probe".getBytes());
                    ring.submit();
                    Done d = r.one(ring, round);
                    assertTrue(d.result() <= 0, "round " + round + ": the receive read " + d.result()
                            + " bytes from a socket that reused the closed number");
                }
                p.first().close();
            }
        }
    }

    @Test
    void aMultishotOperationOnAClosedSocketIsCancelled() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            int number = p.second().fd();
            String inode = target(number);
            ring.pollMultishot(p.second(), 1, 1);
            ring.submit();
            p.second().close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ring.inFlight() > 0 && System.nanoTime() < deadline) {
                ring.await(1, Duration.ofMillis(50), r);
            }
            assertEquals(0, ring.inFlight(), "the armed poll ended: " + r.all);
            assertNotEquals(inode, target(number), "and the number went with it");
        }
    }

    @Test
    void closingTheRingUnderLoadReleasesEverything() throws Exception {
        List<SocketPair> pairs = new ArrayList<>();
        List<Socket> clients = new ArrayList<>();
        long before = ringDescriptors();
        long mapped = ringMappings();
        try (Socket listener = Socket.listen(ANY4, 64)) {
            Uring ring = Uring.open(32);
            Recorder r = new Recorder();
            r.takeAccepted = false; // accepted sockets left to the ring must be closed by it
            BufferRing buffers = ring.bufferRing(8, 64);
            ring.acceptMultishot(listener, 0);
            for (int i = 0; i < 100; i++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                pairs.add(p);
                UringBuffer b = ring.allocate(32);
                ring.recv(p.second(), b, 0, 32, 1);
                ring.recvMultishot(p.first(), buffers, 2);
                ring.timeout(Duration.ofHours(1), 3);
            }
            ring.submit();
            for (int i = 0; i < 5; i++) {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                c.connect(listener.localAddress());
                clients.add(c);
            }
            ring.await(1, Duration.ofMillis(100), r);
            ring.close();
            assertThrows(IllegalStateException.class, () -> ring.nop(1));
            ring.close(); // idempotent
            assertEquals(before, ringDescriptors(), "the ring descriptor is closed");
            assertEquals(mapped, ringMappings(), "its rings are unmapped");
            for (SocketPair p : pairs) {
                int a = p.first().fd(), b = p.second().fd();
                String ta = target(a), tb = target(b);
                p.close();
                assertNotEquals(ta, target(a), "no hold left on " + a);
                assertNotEquals(tb, target(b), "no hold left on " + b);
            }
            for (Socket c : clients) { // the accepted ends were closed: the clients read end-of-stream
                assertEquals(0, c.read(8).length);
                c.close();
            }
        }
    }

    @Test
    void aRingDroppedUnclosedIsCleanedAndReleasesItsHolds() throws Exception {
        long before = ringDescriptors();
        long mapped = ringMappings();
        SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
        int number = p.second().fd();
        String inode = target(number);
        dropRingWithPendingReceive(p.second());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (ringDescriptors() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before, ringDescriptors(), "the Cleaner closed the dropped ring");
        for (int i = 0; i < 100 && ringMappings() > mapped; i++) {
            Thread.sleep(20);
        }
        assertEquals(mapped, ringMappings(), "and unmapped its rings");
        p.second().close();
        assertNotEquals(inode, target(number), "its receive's hold was released: close releases the number");
        p.first().close();
    }

    private static void dropRingWithPendingReceive(Socket s) throws IOException {
        Uring ring = Uring.open(4);
        ring.recv(s, ring.allocate(16), 0, 16, 1);
        ring.submit();
    }

    @Test
    void completionQueueOverflowLosesNothing() throws Exception {
        try (Uring ring = Uring.open(1)) {
            assertEquals(4, ring.completionEntries());
            Recorder r = new Recorder();
            for (int i = 0; i < 64; i++) { // a full submission queue submits itself to make room
                ring.nop(i);
            }
            ring.submit();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (r.all.size() < 64 && System.nanoTime() < deadline) {
                ring.await(1, Duration.ofMillis(50), r);
            }
            assertEquals(64, r.all.size());
            assertTrue(ring.overflowFlushes() > 0, "the completion queue overflowed and was flushed in");
            for (int i = 0; i < 64; i++) {
                assertEquals(i, r.all.get(i).tag());
            }
        }
    }

    @Test
    void aBufferDroppedByTheCallerLivesUntilItsCompletion() throws Exception {
        try (Uring ring = Uring.open(8); SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Recorder r = new Recorder();
            ring.recv(p.second(), ring.allocate(1 << 20), 0, 1 << 20, 1);
            ring.submit();
            for (int i = 0; i < 5; i++) {
                System.gc();
                byte[] churn = new byte[1 << 20];
                churn[0] = 1;
            }
            p.first().send(new byte[1000]);
            assertEquals(1000, r.one(ring, 1).result());
        }
    }

    @Test
    void onlyTheOwnerClosesTheRing() throws Exception {
        try (Uring ring = Uring.open(2)) {
            Thread t = new Thread(() -> assertThrows(WrongThreadException.class, ring::close));
            t.start();
            t.join();
            ring.nop(1);
            assertFalse(ring.toString().contains("closed"));
        }
    }

    @Test
    void aHandlerCanCloseTheRingButNotReapInsideItself() throws Exception {
        long before = ringDescriptors();
        Uring ring = Uring.open(4);
        ring.nop(1);
        ring.nop(2);
        ring.timeout(Duration.ofHours(1), 3);
        List<Throwable> nested = new ArrayList<>();
        int[] calls = {0};
        ring.await(2, Duration.ofSeconds(5), c -> {
            calls[0]++;
            try {
                ring.complete(x -> { });
            } catch (Throwable t) {
                nested.add(t);
            }
            ring.close();
            assertThrows(IllegalStateException.class, () -> ring.nop(9), "nothing may be queued after close");
        });
        assertTrue(calls[0] >= 1);
        assertTrue(nested.stream().allMatch(t -> t instanceof IllegalStateException), nested.toString());
        assertFalse(nested.isEmpty());
        assertTrue(ring.toString().contains("closed"), ring.toString());
        assertEquals(before, ringDescriptors(), "closed once the handler returned, the pending timeout cancelled");
    }
}
