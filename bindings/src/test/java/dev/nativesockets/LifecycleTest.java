package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nativesockets.Net.Blocked;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Creation (open, pair, listen, adopt, detach) and the close discipline. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
    /** The bound the issue sets for waking a blocked call by close(). */
    static final long WAKE_BOUND_MS = 100;

    @TempDir
    Path dir;

    private static int fdFlags(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = CallState.allocate(a);
            return LibC.fcntl(cs, fd, Constants.F_GETFD, 0);
        }
    }

    private static int statusFlags(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = CallState.allocate(a);
            return LibC.fcntl(cs, fd, Constants.F_GETFL, 0);
        }
    }

    // ---- open ------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"INET,STREAM", "INET,DGRAM", "INET6,STREAM", "INET6,DGRAM", "UNIX,STREAM", "UNIX,DGRAM", "UNIX,SEQPACKET"})
    void openCreatesSocketOfDomainAndTypeWithCloseOnExec(Domain domain, Type type) throws IOException {
        try (Socket s = Socket.open(domain, type)) {
            assertEquals(domain, s.domain());
            assertEquals(type, s.type());
            assertEquals(domain.value(), s.family());
            assertEquals(type.value(), s.getOption(NativeOptions.SO_TYPE));
            assertTrue(s.fd() >= 0);
            assertTrue(s.isBlocking());
            assertFalse(s.isClosed());
            int flags = fdFlags(s.fd());
            assertTrue(flags >= 0 && (flags & Constants.FD_CLOEXEC) != 0, "FD_CLOEXEC set");
        }
    }

    @Test
    void openWithExplicitProtocol() throws IOException {
        try (Socket tcp = Socket.open(Domain.INET, Type.STREAM, Protocol.TCP);
             Socket udp = Socket.open(Domain.INET6, Type.DGRAM, Protocol.UDP)) {
            assertEquals(Type.STREAM, tcp.type());
            assertEquals(Type.DGRAM, udp.type());
            if (LINUX) {
                assertEquals(Protocol.TCP, tcp.getIntOption(Constants.SOL_SOCKET, Constants.SO_PROTOCOL));
                assertEquals(Protocol.UDP, udp.getIntOption(Constants.SOL_SOCKET, Constants.SO_PROTOCOL));
            }
        }
    }

    @Test
    void openWithWrongProtocolFailsWithErrnoName() {
        IOException e = assertThrows(IOException.class, () -> Socket.open(Domain.INET, Type.STREAM, Protocol.UDP));
        ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
        assertEquals("socket", ee.operation());
        assertEquals("EPROTONOSUPPORT", ee.errnoName());
        assertEquals(Errno.number("EPROTONOSUPPORT"), Errno.lastError());
    }

    @Test
    void openRejectsBadArgumentsBeforeAnyCall() {
        assertThrows(IllegalArgumentException.class, () -> Socket.open(null, Type.STREAM));
        assertThrows(IllegalArgumentException.class, () -> Socket.open(Domain.INET, null));
        assertThrows(IllegalArgumentException.class, () -> Socket.open(Domain.INET, Type.STREAM, -1));
        assertThrows(IllegalArgumentException.class, () -> Socket.pair(null, Type.STREAM));
    }

    /** SOCK_RAW: an ICMP echo to 127.0.0.1 and its reply, IP header included (needs CAP_NET_RAW). */
    @Test
    void rawIcmpSocketPingsLoopback() throws IOException {
        Socket raw;
        try {
            raw = Socket.open(Domain.INET, Type.RAW, Protocol.ICMP);
        } catch (IOException e) {
            Privilege.skipOnlyFor(e, "raw sockets need CAP_NET_RAW", "EPERM", "EACCES");
            return;
        }
        try (raw; Arena arena = Arena.ofConfined()) {
            assertEquals(Type.RAW, raw.type());
            raw.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofSeconds(2));
            int id = (int) (ProcessHandle.current().pid() & 0xFFFF);
            byte[] echo = {8, 0, 0, 0, (byte) (id >> 8), (byte) id, 0, 7, 'p', 'i', 'n', 'g'};
            int sum = 0;
            for (int i = 0; i < echo.length; i += 2) {
                sum += ((echo[i] & 0xFF) << 8) | (echo[i + 1] & 0xFF);
            }
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = ~((sum & 0xFFFF) + (sum >>> 16)) & 0xFFFF;
            echo[2] = (byte) (sum >> 8);
            echo[3] = (byte) sum;
            assertEquals(echo.length, raw.sendTo(echo, 0, echo.length, 0, new InetSocketAddress(Net.LO4, 0)));
            byte[] in = new byte[256];
            for (int tries = 0; tries < 10; tries++) {
                Received r = raw.recvFrom(in, 0, in.length, 0);
                int ihl = (in[0] & 0x0F) * 4;
                assertEquals(Net.LO4, ((InetSocketAddress) r.source()).getAddress());
                if (in[ihl] == 0 && (((in[ihl + 4] & 0xFF) << 8) | (in[ihl + 5] & 0xFF)) == id) {
                    assertEquals(20 + echo.length, r.length(), "IP header + echo reply");
                    assertEquals("ping", new String(in, ihl + 8, 4, java.nio.charset.StandardCharsets.US_ASCII));
                    return;
                }
            }
            throw new AssertionError("no echo reply");
        }
    }

    // ---- pair ------------------------------------------------------------------------------

    @Test
    void pairStreamIsConnectedBothWays() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            assertEquals(Domain.UNIX, p.first().domain());
            assertEquals(Type.STREAM, p.second().type());
            assertNotEquals(p.first().fd(), p.second().fd());
            p.first().sendAll(Net.utf8("ping"));
            Net.assertBytes("ping", Net.readN(p.second(), 4));
            p.second().sendAll(Net.utf8("pong"));
            Net.assertBytes("pong", Net.readN(p.first(), 4));
            assertTrue((fdFlags(p.first().fd()) & Constants.FD_CLOEXEC) != 0);
        }
    }

    @Test
    void pairDatagramAndSeqpacketKeepMessageBoundaries() throws IOException {
        for (Type t : new Type[] {Type.DGRAM, Type.SEQPACKET}) {
            try (SocketPair p = Socket.pair(Domain.UNIX, t)) {
                p.first().send(Net.utf8("one"));
                p.first().send(Net.utf8("three"));
                byte[] b = new byte[64];
                assertEquals(3, p.second().recv(b), t.name());
                assertEquals(5, p.second().recv(b), t.name());
            }
        }
    }

    @Test
    void pairClosesBothEnds() throws IOException {
        SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
        p.close();
        assertTrue(p.first().isClosed());
        assertTrue(p.second().isClosed());
    }

    @Test
    void pairOfInetSocketsIsRefusedByTheKernel() {
        IOException e = assertThrows(IOException.class, () -> Socket.pair(Domain.INET, Type.STREAM));
        assertEquals("socketpair", ((ErrnoException) e).operation());
        assertEquals("EOPNOTSUPP", ((ErrnoException) e).errnoName());
    }

    // ---- listen ----------------------------------------------------------------------------

    @Test
    void listenFactoryBindsListensAndSetsReuseAddr() throws IOException {
        try (Socket l = Socket.listen(ANY4, 4)) {
            assertTrue(l.getOption(NativeOptions.SO_ACCEPTCONN));
            assertTrue(l.getOption(NativeOptions.SO_REUSEADDR));
            assertTrue(Net.port(l) > 0);
        }
    }

    @Test
    void listenFactoryOnUnixPath() throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("l.sock"));
        try (Socket l = Socket.listen(path, 4)) {
            assertEquals(path, l.localAddress());
            assertTrue(l.getOption(NativeOptions.SO_ACCEPTCONN));
            assertTrue(dir.resolve("l.sock").toFile().exists());
        }
    }

    @Test
    void listenFactoryClosesTheSocketWhenBindFails() throws IOException {
        try (Socket first = Socket.listen(ANY4, 4)) {
            InetSocketAddress taken = (InetSocketAddress) first.localAddress();
            // the kernel hands out the lowest free number: the failing socket gets the probe's
            int next;
            try (Socket probe = Socket.open(Domain.INET, Type.STREAM)) {
                next = probe.fd();
            }
            BindException e = assertThrows(BindException.class, () -> Socket.listen(taken, 4));
            assertEquals("EADDRINUSE", ((ErrnoException) e).errnoName());
            assertTrue(fdFlags(next) < 0, "the socket whose bind failed was closed at once");
        }
    }

    @Test
    void listenFactoryRejectsUnknownAddressType() {
        SocketAddress weird = new SocketAddress() {};
        assertThrows(IllegalArgumentException.class, () -> Socket.listen(weird, 1));
    }

    // ---- adopt / detach ----------------------------------------------------------------------

    @Test
    void detachHandsOverAnOpenDescriptorAndAdoptTakesItBack() throws IOException {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.SEQPACKET)) {
            p.first().setBlocking(false);
            int fd = p.first().detach();
            assertTrue(p.first().isClosed());
            assertThrows(IllegalStateException.class, () -> p.first().fd());
            assertTrue(fdFlags(fd) >= 0, "descriptor still open after detach");
            p.first().close(); // no effect on the detached descriptor
            assertTrue(fdFlags(fd) >= 0, "close after detach leaves the descriptor alone");
            try (Socket again = Socket.adopt(fd)) {
                assertEquals(fd, again.fd());
                assertEquals(Domain.UNIX, again.domain());
                assertEquals(Type.SEQPACKET, again.type());
                assertFalse(again.isBlocking(), "non-blocking state read from the descriptor");
                again.send(Net.utf8("adopted"));
                byte[] b = new byte[16];
                assertEquals(7, p.second().recv(b));
            }
            assertTrue(fdFlags(fd) < 0, "closing the adopted socket closed the descriptor");
        }
    }

    @Test
    void adoptReadsFamilyOfInetSockets() throws IOException {
        try (Socket udp = Socket.open(Domain.INET6, Type.DGRAM)) {
            udp.bind(Net.ANY6);
            SocketAddress bound = udp.localAddress();
            try (Socket adopted = Socket.adopt(udp.detach())) {
                assertEquals(Domain.INET6, adopted.domain());
                assertEquals(Type.DGRAM, adopted.type());
                assertEquals(bound, adopted.localAddress());
                assertTrue(adopted.isBlocking());
            }
        }
    }

    @Test
    void adoptRejectsDescriptorsThatAreNoSockets() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = CallState.allocate(a);
            MemorySegment fds = a.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, LibC.pipe(cs, fds));
            int r = fds.get(ValueLayout.JAVA_INT, 0);
            int w = fds.get(ValueLayout.JAVA_INT, 4);
            try {
                IOException e = assertThrows(IOException.class, () -> Socket.adopt(r));
                assertEquals("ENOTSOCK", ((ErrnoException) e).errnoName());
                assertTrue(fdFlags(r) >= 0, "a refused descriptor is not closed");
            } finally {
                LibC.close(cs, r);
                LibC.close(cs, w);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Socket.adopt(-1));
    }

    @Test
    void detachFailsWhileACallIsInFlight() throws Exception {
        try (SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM)) {
            Blocked t = Blocked.start("recv", () -> p.first().recv(new byte[4]));
            Net.awaitNative(t, "recv");
            assertThrows(IllegalStateException.class, () -> p.first().detach());
            p.second().send(Net.utf8("x"));
            t.join(5000);
            assertEquals(1, t.result);
        }
    }

    // ---- close -----------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndReleasesTheDescriptor() throws IOException {
        Socket s = Socket.open(Domain.INET, Type.STREAM);
        int fd = s.fd();
        assertTrue(fdFlags(fd) >= 0);
        s.close();
        assertTrue(fdFlags(fd) < 0, "descriptor released");
        s.close();
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, s::fd);
        assertTrue(s.toString().contains("closed"));
    }

    @Test
    void everyCallOnAClosedSocketFailsBeforeReachingLibc() throws IOException {
        Socket s = Socket.open(Domain.INET, Type.DGRAM);
        s.close();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8);
            List<Net.Body<?>> calls = List.of(
                    () -> { s.bind(ANY4); return null; },
                    () -> { s.listen(1); return null; },
                    s::accept,
                    () -> s.connect(ANY4),
                    () -> { s.connect(ANY4, Duration.ofSeconds(1)); return null; },
                    s::finishConnect,
                    () -> s.recv(buf),
                    () -> s.send(buf),
                    () -> s.recvFrom(buf, 0),
                    () -> s.sendTo(buf, 0, ANY4),
                    () -> s.read(1),
                    () -> s.write(new byte[1]),
                    () -> { s.shutdown(How.BOTH); return null; },
                    s::localAddress,
                    s::peerAddress,
                    () -> { s.setBlocking(false); return null; },
                    () -> s.getOption(NativeOptions.SO_TYPE),
                    () -> { s.setOption(NativeOptions.SO_BROADCAST, true); return null; },
                    () -> s.getIntOption(Constants.SOL_SOCKET, Constants.SO_TYPE),
                    s::available,
                    s::detach);
            for (Net.Body<?> call : calls) {
                assertThrows(IllegalStateException.class, call::run);
            }
        }
    }

    /**
     * Four threads close one socket at once while this thread opens new socket pairs, which take
     * the released number: a second close(2) of that number would break one of them.
     */
    @Test
    void concurrentClosesCloseExactlyOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            Socket s = Socket.open(Domain.INET, Type.STREAM);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    s.close();
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            List<SocketPair> canaries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                canaries.add(Socket.pair(Domain.UNIX, Type.STREAM));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(s.isClosed());
            for (SocketPair c : canaries) {
                assertEquals(1, c.first().send(new byte[] {1}), "canary descriptor intact");
                assertEquals(1, c.second().recv(new byte[1]));
                c.close();
            }
        }
    }

    /**
     * Closing while calls are in flight must never shut down or close a descriptor number the
     * kernel has already handed to a new socket. Each round races a close against a call that is
     * just leaving, while another thread keeps creating socket pairs (which take the numbers
     * released) and checks that none of them was shut down or closed under it.
     */
    @Test
    void closeRacingLeavingCallsNeverTouchesReusedDescriptors() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> broken = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        Thread checker = new Thread(() -> {
            byte[] one = {42};
            byte[] in = new byte[1];
            try {
                while (!stop.get()) {
                    try (SocketPair fresh = Socket.pair(Domain.UNIX, Type.STREAM)) {
                        for (int i = 0; i < 4; i++) {
                            assertEquals(1, fresh.first().send(one));
                            assertEquals(1, fresh.second().recv(in, 0, 1, MsgFlags.DONTWAIT));
                            assertEquals(1, fresh.second().send(one));
                            assertEquals(1, fresh.first().recv(in, 0, 1, MsgFlags.DONTWAIT));
                        }
                        checked.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                broken.set(t);
            }
        }, "checker");
        checker.start();
        try {
            long until = System.nanoTime() + 2_000_000_000L; // bounded in time too: loaded CI machines
            for (int round = 0; round < 1500 && broken.get() == null && System.nanoTime() < until; round++) {
                SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
                Socket victim = p.first();
                CountDownLatch running = new CountDownLatch(1);
                Thread caller = new Thread(() -> {
                    byte[] tmp = new byte[1];
                    running.countDown();
                    try {
                        while (true) {
                            victim.recv(tmp, 0, 1, MsgFlags.DONTWAIT);
                        }
                    } catch (IllegalStateException | IOException expected) {
                        // closed under us
                    }
                });
                caller.start();
                running.await();
                victim.close();
                caller.join();
                p.second().close();
            }
        } finally {
            stop.set(true);
            checker.join();
        }
        if (broken.get() != null) {
            throw new AssertionError("a socket created meanwhile was hit by a stale close", broken.get());
        }
        assertTrue(checked.get() > 0);
    }

    @Test
    void cleanerClosesUnreachableSockets() throws Exception {
        var before = ReliabilityTestSupport.descriptorTable();
        int[] fds = openAndDrop(40);
        // not a vacuous test: the dropped sockets are open now (counted by number and identity, so
        // that descriptors closed meanwhile by others do not count; a collection in between may close a few)
        var created = ReliabilityTestSupport.numbersCreatedSince(before);
        long stillOpen = java.util.Arrays.stream(fds).filter(created::contains).count();
        assertTrue(stillOpen >= 20, stillOpen + " of 40 dropped sockets open before any collection: " + created);
        assertEquals(0, ReliabilityTestSupport.openAfterCollecting(fds, 20), "descriptors of dropped sockets the Cleaner has not closed");
    }

    /** Opens sockets, keeps only their descriptor numbers. */
    private static int[] openAndDrop(int n) throws IOException {
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = Socket.open(Domain.INET, Type.DGRAM).fd();
        }
        return fds;
    }

    // ---- close wakes blocked calls -------------------------------------------------------------

    /** A socket to close and the call that blocks on it; {@code extra} is closed afterwards. */
    record Blocking(Socket target, Net.Body<?> call, AutoCloseable extra) {
        Blocking(Socket target, Net.Body<?> call) {
            this(target, call, () -> { });
        }
    }

    /**
     * Starts the call on a thread, waits until it blocks in {@code LibC.<method>}, closes the socket
     * and times how long the call takes to fail with {@link SocketClosedException}. Every attempt
     * must fail that way; the wake-up must beat {@link #WAKE_BOUND_MS} in one of three attempts, so a
     * single scheduling or GC hiccup on a loaded machine does not fail the build.
     */
    static void assertCloseWakes(String method, Net.Body<Blocking> setup) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            Blocking b = setup.run();
            try {
                Blocked t = Blocked.start("blocked-in-" + method, b.call());
                Net.awaitNative(t, method);
                assertTrue(t.isAlive(), method + " did not block");
                long closed = System.nanoTime();
                b.target().close();
                t.join(5000);
                assertFalse(t.isAlive(), method + " still blocked after close");
                assertInstanceOf(SocketClosedException.class, t.error, () -> "got " + t.error + " / " + t.result);
                assertThrows(IllegalStateException.class, b.target()::fd, "closed for good");
                long wakeMs = TimeUnit.NANOSECONDS.toMillis(t.endedNanos - closed);
                if (wakeMs < WAKE_BOUND_MS) {
                    return;
                }
                times.add(wakeMs);
            } finally {
                b.extra().close();
            }
        }
        throw new AssertionError(method + " woke only after " + times + " ms (bound " + WAKE_BOUND_MS + " ms)");
    }

    private static final String ACCEPT = LINUX ? "accept4" : "accept";

    @Test
    void closeWakesAcceptOnTcp() throws Exception {
        assertCloseWakes(ACCEPT, () -> {
            Socket l = Socket.listen(ANY4, 4);
            return new Blocking(l, l::accept);
        });
    }

    @Test
    void closeWakesAcceptOnIpv6() throws Exception {
        assertCloseWakes(ACCEPT, () -> {
            Socket l = Socket.listen(Net.ANY6, 4);
            return new Blocking(l, l::accept);
        });
    }

    @Test
    void closeWakesAcceptOnUnixPath() throws Exception {
        assertCloseWakes(ACCEPT, () -> {
            Socket l = Socket.listen(UnixDomainSocketAddress.of(dir.resolve("a" + System.nanoTime())), 4);
            return new Blocking(l, l::accept);
        });
    }

    @Test
    void closeWakesRecvOnTcpAndThePeerSeesEndOfStream() throws Exception {
        assertCloseWakes("recv", () -> {
            Net.Conn c = Net.tcp(Domain.INET);
            Arena a = Arena.ofShared();
            MemorySegment buf = a.allocate(16);
            return new Blocking(c.client(), () -> c.client().recv(buf), () -> {
                // the peer sees the shutdown the wake-up did
                assertEquals(0, c.server().recv(new byte[4]));
                c.close();
                a.close();
            });
        });
    }

    @Test
    void closeWakesRecvOnUnixStreamPair() throws Exception {
        assertCloseWakes("recv", () -> {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            return new Blocking(p.first(), () -> p.first().recv(new byte[16]), p);
        });
    }

    @Test
    void closeWakesRecvFromOnUdp() throws Exception {
        assertCloseWakes("recvfrom", () -> {
            Socket udp = Socket.open(Domain.INET, Type.DGRAM);
            udp.bind(ANY4);
            Arena a = Arena.ofShared();
            MemorySegment buf = a.allocate(16);
            return new Blocking(udp, () -> udp.recvFrom(buf, 0), a);
        });
    }

    @Test
    void closeWakesSendBlockedOnAFullBuffer() throws Exception {
        assertCloseWakes("send", () -> {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            Arena a = Arena.ofShared();
            MemorySegment big = a.allocate(8 << 20);
            return new Blocking(p.first(), () -> p.first().send(big), () -> {
                p.close();
                a.close();
            });
        });
    }

    @Test
    void closeWakesBlockingConnect() throws Exception {
        try (Backlog full = Backlog.full()) {
            assertCloseWakes("connect", () -> {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                return new Blocking(c, () -> c.connect(full.address()));
            });
        }
    }

    @Test
    void closeWakesTimedConnect() throws Exception {
        try (Backlog full = Backlog.full()) {
            assertCloseWakes("poll", () -> {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                return new Blocking(c, () -> {
                    c.connect(full.address(), Duration.ofSeconds(30));
                    return null;
                });
            });
        }
    }

    @Test
    void closeWakesSelectOnUdp() throws Exception {
        assertCloseWakes("select", () -> {
            Socket udp = Socket.open(Domain.INET, Type.DGRAM);
            udp.bind(ANY4);
            return new Blocking(udp, () -> Select.select(new ArrayList<>(List.of(udp)), null, null, Duration.ofSeconds(30)));
        });
    }

    @Test
    void closeWakesSelectOnAListener() throws Exception {
        assertCloseWakes("select", () -> {
            Socket l = Socket.listen(ANY4, 4);
            return new Blocking(l, () -> Select.select(new ArrayList<>(List.of(l)), null, null, null));
        });
    }

    @Test
    void closeWakesPoll() throws Exception {
        assertCloseWakes("poll", () -> {
            SocketPair p = Socket.pair(Domain.UNIX, Type.STREAM);
            Poller poller = new Poller();
            poller.add(p.second(), Poller.IN);
            poller.add(p.first(), Poller.IN);
            return new Blocking(p.first(), () -> poller.poll(Duration.ofSeconds(30)), p);
        });
    }

    /** A listener whose accept queue is full: a further connect to it hangs (SYNs are dropped). */
    record Backlog(Socket listener, List<Socket> fillers, InetSocketAddress address) implements AutoCloseable {
        static Backlog full() throws IOException {
            Socket l = Socket.listen(ANY4, 0);
            InetSocketAddress addr = (InetSocketAddress) l.localAddress();
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket c = Socket.open(Domain.INET, Type.STREAM);
                try {
                    c.connect(addr, Duration.ofMillis(150));
                    fillers.add(c);
                } catch (java.net.SocketTimeoutException full) {
                    c.close();
                    return new Backlog(l, fillers, addr);
                }
            }
            throw new AssertionError("backlog never filled");
        }

        @Override
        public void close() {
            fillers.forEach(Socket::close);
            listener.close();
        }
    }

    @Test
    void blockingModeIsPerSocketAndLivesInTheDescriptor() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM)) {
            a.setBlocking(false);
            assertFalse(a.isBlocking());
            assertTrue(b.isBlocking());
            assertTrue((statusFlags(a.fd()) & Constants.O_NONBLOCK) != 0);
            assertEquals(0, statusFlags(b.fd()) & Constants.O_NONBLOCK);
            a.setBlocking(true);
            assertEquals(0, statusFlags(a.fd()) & Constants.O_NONBLOCK);
            assertTrue(a.isBlocking());
        }
    }
}
