package dev.nativesockets;

import static dev.nativesockets.Net.ANY4;
import static dev.nativesockets.Net.ANY6;
import static dev.nativesockets.Net.LINUX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nativesockets.LifecycleTest.Backlog;
import dev.nativesockets.libc.CallState;
import dev.nativesockets.libc.Constants;
import dev.nativesockets.libc.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bind, listen, accept, connect (plain, timed, non-blocking) over IPv4, IPv6, Unix paths and abstract names. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectTest {
    @TempDir
    Path dir;

    private SocketAddress address(String kind) {
        return switch (kind) {
            case "ipv4" -> ANY4;
            case "ipv6" -> ANY6;
            case "path" -> UnixDomainSocketAddress.of(dir.resolve("c.sock"));
            case "abstract" -> SockAddr.abstractUnix("nativesockets-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Domain domainOf(String kind) {
        return switch (kind) {
            case "ipv4" -> Domain.INET;
            case "ipv6" -> Domain.INET6;
            default -> Domain.UNIX;
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"ipv4", "ipv6", "path", "abstract"})
    void bindListenAcceptConnectAndTalk(String kind) throws IOException {
        assumeTrue(LINUX || !kind.equals("abstract"), "abstract names are Linux-only");
        Domain d = domainOf(kind);
        try (Socket server = Socket.open(d, Type.STREAM); Socket client = Socket.open(d, Type.STREAM)) {
            server.bind(address(kind));
            server.listen(5);
            SocketAddress bound = server.localAddress();
            assertTrue(client.connect(bound));
            try (Socket conn = server.accept()) {
                assertEquals(d, conn.domain());
                assertEquals(Type.STREAM, conn.type());
                assertTrue(conn.isBlocking());
                assertEquals(bound, client.peerAddress());
                if (d != Domain.UNIX) {
                    assertEquals(client.localAddress(), conn.peerAddress());
                }
                client.sendAll(Net.utf8("hello " + kind));
                Net.assertBytes("hello " + kind, Net.readN(conn, 6 + kind.length()));
                conn.sendAll(Net.utf8("bye"));
                Net.assertBytes("bye", Net.readN(client, 3));
            }
        }
    }

    @Test
    void listenWithDefaultBacklogAcceptsSeveralClients() throws IOException {
        try (Socket l = Socket.open(Domain.INET, Type.STREAM)) {
            l.bind(ANY4);
            l.listen();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket c = Socket.open(Domain.INET, Type.STREAM);
                    clients.add(c);
                    assertTrue(c.connect(l.localAddress()));
                }
                for (int i = 0; i < 5; i++) {
                    try (Socket a = l.accept()) {
                        assertTrue(clients.stream().anyMatch(c -> {
                            try {
                                return c.localAddress().equals(a.peerAddress());
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }));
                    }
                }
            } finally {
                clients.forEach(Socket::close);
            }
        }
    }

    @Test
    void ipv4ClientReachesDualStackIpv6ListenerAsMappedAddress() throws IOException {
        try (Socket l = Net.boundToIn6Any(Type.STREAM, false)) {
            l.listen(4);
            int port = Net.port(l);
            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                c.connect(new InetSocketAddress(Net.LO4, port));
                try (Socket a = l.accept()) {
                    InetSocketAddress peer = (InetSocketAddress) a.peerAddress();
                    assertInstanceOf(Inet4Address.class, peer.getAddress(), "::ffff:127.0.0.1 decodes as IPv4");
                    assertEquals(c.localAddress(), peer);
                }
            }
            // and an IPv6 socket may connect to an IPv4 address (sent as ::ffff:a.b.c.d)
            try (Socket c6 = Socket.open(Domain.INET6, Type.STREAM)) {
                assertTrue(c6.connect(new InetSocketAddress(Net.LO4, port)));
                l.accept().close();
            }
        }
    }

    @Test
    void connectRefusedIsConnectExceptionWithErrno() throws IOException {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            int port;
            try (Socket probe = Socket.listen(Net.loopback(d), 1)) {
                port = Net.port(probe);
            }
            try (Socket c = Socket.open(d, Type.STREAM)) {
                ConnectException e = assertThrows(ConnectException.class,
                        () -> c.connect(new InetSocketAddress(Net.loopback(d).getAddress(), port)));
                ErrnoException ee = (ErrnoException) e;
                assertEquals("ECONNREFUSED", ee.errnoName());
                assertEquals(Constants.ECONNREFUSED, ee.errno());
                assertTrue(e.getMessage().startsWith("connect: ECONNREFUSED (" + Constants.ECONNREFUSED + "): "), e.getMessage());
                assertEquals(Constants.ECONNREFUSED, c.lastError());
            }
        }
    }

    @Test
    void connectToMissingUnixPathIsENOENTAndToABoundButNotListeningOneIsRefused() throws IOException {
        try (Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            IOException e = assertThrows(IOException.class, () -> c.connect(UnixDomainSocketAddress.of(dir.resolve("none"))));
            assertEquals("ENOENT", ((ErrnoException) e).errnoName());
        }
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("bound"));
        try (Socket bound = Socket.open(Domain.UNIX, Type.STREAM); Socket c = Socket.open(Domain.UNIX, Type.STREAM)) {
            bound.bind(path);
            ConnectException e = assertThrows(ConnectException.class, () -> c.connect(path));
            assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void bindToAPortInUseIsBindExceptionEADDRINUSE() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.STREAM); Socket b = Socket.open(Domain.INET, Type.STREAM)) {
            a.bind(ANY4);
            a.listen(1);
            BindException e = assertThrows(BindException.class, () -> b.bind(a.localAddress()));
            ErrnoException ee = (ErrnoException) e;
            assertEquals("bind", ee.operation());
            assertEquals("EADDRINUSE", ee.errnoName());
            assertEquals(Errno.strerror(Constants.EADDRINUSE), ee.strerror());
            assertEquals(Constants.EADDRINUSE, b.lastError());
            assertEquals(0, a.lastError());
        }
    }

    @Test
    void bindToAnAddressNotOnThisHostIsBindExceptionEADDRNOTAVAIL() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            BindException e = assertThrows(BindException.class, () -> s.bind(new InetSocketAddress(Net.addr("198.51.100.77"), 0)));
            assertEquals("EADDRNOTAVAIL", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void bindToAUnixPathThatExistsIsEADDRINUSE() throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("twice"));
        try (Socket a = Socket.open(Domain.UNIX, Type.STREAM); Socket b = Socket.open(Domain.UNIX, Type.STREAM)) {
            a.bind(path);
            BindException e = assertThrows(BindException.class, () -> b.bind(path));
            assertEquals("EADDRINUSE", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void bindingTwiceIsEINVAL() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            s.bind(ANY4);
            IOException e = assertThrows(IOException.class, () -> s.bind(ANY4));
            assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void listenOnADatagramSocketIsEOPNOTSUPP() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.DGRAM)) {
            IOException e = assertThrows(IOException.class, () -> s.listen(1));
            assertEquals("listen", ((ErrnoException) e).operation());
            assertEquals("EOPNOTSUPP", ((ErrnoException) e).errnoName());
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
                s.listen(-1);
            }
        });
    }

    @Test
    void acceptOnASocketThatDoesNotListenIsEINVAL() throws IOException {
        try (Socket s = Socket.open(Domain.INET, Type.STREAM)) {
            s.bind(ANY4);
            IOException e = assertThrows(IOException.class, s::accept);
            assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void addressesOfTheWrongFamilyAreRejectedBeforeTheCall() throws IOException {
        try (Socket v4 = Socket.open(Domain.INET, Type.STREAM); Socket unix = Socket.open(Domain.UNIX, Type.STREAM)) {
            assertThrows(IllegalArgumentException.class, () -> v4.bind(ANY6));
            assertThrows(IllegalArgumentException.class, () -> v4.connect(UnixDomainSocketAddress.of(dir.resolve("x"))));
            assertThrows(IllegalArgumentException.class, () -> unix.connect(ANY4));
            assertThrows(IllegalArgumentException.class, () -> v4.connect(InetSocketAddress.createUnresolved("example.invalid", 80)));
            assertThrows(IllegalArgumentException.class, () -> v4.connect(null));
            assertThrows(IllegalArgumentException.class, () -> unix.bind(UnixDomainSocketAddress.of("x".repeat(200))));
            assertThrows(IllegalArgumentException.class, () -> unix.bind(UnixDomainSocketAddress.of("a\0b")));
            assertEquals(0, v4.lastError(), "nothing reached the kernel");
        }
    }

    // ---- accept variants ------------------------------------------------------------------

    @Test
    void nonBlockingAcceptReturnsNullAndRecordsEAGAIN() throws IOException {
        try (Socket l = Socket.listen(ANY4, 4)) {
            l.setBlocking(false);
            assertNull(l.accept());
            assertEquals(Constants.EAGAIN, l.lastError());
            try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
                c.connect(l.localAddress());
                Poller p = new Poller();
                p.add(l, Poller.IN);
                assertEquals(1, p.poll(Duration.ofSeconds(5)));
                try (Socket a = l.accept()) {
                    assertNotNull(a);
                    assertTrue(a.isBlocking(), "accepted sockets start blocking whatever the listener");
                }
            }
        }
    }

    @Test
    void acceptWithNonBlockingFlagGivesANonBlockingSocket() throws IOException {
        try (Socket l = Socket.listen(ANY4, 4); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            c.connect(l.localAddress());
            try (Socket a = l.accept(true); Arena arena = Arena.ofConfined()) {
                assertFalse(a.isBlocking());
                MemorySegment cs = CallState.allocate(arena);
                assertTrue((LibC.fcntl(cs, a.fd(), Constants.F_GETFL, 0) & Constants.O_NONBLOCK) != 0);
                assertTrue((LibC.fcntl(cs, a.fd(), Constants.F_GETFD, 0) & Constants.FD_CLOEXEC) != 0);
                assertEquals(Socket.WOULD_BLOCK, a.recv(arena.allocate(8)));
                assertEquals(Constants.EAGAIN, a.lastError());
            }
        }
    }

    @Test
    void acceptTimesOutUnderSoRcvtimeo() throws IOException {
        try (Socket l = Socket.listen(ANY4, 4)) {
            l.setOption(NativeOptions.SO_RCVTIMEO, Duration.ofMillis(150));
            long t0 = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, l::accept);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 120, "waited " + ms + " ms");
            assertEquals("EAGAIN", ((ErrnoException) e).errnoName());
            assertEquals("accept", ((ErrnoException) e).operation());
            assertEquals(Constants.EAGAIN, l.lastError());
        }
    }

    // ---- timed connect ------------------------------------------------------------------------

    @Test
    void timedConnectSucceedsAndKeepsBlockingMode() throws IOException {
        try (Socket l = Socket.listen(ANY6, 4); Socket c = Socket.open(Domain.INET6, Type.STREAM)) {
            c.connect(l.localAddress(), Duration.ofSeconds(5));
            assertTrue(c.isBlocking());
            assertEquals(l.localAddress(), c.peerAddress());
            l.accept().close();
        }
    }

    @Test
    void timedConnectAgainstAFullBacklogThrowsSocketTimeoutException() throws IOException {
        try (Backlog full = Backlog.full(); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            long t0 = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> c.connect(full.address(), Duration.ofMillis(300)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 280 && ms < 5000, "took " + ms + " ms");
            assertEquals("ETIMEDOUT", ((ErrnoException) e).errnoName());
            assertEquals(Constants.ETIMEDOUT, c.lastError());
            assertTrue(c.isBlocking(), "blocking mode restored");
        }
    }

    @Test
    void timedConnectRefusedIsConnectException() throws IOException {
        int port;
        try (Socket probe = Socket.listen(ANY4, 1)) {
            port = Net.port(probe);
        }
        try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> c.connect(new InetSocketAddress(Net.LO4, port), Duration.ofSeconds(5)));
            assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void timedConnectToAFullUnixBacklogTimesOutThenSucceedsOnceThereIsRoom() throws Exception {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("full"));
        try (Socket l = Socket.listen(path, 0)) {
            List<Socket> fillers = new ArrayList<>();
            try {
                // fill the queue: non-blocking connects answer EAGAIN once it is full
                for (int i = 0; i < 64; i++) {
                    Socket c = Socket.open(Domain.UNIX, Type.STREAM);
                    c.setBlocking(false);
                    if (!c.connect(path)) {
                        assertEquals(Constants.EAGAIN, c.lastError());
                        assertFalse(c.finishConnect(), "nothing in progress after EAGAIN");
                        c.close();
                        break;
                    }
                    fillers.add(c);
                }
                assertFalse(fillers.isEmpty());
                try (Socket late = Socket.open(Domain.UNIX, Type.STREAM)) {
                    SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                            () -> late.connect(path, Duration.ofMillis(150)));
                    assertEquals("ETIMEDOUT", ((ErrnoException) e).errnoName());
                }
                Net.Blocked acceptor = Net.Blocked.start("acceptor", () -> {
                    Thread.sleep(100);
                    return l.accept();
                });
                try (Socket late = Socket.open(Domain.UNIX, Type.STREAM)) {
                    late.connect(path, Duration.ofSeconds(10));
                    assertEquals(path, late.peerAddress());
                }
                acceptor.join();
                ((Socket) acceptor.result).close();
            } finally {
                fillers.forEach(Socket::close);
            }
        }
    }

    @Test
    void timedConnectRejectsNonPositiveTimeouts() throws IOException {
        try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            assertThrows(IllegalArgumentException.class, () -> c.connect(ANY4, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> c.connect(ANY4, Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> c.connect(ANY4, null));
        }
    }

    // ---- non-blocking connect ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ipv4", "ipv6"})
    void nonBlockingConnectReportsEINPROGRESSAndFinishConnectCompletesIt(String kind) throws IOException {
        Domain d = domainOf(kind);
        try (Socket l = Socket.listen(address(kind), 4); Socket c = Socket.open(d, Type.STREAM)) {
            c.setBlocking(false);
            boolean now = c.connect(l.localAddress());
            if (!now) {
                assertEquals(Constants.EINPROGRESS, c.lastError());
                assertEquals(Constants.EINPROGRESS, Errno.lastError());
                Poller p = new Poller();
                p.add(c, Poller.OUT);
                assertEquals(1, p.poll(Duration.ofSeconds(5)));
                assertTrue(c.finishConnect());
            }
            assertTrue(c.finishConnect(), "stays connected");
            assertFalse(c.isBlocking());
            try (Socket a = l.accept()) {
                assertEquals(c.localAddress(), a.peerAddress());
            }
        }
    }

    @Test
    void nonBlockingConnectRefusedSurfacesInFinishConnect() throws IOException {
        int port;
        try (Socket probe = Socket.listen(ANY4, 1)) {
            port = Net.port(probe);
        }
        try (Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            c.setBlocking(false);
            if (c.connect(new InetSocketAddress(Net.LO4, port))) {
                throw new AssertionError("connected to a closed port");
            }
            Poller p = new Poller();
            p.add(c, Poller.OUT);
            p.poll(Duration.ofSeconds(5));
            ConnectException e = assertThrows(ConnectException.class, c::finishConnect);
            assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
        } catch (ConnectException immediate) {
            // some kernels refuse at once on loopback; that is the same answer
            assertEquals("ECONNREFUSED", ((ErrnoException) immediate).errnoName());
        }
    }

    @Test
    void finishConnectIsFalseWhileTheHandshakeCannotComplete() throws IOException {
        try (Backlog full = Backlog.full(); Socket c = Socket.open(Domain.INET, Type.STREAM)) {
            c.setBlocking(false);
            assertFalse(c.connect(full.address()));
            assertFalse(c.finishConnect());
            assertFalse(c.finishConnect());
        }
    }

    @Test
    void connectOnADatagramSocketFixesThePeer() throws IOException {
        try (Socket a = Socket.open(Domain.INET, Type.DGRAM); Socket b = Socket.open(Domain.INET, Type.DGRAM);
             Socket stranger = Socket.open(Domain.INET, Type.DGRAM)) {
            a.bind(ANY4);
            b.bind(ANY4);
            assertTrue(a.connect(b.localAddress()));
            assertEquals(b.localAddress(), a.peerAddress());
            a.send(Net.utf8("to b"));
            Received r = b.recvFrom(new byte[16], 0, 16, 0);
            assertEquals(4, r.length());
            assertEquals(a.localAddress(), r.source());
            // datagrams from anyone but the peer are filtered out
            stranger.sendTo(Net.utf8("no"), 0, 2, 0, a.localAddress());
            b.sendTo(Net.utf8("yes"), 0, 3, 0, a.localAddress());
            byte[] in = new byte[8];
            assertEquals(3, a.recv(in));
            Net.assertBytes("yes", java.util.Arrays.copyOf(in, 3));
        }
    }
}
