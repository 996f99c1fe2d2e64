package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.LINUX;
import static dev.nativesockets.ReliabilityTestSupport.awaitBlocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.ReliabilityTestSupport.Blocked;
import dev.nativesockets.ReliabilityTestSupport.Blocker;
import dev.nativesockets.ReliabilityTestSupport.Outcome;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rule (Socket's class Javadoc, "Closing"): interrupting a thread blocked in a call does not
 * stop the call and does not close the socket; the interrupt status is kept. Only {@code close()}
 * stops a blocked call. This is {@code java.net.Socket}'s rule, not {@code SocketChannel}'s (which
 * closes the channel): a socket shared by several threads must not be lost because one of them was
 * interrupted, e.g. by an executor's {@code shutdownNow()}.
 *
 * <p>Each test blocks a thread in a call, interrupts it, checks that it is still blocked in the
 * kernel 150 ms later with the socket open, then lets the call complete normally and checks that
 * it returned its normal result with the interrupt status still set.
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReliabilityInterruptTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private Blocker blocker;
    private Arena arena;

    @BeforeEach
    void setUp() {
        blocker = new Blocker("rel-interrupted");
        arena = Arena.ofShared();
    }

    @AfterEach
    void tearDown() {
        blocker.close();
        arena.close();
    }

    /** Interrupts the blocked thread and checks that nothing happened to the call or the socket. */
    private void interruptAndCheckStillBlocked(CompletableFuture<Outcome> f, Blocked in, Socket s) {
        blocker.awaitIn(in, s.fd(), f);
        blocker.thread.interrupt();
        LockSupport.parkNanos(150_000_000);
        assertFalse(f.isDone(), () -> "the interrupt ended the call: " + f.join());
        if (LINUX) {
            assertTrue(awaitBlocked(blocker.tid, in, s.fd(), 1_000, () -> !f.isDone()), "still in the kernel");
        }
        assertFalse(s.isClosed(), "the interrupt closed the socket");
        assertTrue(blocker.thread.isInterrupted(), "interrupt status kept while blocked");
    }

    private static Outcome done(CompletableFuture<Outcome> f) throws Exception {
        Outcome o = f.get(5, TimeUnit.SECONDS);
        if (o.thrown() != null) {
            throw new AssertionError("the call failed", o.thrown());
        }
        assertTrue(o.interruptedAfter(), "interrupt status kept after the call");
        return o;
    }

    @Test
    void recvGoesOnAndReturnsData() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            MemorySegment buf = arena.allocate(64);
            CompletableFuture<Outcome> f = blocker.start(() -> p.first().recv(buf));
            interruptAndCheckStillBlocked(f, Blocked.RECV, p.first());
            p.second().send(new byte[] {1, 2, 3});
            assertEquals(3, done(f).value());
            // the socket works after it all
            p.first().send(new byte[] {9});
            assertEquals(1, p.second().read(8).length);
        }
    }

    @Test
    void acceptGoesOnAndReturnsTheConnection() throws Exception {
        try (Socket l = Socket.listen(LOOPBACK, 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            CompletableFuture<Outcome> f = blocker.start(l::accept);
            interruptAndCheckStillBlocked(f, Blocked.ACCEPT, l);
            c.connect(l.localAddress());
            try (Socket accepted = (Socket) done(f).value()) {
                assertEquals(c.localAddress(), accepted.peerAddress());
            }
        }
    }

    @Test
    void sendOnAFullBufferGoesOnOnceThePeerReads() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Socket s = p.first();
            MemorySegment chunk = arena.allocate(256 * 1024);
            s.setBlocking(false);
            long queued = 0;
            int n;
            while ((n = s.send(chunk)) != Socket.WOULD_BLOCK) {
                queued += n;
            }
            s.setBlocking(true);
            CompletableFuture<Outcome> f = blocker.start(() -> s.send(chunk));
            interruptAndCheckStillBlocked(f, Blocked.SEND, s);
            byte[] sink = new byte[64 * 1024];
            long drained = 0;
            while (!f.isDone() || p.second().available() > 0) {
                drained += p.second().recv(sink, 0, sink.length, MsgFlags.DONTWAIT) > 0 ? 1 : 0;
                LockSupport.parkNanos(100_000);
            }
            assertTrue((int) done(f).value() > 0, "the interrupted send sent");
            assertTrue(queued > 0 && drained > 0);
        }
    }

    @Test
    void connectGoesOnUntilClosedAndTheSocketIsNotClosedByTheInterrupt() throws Exception {
        try (Socket listener = Socket.listen(LOOPBACK, 0)) {
            List<Socket> queued = fillBacklog(listener);
            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                CompletableFuture<Outcome> f = blocker.start(() -> c.connect(listener.localAddress()));
                interruptAndCheckStillBlocked(f, Blocked.CONNECT, c);
                // make room: the SYN the kernel retransmits (after 1 s) gets through and connect returns
                listener.accept().close();
                assertEquals(true, done(f).value());
                assertNotNull(c.peerAddress());
            } finally {
                queued.forEach(Socket::close);
            }
        }
    }

    /** Connections until one times out: the listener's accept queue is full and SYNs are dropped. */
    static List<Socket> fillBacklog(Socket listener) throws Exception {
        List<Socket> queued = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Socket c = Socket.open(Domain.INET, Type.STREAM);
            try {
                c.connect(listener.localAddress(), Duration.ofMillis(300));
                queued.add(c);
            } catch (SocketTimeoutException full) {
                c.close();
                return queued;
            }
        }
        throw new AssertionError("the backlog never filled");
    }

    @Test
    void selectGoesOnAndReportsReadiness() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            List<Socket> read = new ArrayList<>(List.of(p.first()));
            CompletableFuture<Outcome> f = blocker.start(() -> Select.select(read, null, null, null));
            interruptAndCheckStillBlocked(f, Blocked.SELECT, p.first());
            p.second().send(new byte[] {1});
            assertEquals(1, done(f).value());
            assertEquals(List.of(p.first()), read);
        }
    }

    @Test
    void pollGoesOnAndReportsReadiness() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Poller poller = new Poller();
            poller.add(p.first(), Poller.IN);
            CompletableFuture<Outcome> f = blocker.start(() -> poller.poll(null));
            interruptAndCheckStillBlocked(f, Blocked.POLL, p.first());
            p.second().send(new byte[] {1});
            assertEquals(1, done(f).value());
            assertEquals(Poller.IN, poller.revents(p.first()) & Poller.IN);
        }
    }

    @Test
    void closeStillStopsAnInterruptedCall() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            MemorySegment buf = arena.allocate(64);
            CompletableFuture<Outcome> f = blocker.start(() -> p.first().recv(buf));
            interruptAndCheckStillBlocked(f, Blocked.RECV, p.first());
            p.first().close();
            Outcome o = f.get(5, TimeUnit.SECONDS);
            assertInstanceOf(SocketClosedException.class, o.thrown());
            assertTrue(o.interruptedAfter());
        }
    }

    /** A thread already interrupted when it calls: the call works normally, the status stays set. */
    @Test
    void callsMadeWithTheInterruptStatusSetWorkNormally() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
             Socket l = Socket.listen(LOOPBACK, 4);
             Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            Thread.currentThread().interrupt();
            try {
                assertEquals(2, p.first().send(new byte[] {1, 2}));
                byte[] got = p.second().read(8);
                assertEquals(2, got.length);
                assertTrue(c.connect(l.localAddress()));
                l.accept().close();
                List<Socket> read = new ArrayList<>(List.of(p.first()));
                assertEquals(0, Select.select(read, null, null, Duration.ofMillis(20)));
                Poller poller = new Poller();
                poller.add(p.first(), Poller.IN);
                assertEquals(0, poller.poll(Duration.ofMillis(20)));
                p.first().setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(30));
                org.junit.jupiter.api.Assertions.assertThrows(SocketTimeoutException.class, () -> p.first().read(8));
                assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
                assertFalse(p.first().isClosed());
            } finally {
                Thread.interrupted();
            }
        }
    }

    /** A non-blocking call is not affected either, and a thread's interrupt never closes a socket it did not use. */
    @Test
    void nonBlockingCallsIgnoreTheInterruptToo() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().setBlocking(false);
            Thread.currentThread().interrupt();
            try {
                assertEquals(Socket.WOULD_BLOCK, p.first().recv(new byte[4]));
                assertNull(p.first().read(4));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
        }
    }
}
