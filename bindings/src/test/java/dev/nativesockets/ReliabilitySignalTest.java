package dev.nativesockets;

import static dev.nativesockets.ReliabilityTestSupport.LINUX;
import static dev.nativesockets.ReliabilityTestSupport.SIGPIPE;
import static dev.nativesockets.ReliabilityTestSupport.SIGURG;
import static dev.nativesockets.ReliabilityTestSupport.SIGWINCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.ReliabilityTestSupport.Blocked;
import dev.nativesockets.ReliabilityTestSupport.Blocker;
import dev.nativesockets.ReliabilityTestSupport.Outcome;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
import org.junit.jupiter.api.function.Executable;

/**
 * Signals. SIGPIPE: writing to a reset or closed peer throws and raises no signal at all — checked
 * with SIGPIPE blocked in the test thread, where a raised one would stay pending (a plain
 * {@code write(2)} shows that it would). EINTR: a signal that interrupts a blocked call (a handler
 * installed without {@code SA_RESTART}, sent to the blocked thread with {@code tgkill}) makes the
 * call go on, not fail; signals the JVM ignores (SIGWINCH, SIGURG sent to the process) change
 * nothing either.
 */
@org.junit.jupiter.api.Tag("reliability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReliabilitySignalTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private Blocker blocker;
    private Arena arena;

    @BeforeEach
    void setUp() {
        blocker = new Blocker("rel-signalled");
        arena = Arena.ofShared();
    }

    @AfterEach
    void tearDown() {
        blocker.close();
        arena.close();
    }

    // ---- SIGPIPE ---------------------------------------------------------------------------------

    private static void assertThrowsWithoutSigpipe(Executable send) {
        assertFalse(ReliabilityTestSupport.isPending(SIGPIPE), "SIGPIPE pending before the call");
        IOException e = assertThrows(IOException.class, send);
        assertInstanceOf(ErrnoException.class, e, e.toString());
        String name = ((ErrnoException) e).errnoName();
        assertTrue(name.equals("EPIPE") || name.equals("ECONNRESET"), name);
        assertFalse(ReliabilityTestSupport.isPending(SIGPIPE), "the library raised SIGPIPE");
    }

    /** Runs {@code body} with SIGPIPE blocked in this thread, after proving that write(2) on {@code fd} would raise it. */
    private static void withSigpipeBlocked(int brokenFd, Executable body) throws Throwable {
        ReliabilityTestSupport.blockInThisThread(SIGPIPE);
        try {
            // control: the plain write(2) does raise SIGPIPE here, so the check below means something
            assertEquals(-1, ReliabilityTestSupport.rawWriteMaySignal(brokenFd, new byte[] {1}));
            assertTrue(ReliabilityTestSupport.isPending(SIGPIPE), "write(2) on a broken socket raises SIGPIPE");
            ReliabilityTestSupport.consumePending(SIGPIPE);
            body.execute();
        } finally {
            while (ReliabilityTestSupport.isPending(SIGPIPE)) {
                ReliabilityTestSupport.consumePending(SIGPIPE);
            }
            ReliabilityTestSupport.unblockInThisThread(SIGPIPE);
        }
    }

    private void everySendThrows(Socket s) throws Throwable {
        MemorySegment seg = arena.allocate(16);
        withSigpipeBlocked(s.fd(), () -> {
            assertThrowsWithoutSigpipe(() -> s.send(seg));
            assertThrowsWithoutSigpipe(() -> s.send(seg, MsgFlags.DONTWAIT));
            assertThrowsWithoutSigpipe(() -> s.send(new byte[] {1, 2}));
            assertThrowsWithoutSigpipe(() -> s.write(new byte[] {1}));
            assertThrowsWithoutSigpipe(() -> s.sendAll(new byte[100]));
            assertThrowsWithoutSigpipe(() -> s.send(ByteBuffer.allocateDirect(8)));
            assertThrowsWithoutSigpipe(() -> s.send(ByteBuffer.allocate(8)));
            if (s.domain() == Domain.INET) {
                // TCP ignores the address of a sendto(2) on a connected socket
                assertThrowsWithoutSigpipe(() -> s.sendTo(seg, 0, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
                assertThrowsWithoutSigpipe(() -> s.sendTo(new byte[] {1}, 0, 1, 0, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)));
            }
            s.setBlocking(false);
            assertThrowsWithoutSigpipe(() -> s.send(seg));
            s.setBlocking(true);
        });
    }

    @Test
    void writingToAClosedUnixPeerThrowsAndRaisesNoSignal() throws Throwable {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.second().close();
            everySendThrows(p.first());
        }
    }

    @Test
    void writingToAResetTcpPeerThrowsAndRaisesNoSignal() throws Throwable {
        try (Socket l = Socket.listen(LOOPBACK, 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            c.connect(l.localAddress());
            Socket peer = l.accept();
            peer.setOption(NativeOptions.SO_LINGER, 0); // close sends RST
            peer.close();
            // the first send may still succeed (the RST is on its way); it then makes the kernel
            // report ECONNRESET, and EPIPE after that
            ReliabilityTestSupport.blockInThisThread(SIGPIPE);
            try {
                IOException e = null;
                for (int i = 0; i < 100 && e == null; i++) {
                    try {
                        c.send(new byte[] {1});
                        LockSupport.parkNanos(1_000_000);
                    } catch (IOException x) {
                        e = x;
                    }
                }
                assertNotNull(e, "sending to a reset peer never failed");
                assertFalse(ReliabilityTestSupport.isPending(SIGPIPE), "the library raised SIGPIPE");
            } finally {
                ReliabilityTestSupport.unblockInThisThread(SIGPIPE);
            }
            everySendThrows(c);
        }
    }

    @Test
    void sendingAfterShutdownOfTheWritingHalfRaisesNoSignal() throws Throwable {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            p.first().shutdown(How.WRITE);
            everySendThrows(p.first());
        }
    }

    // ---- EINTR ----------------------------------------------------------------------------------

    /** Signals the JVM does not handle, sent to the whole process, while a thread is blocked in recv. */
    @Test
    void ignoredSignalsToTheProcessDoNotDisturbABlockedRecv() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            MemorySegment buf = arena.allocate(64);
            CompletableFuture<Outcome> f = blocker.start(() -> p.first().recv(buf));
            blocker.awaitIn(Blocked.RECV, p.first().fd(), f);
            for (int i = 0; i < 20; i++) {
                ReliabilityTestSupport.killProcess(i % 2 == 0 ? SIGWINCH : SIGURG);
                LockSupport.parkNanos(2_000_000);
            }
            // and once the way a person would, with kill(1), where it is installed (procps)
            boolean haveKill = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                    .anyMatch(d -> !d.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, "kill")));
            if (haveKill) {
                Process kill = new ProcessBuilder("kill", "-WINCH", Long.toString(ProcessHandle.current().pid()))
                        .inheritIO().start();
                assertEquals(0, kill.waitFor());
            }
            LockSupport.parkNanos(50_000_000);
            assertFalse(f.isDone(), () -> "the signal ended the call: " + f.join());
            p.second().send(new byte[] {5, 6});
            Outcome o = f.get(5, TimeUnit.SECONDS);
            assertEquals(2, o.value(), String.valueOf(o.thrown()));
        }
    }

    /** Installs the interrupting SIGWINCH handler around {@code body}; Linux only. */
    private void withInterruptingSignal(Executable body) throws Throwable {
        assumeTrue(LINUX, "needs tgkill and glibc's struct sigaction");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment old = ReliabilityTestSupport.installInterruptingHandler(a, SIGWINCH);
            try {
                body.execute();
            } finally {
                ReliabilityTestSupport.restoreHandler(SIGWINCH, old);
            }
        }
    }

    /** Signals the blocked thread {@code count} times, checking in between that the call goes on. */
    private void pelt(CompletableFuture<Outcome> f, int count) {
        for (int i = 0; i < count; i++) {
            ReliabilityTestSupport.killThread(blocker.tid, SIGWINCH);
            LockSupport.parkNanos(3_000_000);
            assertFalse(f.isDone(), () -> "the call returned after a signal: " + f.join());
        }
    }

    @Test
    void theSignalReallyInterruptsARawRecv() throws Throwable {
        withInterruptingSignal(() -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                int fd = p.first().fd();
                CompletableFuture<Outcome> f = blocker.start(() -> ReliabilityTestSupport.rawRecv(fd, 8, 0));
                blocker.awaitIn(Blocked.RECV, fd, f);
                ReliabilityTestSupport.killThread(blocker.tid, SIGWINCH);
                long[] r = (long[]) f.get(5, TimeUnit.SECONDS).value();
                assertEquals(-1, r[0], "raw recv interrupted");
                assertEquals(Errno.number("EINTR"), (int) r[1]);
            }
        });
    }

    @Test
    void recvAndRecvFromAreRetriedAfterEintr() throws Throwable {
        withInterruptingSignal(() -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                MemorySegment buf = arena.allocate(64);
                CompletableFuture<Outcome> f = blocker.start(() -> p.first().recv(buf));
                blocker.awaitIn(Blocked.RECV, p.first().fd(), f);
                pelt(f, 30);
                p.second().send(new byte[] {1, 2, 3});
                assertEquals(3, f.get(5, TimeUnit.SECONDS).value());

                f = blocker.start(() -> p.first().recvFrom(buf, 0).length());
                blocker.awaitIn(Blocked.RECV, p.first().fd(), f);
                pelt(f, 10);
                p.second().send(new byte[] {4});
                assertEquals(1, f.get(5, TimeUnit.SECONDS).value());

                f = blocker.start(() -> p.first().read(10, ReadMode.NORMAL).length);
                blocker.awaitIn(Blocked.RECV, p.first().fd(), f);
                pelt(f, 10);
                p.second().send("ab\n".getBytes());
                assertEquals(3, f.get(5, TimeUnit.SECONDS).value());
            }
        });
    }

    @Test
    void acceptIsRetriedAfterEintr() throws Throwable {
        withInterruptingSignal(() -> {
            try (Socket l = Socket.listen(LOOPBACK, 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                CompletableFuture<Outcome> f = blocker.start(l::accept);
                blocker.awaitIn(Blocked.ACCEPT, l.fd(), f);
                pelt(f, 20);
                c.connect(l.localAddress());
                Outcome o = f.get(5, TimeUnit.SECONDS);
                try (Socket a = (Socket) o.value()) {
                    assertNotNull(a, String.valueOf(o.thrown()));
                    assertEquals(c.localAddress(), a.peerAddress());
                }
            }
        });
    }

    @Test
    void sendIsRetriedAfterEintr() throws Throwable {
        withInterruptingSignal(() -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                Socket s = p.first();
                MemorySegment chunk = arena.allocate(128 * 1024);
                s.setBlocking(false);
                while (s.send(chunk) != Socket.WOULD_BLOCK) {
                    // fill
                }
                s.setBlocking(true);
                CompletableFuture<Outcome> f = blocker.start(() -> s.send(chunk));
                blocker.awaitIn(Blocked.SEND, s.fd(), f);
                pelt(f, 20);
                byte[] sink = new byte[256 * 1024];
                while (!f.isDone()) {
                    p.second().recv(sink, 0, sink.length, MsgFlags.DONTWAIT);
                    LockSupport.parkNanos(200_000);
                }
                Outcome o = f.get(5, TimeUnit.SECONDS);
                assertTrue(o.value() instanceof Integer n && n > 0, o + " " + o.thrown());
            }
        });
    }

    /** What a test does with a connect that is blocked in the kernel, its socket and its listener. */
    private interface BlockedConnect {
        void then(Socket listener, Socket c, CompletableFuture<Outcome> f) throws Throwable;
    }

    /**
     * Under the interrupting signal: a blocking connect to a listener whose accept queue is full (its
     * SYNs are dropped), once it is waiting in the kernel, handed to {@code body}.
     */
    private void withBlockedConnect(BlockedConnect body) throws Throwable {
        withInterruptingSignal(() -> {
            try (Socket listener = Socket.listen(LOOPBACK, 0)) {
                List<Socket> queued = ReliabilityInterruptTest.fillBacklog(listener);
                try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                    CompletableFuture<Outcome> f = blocker.start(() -> c.connect(listener.localAddress()));
                    blocker.awaitIn(Blocked.CONNECT, c.fd(), f);
                    body.then(listener, c, f);
                } finally {
                    queued.forEach(Socket::close);
                }
            }
        });
    }

    @Test
    void blockingConnectInterruptedBySignalStillConnects() throws Throwable {
        withBlockedConnect((listener, c, f) -> {
            pelt(f, 20); // the first EINTR moves the wait from connect(2) to poll(2); it goes on
            listener.accept().close(); // room for the retransmitted SYN
            Outcome o = f.get(10, TimeUnit.SECONDS);
            assertEquals(true, o.value(), String.valueOf(o.thrown()));
            assertNotNull(c.peerAddress());
        });
    }

    @Test
    void interruptedConnectIsStillWokenByClose() throws Throwable {
        withBlockedConnect((listener, c, f) -> {
            pelt(f, 5);
            long t0 = System.nanoTime();
            c.close();
            Outcome o = f.get(5, TimeUnit.SECONDS);
            assertInstanceOf(SocketClosedException.class, o.thrown());
            assertTrue(o.endNanos() - t0 < 100_000_000L, "woken in " + (o.endNanos() - t0) / 1_000_000 + " ms");
        });
    }

    @Test
    void selectAndPollWaitOutTheirTimeAfterEintr() throws Throwable {
        withInterruptingSignal(() -> {
            try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
                List<Socket> read = new ArrayList<>(List.of(p.first()));
                CompletableFuture<Outcome> f = blocker.start(() -> Select.select(read, null, null, null));
                blocker.awaitIn(Blocked.SELECT, -1, f);
                pelt(f, 20);
                p.second().send(new byte[] {1});
                assertEquals(1, f.get(5, TimeUnit.SECONDS).value());
                p.first().recv(new byte[8]);

                Poller poller = new Poller();
                poller.add(p.first(), Poller.IN);
                f = blocker.start(() -> poller.poll(null));
                blocker.awaitIn(Blocked.POLL, -1, f);
                pelt(f, 20);
                p.second().send(new byte[] {1});
                assertEquals(1, f.get(5, TimeUnit.SECONDS).value());

                // with a timeout: signals neither end the wait early nor make it longer than asked
                List<Socket> none = new ArrayList<>(List.of(p.first()));
                p.first().recv(new byte[8]);
                long t0 = System.nanoTime();
                f = blocker.start(() -> Select.select(none, null, null, Duration.ofMillis(300)));
                blocker.awaitIn(Blocked.SELECT, -1, f);
                pelt(f, 10);
                assertEquals(0, f.get(5, TimeUnit.SECONDS).value());
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took >= 290 && took < 1_000, "select(300 ms) took " + took + " ms");
            }
        });
    }
}
