package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.LifecycleTest.Backlog;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signals: SIGPIPE never fires, EINTR is retried, Thread.interrupt leaves calls alone.
 *
 * <p>To get real EINTRs, SIGWINCH (ignored by default, unused by the JVM) gets a handler installed
 * without SA_RESTART ({@code signal} + {@code siginterrupt}); the handler is libc's {@code abs},
 * a function of one int that touches nothing. {@code pthread_kill} aims it at the blocked thread.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalTest {
    private static final int SIGWINCH = 28; // Linux and Darwin
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(LIBC.find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle SIGINTERRUPT = LINKER.downcallHandle(LIBC.find("siginterrupt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle PTHREAD_SELF = LINKER.downcallHandle(LIBC.find("pthread_self").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = LINKER.downcallHandle(LIBC.find("pthread_kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private static MemorySegment previous;

    @BeforeAll
    static void installHandler() throws Throwable {
        previous = (MemorySegment) SIGNAL.invokeExact(SIGWINCH, LIBC.find("abs").orElseThrow());
        assertEquals(0, (int) SIGINTERRUPT.invokeExact(SIGWINCH, 1), "no SA_RESTART: blocking calls return EINTR");
    }

    @AfterAll
    static void restoreHandler() throws Throwable {
        MemorySegment ignored = (MemorySegment) SIGNAL.invokeExact(SIGWINCH, previous);
        int unused = (int) SIGINTERRUPT.invokeExact(SIGWINCH, 0);
    }

    static long self() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void kill(long thread) {
        try {
            assertEquals(0, (int) PTHREAD_KILL.invokeExact(thread, SIGWINCH));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A thread that runs {@code body} and tells its pthread id first. */
    static final class Target extends Thread {
        volatile long pthread;
        volatile Object result;
        volatile Throwable error;
        private final Net.Body<?> body;

        Target(Net.Body<?> body) {
            this.body = body;
            setDaemon(true);
        }

        @Override
        public void run() {
            pthread = self();
            try {
                result = body.run();
            } catch (Throwable t) {
                error = t;
            }
        }
    }

    /** Signals the target every 20 ms while it is inside {@code LibC.<method>}, {@code times} times. */
    static void pester(Target t, String method, int times) throws InterruptedException {
        Net.awaitNative(t, method);
        for (int i = 0; i < times && t.isAlive(); i++) {
            kill(t.pthread);
            Thread.sleep(20);
        }
    }

    @Test
    void theSignalReallyInterruptsARawBlockingCall() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            int fd = p.first().fd();
            Target t = new Target(() -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment cs = CallState.allocate(a);
                    long n = LibC.recv(cs, fd, a.allocate(8), 8, 0);
                    return new long[] {n, CallState.errno(cs)};
                }
            });
            t.start();
            pester(t, "recv", 100);
            t.join(5000);
            long[] r = (long[]) t.result;
            assertEquals(-1, r[0], "the raw call returned early");
            assertEquals(Constants.EINTR, (int) r[1]);
        }
    }

    @Test
    void recvRetriesEintrAndGetsTheData() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Target t = new Target(() -> p.first().recv(new byte[8]));
            t.start();
            pester(t, "recv", 5);
            assertTrue(t.isAlive(), "still waiting after the signals");
            p.second().send(Net.utf8("late"));
            t.join(5000);
            assertNull(t.error);
            assertEquals(4, t.result);
        }
    }

    @Test
    void acceptRetriesEintr() throws Exception {
        try (Socket l = Socket.listen(ANY4, 4)) {
            Target t = new Target(l::accept);
            t.start();
            pester(t, Net.LINUX ? "accept4" : "accept", 5);
            assertTrue(t.isAlive());
            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                c.connect(l.localAddress());
                t.join(5000);
                assertNull(t.error);
                ((Socket) t.result).close();
            }
        }
    }

    @Test
    void recvFromAndSendRetryEintr() throws Exception {
        try (Socket udp = Socket.open(Domain.INET, Type.DGRAM); Socket tx = Socket.open(Domain.INET, Type.DGRAM)) {
            udp.bind(ANY4);
            Target t = new Target(() -> udp.recvFrom(new byte[8], 0, 8, 0));
            t.start();
            pester(t, "recvfrom", 5);
            tx.sendTo(Net.utf8("dg"), 0, 2, 0, udp.localAddress());
            t.join(5000);
            assertNull(t.error);
            assertEquals(2, ((Received) t.result).length());
        }
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM); Arena a = Arena.ofShared()) {
            MemorySegment big = a.allocate(4 << 20);
            Target t = new Target(() -> {
                p.first().sendAll(big);
                return null;
            });
            t.start();
            pester(t, "send", 5);
            long got = 0;
            byte[] sink = new byte[1 << 16];
            while (got < big.byteSize()) {
                got += p.second().recv(sink);
            }
            t.join(5000);
            assertNull(t.error);
            assertEquals(big.byteSize(), got, "every byte arrived once");
        }
    }

    @Test
    void blockingConnectInterruptedBySignalStillConnects() throws Exception {
        try (Backlog full = Backlog.full(); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            Target t = new Target(() -> c.connect(full.address()));
            t.start();
            pester(t, "connect", 3);
            // make room: the client's SYN retransmission gets through
            full.listener().accept().close();
            t.join(20_000);
            assertNull(t.error);
            assertEquals(true, t.result);
            assertEquals(full.address(), c.peerAddress());
        }
    }

    @Test
    void selectAndPollWaitOutTheirTimeDespiteSignals() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Target sel = new Target(() -> {
                long t0 = System.nanoTime();
                int n = Select.select(new ArrayList<>(List.of(p.first())), null, null, Duration.ofMillis(400));
                return new long[] {n, (System.nanoTime() - t0) / 1_000_000};
            });
            sel.start();
            pester(sel, "select", 5);
            sel.join(5000);
            long[] r = (long[]) sel.result;
            assertEquals(0, r[0]);
            assertTrue(r[1] >= 380, "select returned after " + r[1] + " ms of 400");

            Poller poller = new Poller();
            poller.add(p.first(), Poller.IN);
            Target pol = new Target(() -> {
                long t0 = System.nanoTime();
                int n = poller.poll(Duration.ofMillis(400));
                return new long[] {n, (System.nanoTime() - t0) / 1_000_000};
            });
            pol.start();
            pester(pol, "poll", 5);
            pol.join(5000);
            r = (long[]) pol.result;
            assertEquals(0, r[0]);
            assertTrue(r[1] >= 380, "poll returned after " + r[1] + " ms of 400");
        }
    }

    @Test
    void interruptingAThreadDoesNotDisturbItsCall() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Net.Blocked t = Net.Blocked.start("interrupted", () -> {
                int n = p.first().recv(new byte[8]);
                return new Object[] {n, Thread.currentThread().isInterrupted()};
            });
            Net.awaitNative(t, "recv");
            t.interrupt();
            Thread.sleep(50);
            assertTrue(t.isAlive(), "the call goes on");
            p.second().send(Net.utf8("hi"));
            t.join(5000);
            assertNull(t.error);
            Object[] r = (Object[]) t.result;
            assertEquals(2, r[0]);
            assertEquals(true, r[1], "interrupt status left as it was");
        }
    }

    // ---- SIGPIPE ----------------------------------------------------------------------------------

    @Test
    void writingToAResetTcpPeerThrowsAndTheJvmLives() throws Exception {
        try (Net.Conn c = Net.tcp(Domain.INET)) {
            c.server().setOption(NativeOptions.SO_LINGER, 0);
            c.server().close(); // RST
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    c.client().send(new byte[1024]);
                    Thread.sleep(1);
                }
            });
            String name = ((ErrnoException) e).errnoName();
            assertTrue(Set.of("EPIPE", "ECONNRESET").contains(name), name);
            // had SIGPIPE fired, the default action would have killed this JVM before we got here
            IOException again = assertThrows(IOException.class, () -> c.client().write(new byte[1]));
            assertEquals("EPIPE", ((ErrnoException) again).errnoName());
        }
    }

    @Test
    void writingToAClosedUnixPeerIsEPIPENotASignal() throws IOException {
        SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
        try (Socket keep = p.first(); Arena a = Arena.ofConfined()) {
            p.second().close();
            IOException e = assertThrows(IOException.class, () -> keep.send(a.allocate(16)));
            assertEquals("send", ((ErrnoException) e).operation());
            assertEquals("EPIPE", ((ErrnoException) e).errnoName());
            IOException viaArray = assertThrows(IOException.class, () -> keep.send(new byte[16]));
            assertEquals("EPIPE", ((ErrnoException) viaArray).errnoName());
        }
    }
}
